// The Model area's state: the graph being edited with its undo history, what is selected, the analysis and the
// canvas view derived from it, and the automatic layout. Views read this and call its methods; every change to
// the graph goes through `edit`, so each one can be undone.
import { analyse, type Optimizer } from '../core/analysis';
import type { GraphNode, LayerGraph, LayerKind } from '../core/ir';
import { copyNodes, isClipboardContent, pasteNodes, type ClipboardContent } from './clipboard';
import {
  addNodes,
  clearPositions,
  connect,
  disconnect,
  emptyGraph,
  findNode,
  GraphEditError,
  groupIntoBlock,
  isCollapsed,
  moveNodes,
  newBlock,
  newLayer,
  removeNodes,
  renameNode,
  setBlockParams,
  setCollapsed,
  setLayerAttrs,
  type Position,
} from './graph-edit';
import { History, type ApplyOptions } from './history';
import { AppElk } from './elk';
import { computeLayout, FrameLayoutCache, layoutKey, placeNodes, type Layout } from './layout';
import { inputOf, template } from './templates';
import { buildView } from './view';
import type { BlockParamValue } from '../core/ir';

export type PaletteItem = { type: 'layer'; kind: LayerKind } | { type: 'block'; block: string };

export type EditorTab = 'graph' | 'params' | 'receptive' | 'memory' | 'compare';

const elk = new AppElk();
/** Frame layouts by content: expanding a block again, or one shaped like it, needs no new layout. */
const frameLayouts = new FrameLayoutCache();

export class EditorState {
  private readonly history = new History<LayerGraph>(emptyGraph());
  /** Graphs built straight from a template: the input and classes controls rebuild these from the zoo. */
  private readonly builtFromTemplate = new WeakSet<LayerGraph>();

  graph = $state.raw<LayerGraph>(emptyGraph());
  templateId = $state<string | null>(null);
  selection = $state.raw<string[]>([]);
  tab = $state<EditorTab>('graph');
  batch = $state(32);
  /** The last edit that could not be made, in a sentence. */
  notice = $state<string | null>(null);
  undoLabel = $state<string | null>(null);
  redoLabel = $state<string | null>(null);

  optimizer = $state<Optimizer>('sgd-momentum');
  analysis = $derived(analyse(this.graph, { batch: this.batch, optimizer: this.optimizer }));
  view = $derived(buildView(this.graph, this.analysis.flat, this.analysis));
  input = $derived(inputOf(this.graph));

  /** The layout for the current structure (positions of every box), and how long it took. */
  layout = $state.raw<Layout>(new Map());
  layoutMs = $state(0);
  /** Where the last layout ran: in the ELK worker, or on the main thread when no worker could run. */
  layoutWhere = $state<'worker' | 'main thread' | null>(null);
  private layoutFor = '';
  private layoutRun = 0;
  /** The structure (layoutKey) the current layout was computed for. */
  private laidOutKey = $state('');
  /**
   * Whether the layout fits the current structure. Until it does, the canvas keeps showing the previous picture:
   * drawing hundreds of boxes unplaced and then again placed cost seconds on densenet121's "Expand all".
   */
  layoutCurrent = $derived(layoutKey(this.view) === this.laidOutKey);
  placed = $derived(placeNodes(this.view, this.layout));
  /** Raised after a new layout lands, so the canvas can zoom to fit. */
  layoutVersion = $state(0);

  /** Counts documents loaded (templates, new graphs, projects), so a project knows when it is no longer open. */
  documentVersion = $state(0);

  /** Set when the next layout should be zoomed to fit (a new document, an automatic layout). */
  pendingFit = false;

  private clipboard: ClipboardContent | null = null;

  /** Connections selected on the canvas (the canvas registers this), for the Delete key. */
  selectedConnections: () => { source: string; target: string }[] = () => [];

  /** The canvas registers these once Svelte Flow is up. */
  canvas: { fitView(): void; toFlow(point: { x: number; y: number }): Position } | null = null;

  openTemplate(id: string): void {
    const model = template(id);
    if (!model) {
      this.notice = `There is no zoo model '${id}'.`;
      return;
    }
    const graph = model.build();
    this.builtFromTemplate.add(graph);
    this.templateId = id;
    this.load(graph);
  }

  /** Whether the document has edits since it was loaded (templates are not saved until they are edited). */
  get edited(): boolean {
    return this.history.canUndo || this.history.canRedo;
  }

  /** Starts an empty graph of one's own. */
  newGraph(): void {
    this.templateId = null;
    this.load(emptyGraph());
  }

