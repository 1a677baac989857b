// Automatic layered layout of the view with elkjs (Eclipse Layout Kernel, 'layered': the Sugiyama method), top to
// bottom like Netron. Expanded blocks are compound nodes: their contents are laid out first, which gives each
// frame its size, then the top level.
// Nodes placed by hand (a `position` in the graph) keep their place; the layout fills in the rest.
// The ELK instance is passed in: the app uses elk.bundled.js on the main thread (it needs no eval, so it runs
// under the app's CSP), and Node tests use the same build.
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { GraphView } from './view';

export interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Positions of every box (children relative to their frame, as Svelte Flow expects), by view node id. */
export type Layout = Map<string, Placed>;

/**
 * The canvas draws its own arrows, so ELK's edge routes are not needed (polyline routing is the cheapest), and
 * one crossing-minimisation pass is enough for these mostly chain-like graphs: densenet121 with every block
 * expanded lays out in about 0.5 s instead of 5 s.
 */
const SPEED: LayoutOptions = {
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.thoroughness': '1',
};

export const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'SEPARATE_CHILDREN',
  // Room between layers for the shape label on each arrow.
  'elk.layered.spacing.nodeNodeBetweenLayers': '46',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.edgeNodeBetweenLayers': '20',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  ...SPEED,
};

const FRAME_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.padding': '[top=40,left=16,bottom=16,right=16]',
  'elk.layered.spacing.nodeNodeBetweenLayers': '46',
  'elk.spacing.nodeNode': '28',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  ...SPEED,
};

/**
 * The ELK graph for a view. Each expanded block's frame is laid out on its own (its layers and the arrows between
 * them), then the top level with every frame as one box of its computed size: arrows that cross a frame's border
 * count at the top level as arrows to or from the frame. Laying out the whole hierarchy in one pass
 * (INCLUDE_CHILDREN) looks the same for these graphs but took seconds for densenet121 with every block expanded.
 */
export function toElkGraph(view: GraphView): ElkNode {
  const children = new Map<string | undefined, ElkNode[]>();
  const elkNodes = new Map<string, ElkNode>();
  const parentOf = new Map<string, string | undefined>();
  for (const node of view.nodes) {
    const elk: ElkNode = { id: node.id, width: node.width, height: node.height };
    if (node.type === 'group') {
      elk.layoutOptions = FRAME_OPTIONS;
      elk.edges = [];
      delete elk.width;
      delete elk.height;
    }
    elkNodes.set(node.id, elk);
    parentOf.set(node.id, node.parentId);
    const siblings = children.get(node.parentId) ?? [];
    siblings.push(elk);
    children.set(node.parentId, siblings);
  }
  for (const [parent, list] of children) {
    if (parent === undefined) continue;
    const frame = elkNodes.get(parent);
    if (frame) frame.children = list;
  }
  const topOf = (id: string) => parentOf.get(id) ?? id;
  const rootEdges: ElkExtendedEdge[] = [];
  const seen = new Set<string>();
  for (const edge of view.edges) {
    if (!elkNodes.has(edge.source) || !elkNodes.has(edge.target)) continue;
    const sourceParent = parentOf.get(edge.source);
    if (sourceParent !== undefined && sourceParent === parentOf.get(edge.target)) {
      elkNodes.get(sourceParent)!.edges!.push({ id: edge.id, sources: [edge.source], targets: [edge.target] });
      continue;
    }
    const source = topOf(edge.source);
    const target = topOf(edge.target);
    const key = `${source}->${target}`;
    if (source === target || seen.has(key)) continue;
    seen.add(key);
    rootEdges.push({ id: key, sources: [source], targets: [target] });
  }
  return { id: 'root', layoutOptions: ROOT_OPTIONS, children: children.get(undefined) ?? [], edges: rootEdges };
}

/** Reads positions out of a laid-out ELK graph. */
export function readLayout(laid: ElkNode): Layout {
  const layout: Layout = new Map();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      layout.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      visit(child);
    }
  };
  visit(laid);
  return layout;
}

/** Where each box goes: hand-placed top-level nodes keep their own position, the rest follow the layout. */
export function placeNodes(view: GraphView, layout: Layout): Layout {
  const placed: Layout = new Map(layout);
  for (const node of view.nodes) {
    if (!node.manualPosition || node.parentId) continue;
    const auto = layout.get(node.id);
    placed.set(node.id, { x: node.manualPosition.x, y: node.manualPosition.y, width: auto?.width ?? node.width, height: auto?.height ?? node.height });
  }
  return placed;
}