  /** Replaces the document (a template or a project) and starts a fresh undo history. */
  load(graph: LayerGraph): void {
    this.history.reset(graph);
    this.documentVersion++;
    this.pendingFit = true;
    this.selection = [];
    this.notice = null;
    this.sync();
    // A new document is always laid out afresh (and fitted), even when its structure matches the last one's.
    void this.ensureLayout(true);
  }

  private sync(): void {
    this.graph = this.history.present;
    this.undoLabel = this.history.undoLabel;
    this.redoLabel = this.history.redoLabel;
    const ids = new Set(this.view.nodes.map((node) => node.id));
    if (this.selection.some((id) => !ids.has(id))) this.selection = this.selection.filter((id) => ids.has(id));
  }

  /** Applies one undoable edit; a GraphEditError becomes the notice instead. */
  edit(label: string, change: (graph: LayerGraph) => LayerGraph, options?: ApplyOptions): boolean {
    try {
      this.history.apply(label, change, options);
      this.notice = null;
      this.sync();
      return true;
    } catch (error) {
      if (!(error instanceof GraphEditError)) throw error;
      this.notice = error.message;
      return false;
    }
  }

  undo(): void {
    if (this.history.undo()) this.sync();
  }

  redo(): void {
    if (this.history.redo()) this.sync();
  }

  /** Input size: a graph straight from a template is rebuilt by the zoo; an edited one has its Input layer changed. */
  setInput(shape: [number, number, number]): void {
    const [channels, height, width] = shape;
    if (this.input && this.input.every((size, axis) => size === shape[axis])) return;
    const label = `Input ${channels}×${height}×${width}`;
    const model = this.templateId ? template(this.templateId) : undefined;
    if (model && this.builtFromTemplate.has(this.graph)) {
      const graph = model.build({ input: shape, classes: this.classes ?? model.defaultClasses });
      this.builtFromTemplate.add(graph);
      this.edit(label, () => graph);
      return;
    }
    const input = this.graph.nodes.find((node) => node.kind === 'Input');
    if (!input) {
      this.notice = 'The graph has no Input layer; drop one from the palette first.';
      return;
    }
    this.edit(label, (graph) => setLayerAttrs(graph, input.id, { channels, height, width }));
  }

  /** The number of classes the model outputs (its output's width when that is a feature vector). */
  get classes(): number | null {
    const output = this.analysis.output;
    return output && output.length === 1 ? output[0]! : null;
  }

  setClasses(classes: number): void {
    if (classes === this.classes) return;
    const model = this.templateId ? template(this.templateId) : undefined;
    if (model && this.builtFromTemplate.has(this.graph)) {
      const graph = model.build({ input: this.input ?? model.defaultInput, classes });
      this.builtFromTemplate.add(graph);
      this.edit(`${classes} classes`, () => graph);
      return;
    }
    const last = [...this.graph.nodes].reverse().find((node) => node.kind === 'Dense');
    if (!last || last.kind !== 'Dense') {
      this.notice = 'The graph has no Dense layer to set the class count on; change its classifier in the inspector.';
      return;
    }
    this.edit(`${classes} classes`, (graph) => setLayerAttrs(graph, last.id, { ...last.attrs, outFeatures: classes }));
  }

  // Layout ------------------------------------------------------------------------------------------------------

  /** Lays out the current structure when it changed since the last layout (or when forced). */
  async ensureLayout(force = false): Promise<void> {
    const view = this.view;
    const key = layoutKey(view);
    if (!force && key === this.layoutFor) return;
    this.layoutFor = key;
    const run = ++this.layoutRun;
    const started = performance.now();
    let layout: Layout;
    try {
      layout = await computeLayout(elk, view, frameLayouts);
    } catch (error) {
      if (run !== this.layoutRun) return;
      // Boxes without positions beat no boxes at all; the notice says why they are piled up.
      this.notice = `The automatic layout failed (${(error as Error).message}); drag the boxes apart by hand.`;
      layout = new Map();
    }
    if (run !== this.layoutRun) return;
    this.layout = layout;
    this.laidOutKey = key;
    this.layoutMs = performance.now() - started;
    this.layoutWhere = elk.where;
    this.layoutVersion++;
  }

  /** Forgets hand-placed positions and lays everything out again. */
  autoLayout(): void {
    this.edit('Automatic layout', clearPositions);
    this.pendingFit = true;
    void this.ensureLayout(true);
  }

  // Edits -------------------------------------------------------------------------------------------------------

  private editableSelection(): string[] {
    const top = new Set(this.graph.nodes.map((node) => node.id));
    return this.selection.filter((id) => top.has(id));
  }