/**
 * A key that changes exactly when the layout must be recomputed: the boxes, their sizes and parents, and the
 * arrows. Attribute edits that change only figures and labels keep the key, so the picture does not jump.
 */
export function layoutKey(view: GraphView): string {
  const nodes = view.nodes.map((node) => `${node.id}:${node.type}:${node.parentId ?? ''}`).join('|');
  const edges = view.edges.map((edge) => edge.id).join('|');
  return `${nodes}#${edges}`;
}

/** Laid-out frames by content (frameSignature): positions of their layers in order, and the frame's size. */
export interface FrameLayout {
  width: number;
  height: number;
  children: { x: number; y: number; width: number; height: number }[];
}

/** Remembers frame layouts across layouts, so expanding a block again (or one like it) costs nothing. */
export class FrameLayoutCache {
  private readonly entries = new Map<string, FrameLayout>();
  constructor(private readonly capacity = 256) {}
  get(signature: string): FrameLayout | undefined {
    const found = this.entries.get(signature);
    if (found) {
      this.entries.delete(signature);
      this.entries.set(signature, found);
    }
    return found;
  }
  set(signature: string, layout: FrameLayout): void {
    this.entries.delete(signature);
    this.entries.set(signature, layout);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
  get size(): number {
    return this.entries.size;
  }
}

/**
 * What a frame's layout depends on: its layers' sizes in order and the arrows between them by position. Layer
 * names are left out, so DenseNet's three identical transitions, or a block expanded again, share one layout.
 */
export function frameSignature(frame: ElkNode): string {
  const index = new Map((frame.children ?? []).map((child, i) => [child.id, i]));
  const sizes = (frame.children ?? []).map((child) => `${child.width}x${child.height}`).join(',');
  const edges = (frame.edges ?? []).map((edge) => `${index.get(edge.sources[0]!)}>${index.get(edge.targets[0]!)}`).join(',');
  return `${sizes}|${edges}`;
}

/**
 * Lays out the view: each distinct frame on its own (the ELK calls run side by side when `elk` has several
 * workers, and frames found in `cache` are not laid out again), then the top level with every frame as a box of
 * its size. This is what ELK's SEPARATE_CHILDREN does in one call, split so it can be shared and remembered.
 */
export async function computeLayout(elk: ElkLike, view: GraphView, cache = new FrameLayoutCache()): Promise<Layout> {
  const graph = toElkGraph(view);
  const frames = (graph.children ?? []).filter((child) => child.children !== undefined);
  const signatures = new Map(frames.map((frame) => [frame.id, frameSignature(frame)]));
  const pending = new Map<string, ElkNode>();
  for (const frame of frames) {
    const signature = signatures.get(frame.id)!;
    if (!cache.get(signature) && !pending.has(signature)) pending.set(signature, frame);
  }
  // Biggest first, so the longest layout starts at once.
  const order = [...pending].sort((a, b) => (b[1].children?.length ?? 0) - (a[1].children?.length ?? 0));
  await Promise.all(
    order.map(async ([signature, frame]) => {
      const laid = await elk.layout({ id: frame.id, layoutOptions: FRAME_OPTIONS, children: frame.children ?? [], edges: frame.edges ?? [] });
      const placed = new Map((laid.children ?? []).map((child) => [child.id, child]));
      cache.set(signature, {
        width: laid.width ?? 0,
        height: laid.height ?? 0,
        children: (frame.children ?? []).map(({ id }) => {
          const child = placed.get(id);
          return { x: child?.x ?? 0, y: child?.y ?? 0, width: child?.width ?? 0, height: child?.height ?? 0 };
        }),
      });
    }),
  );
  const laidFrames = new Map(frames.map((frame) => [frame.id, cache.get(signatures.get(frame.id)!)!]));
  const root: ElkNode = {
    ...graph,
    children: (graph.children ?? []).map((child) => {
      const frame = laidFrames.get(child.id);
      return frame ? { id: child.id, width: frame.width, height: frame.height } : child;
    }),
  };
  const layout = readLayout(await elk.layout(root));
  for (const frame of frames) {
    const laid = laidFrames.get(frame.id)!;
    (frame.children ?? []).forEach((child, i) => layout.set(child.id, { ...laid.children[i]! }));
  }
  return layout;
}