  /** Adds a palette item at a canvas position; with one node selected, the new one is connected after it. */
  drop(item: PaletteItem, position?: Position): void {
    const after = this.editableSelection();
    const added: { node?: GraphNode } = {};
    this.edit(`Add ${item.type === 'layer' ? item.kind : item.block}`, (graph) => {
      const node = item.type === 'layer' ? newLayer(graph, item.kind, [], position) : newBlock(graph, item.block, [], position);
      added.node = node;
      let next = addNodes(graph, [node]);
      if (after.length === 1 && (item.type === 'block' || item.kind !== 'Input')) next = connect(next, after[0]!, node.id);
      return next;
    });
    if (added.node) this.selection = [added.node.id];
  }

  connect(source: string, target: string): void {
    this.edit(`Connect ${source} → ${target}`, (graph) => connect(graph, source, target));
  }

  disconnect(source: string, target: string): void {
    this.edit(`Disconnect ${source} → ${target}`, (graph) => disconnect(graph, source, target));
  }

  deleteSelection(edges: { source: string; target: string }[] = []): void {
    const ids = this.editableSelection();
    if (ids.length === 0 && edges.length === 0) return;
    const label = ids.length ? `Delete ${ids.length === 1 ? ids[0] : `${ids.length} nodes`}` : 'Delete connection';
    this.edit(label, (graph) => {
      let next = removeNodes(graph, ids);
      for (const edge of edges) next = disconnect(next, edge.source, edge.target);
      return next;
    });
    this.selection = [];
  }

  move(positions: Map<string, Position>): void {
    const top = new Set(this.graph.nodes.map((node) => node.id));
    const moved = new Map([...positions].filter(([id]) => top.has(id)));
    if (moved.size) this.edit(`Move ${moved.size === 1 ? [...moved.keys()][0] : `${moved.size} nodes`}`, (graph) => moveNodes(graph, moved));
  }

  toggleCollapsed(id: string): void {
    const node = findNode(this.graph, id);
    if (node?.kind !== 'Block') return;
    const collapse = !isCollapsed(node);
    this.edit(`${collapse ? 'Collapse' : 'Expand'} ${id}`, (graph) => setCollapsed(graph, id, collapse));
    this.selection = [id];
  }

  /** Expands or collapses every block at once (one undo step). */
  setAllCollapsed(collapsed: boolean): void {
    const blocks = this.graph.nodes.filter((node) => node.kind === 'Block').map((node) => node.id);
    this.edit(collapsed ? 'Collapse all blocks' : 'Expand all blocks', (graph) => blocks.reduce((next, id) => setCollapsed(next, id, collapsed), graph));
    this.pendingFit = true;
  }

  setAttrs(id: string, attrs: Record<string, unknown>, field: string): void {
    this.edit(`Set ${id}.${field}`, (graph) => setLayerAttrs(graph, id, attrs), { mergeKey: `${id}.${field}` });
  }

  setBlock(id: string, params: Record<string, BlockParamValue>, repeat: number | undefined, field: string): void {
    this.edit(`Set ${id}.${field}`, (graph) => setBlockParams(graph, id, params, repeat), { mergeKey: `${id}.${field}` });
  }

  rename(id: string, name: string): boolean {
    const ok = this.edit(`Rename ${id} → ${name}`, (graph) => renameNode(graph, id, name));
    if (ok) this.selection = [name.trim()];
    return ok;
  }

  group(): void {
    const ids = this.editableSelection();
    let id = '';
    const ok = this.edit(`Group ${ids.length} nodes`, (graph) => {
      const next = groupIntoBlock(graph, ids);
      id = next.nodes.find((node) => !graph.nodes.some((old) => old.id === node.id))!.id;
      return next;
    });
    if (ok) this.selection = [id];
  }

  selectAll(): void {
    this.selection = this.graph.nodes.map((node) => node.id);
  }

  copy(): ClipboardContent | null {
    const content = copyNodes(this.graph, this.editableSelection());
    if (content) this.clipboard = content;
    return content;
  }

  cut(): void {
    if (this.copy()) this.deleteSelection();
  }

  paste(content: unknown = this.clipboard): void {
    if (!isClipboardContent(content)) return;
    let ids: string[] = [];
    this.edit(`Paste ${content.nodes.length} node${content.nodes.length === 1 ? '' : 's'}`, (graph) => {
      const pasted = pasteNodes(graph, content);
      ids = pasted.map((node) => node.id);
      return addNodes(graph, pasted);
    });
    this.selection = ids;
  }

  duplicate(): void {
    const content = copyNodes(this.graph, this.editableSelection());
    if (content) this.paste(content);
  }
}

export const editor = new EditorState();
