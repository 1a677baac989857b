// Edits of a layer graph, as pure functions: each takes a graph and returns a new one (or the same object when
// nothing changes, so the history records no empty step). Only top-level nodes are edited here; the layers of a
// parametric block come from its parameters.
import type { BlockNode, GraphNode, LayerAttrsByKind, LayerGraph, LayerKind, LayerNode } from '../core/ir';
import { blockDefinition, CUSTOM_BLOCK } from '../core/blocks/index';
import { catalogue, isLayerKind } from '../core/layers/index';
import type { BlockParamValue } from '../core/ir';

export class GraphEditError extends Error {
  override name = 'GraphEditError';
}

export interface Position {
  x: number;
  y: number;
}

export function emptyGraph(name = 'untitled'): LayerGraph {
  return { format: 'model-lab/graph', version: 1, name, nodes: [] };
}

export function findNode(graph: LayerGraph, id: string): GraphNode | undefined {
  return graph.nodes.find((node) => node.id === id);
}

/** A fresh id from a base name: 'conv' → 'conv1', 'conv2', … avoiding every id in `taken`. */
export function uniqueId(taken: Iterable<string>, base: string): string {
  const used = new Set(taken);
  const stem = base.replace(/\d+$/, '') || 'node';
  for (let n = 1; ; n++) {
    const candidate = `${stem}${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** The usual short name of a layer kind, used as the stem of new ids. */
export function idStem(kind: LayerKind | 'Block', block?: string): string {
  if (kind === 'Block') return (block ?? 'block').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const stems: Partial<Record<LayerKind, string>> = {
    Input: 'input',
    Conv2d: 'conv',
    MaxPool2d: 'pool',
    AvgPool2d: 'avgpool',
    AdaptiveAvgPool2d: 'adaptivepool',
    GlobalAvgPool: 'gap',
    Dense: 'fc',
    BatchNorm: 'bn',
    LeakyReLU: 'lrelu',
  };
  return stems[kind] ?? kind.toLowerCase();
}

/** How many inputs a node takes at most: a layer's arity, a block's input count. */
export function maxInputs(node: GraphNode): number {
  if (node.kind === 'Block') {
    if (node.block === CUSTOM_BLOCK) return Infinity;
    return blockDefinition(node.block)?.inputs ?? 1;
  }
  return isLayerKind(node.kind) ? catalogue[node.kind].arity.max : 1;
}

function replaceNode(graph: LayerGraph, id: string, update: (node: GraphNode) => GraphNode): LayerGraph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    if (node.id !== id) return node;
    const next = update(node);
    if (next !== node) changed = true;
    return next;
  });
  return changed ? { ...graph, nodes } : graph;
}

export function addNodes(graph: LayerGraph, added: GraphNode[]): LayerGraph {
  if (added.length === 0) return graph;
  const ids = new Set(graph.nodes.map((node) => node.id));
  for (const node of added) {
    if (ids.has(node.id)) throw new GraphEditError(`A node named '${node.id}' already exists; pick another name.`);
    ids.add(node.id);
  }
  return { ...graph, nodes: [...graph.nodes, ...added] };
}

/** Removes nodes and every connection to them; the graph's output falls back to the last node when removed. */
export function removeNodes(graph: LayerGraph, ids: Iterable<string>): LayerGraph {
  const gone = new Set(ids);
  if (!graph.nodes.some((node) => gone.has(node.id))) return graph;
  const nodes = graph.nodes
    .filter((node) => !gone.has(node.id))
    .map((node) => (node.inputs.some((source) => gone.has(source)) ? { ...node, inputs: node.inputs.filter((source) => !gone.has(source)) } : node));
  const next: LayerGraph = { ...graph, nodes: nodes as GraphNode[] };
  if (next.output !== undefined && gone.has(next.output)) delete next.output;
  return next;
}

/** Whether `target` depends (directly or not) on `source`'s… reverse: whether source is reachable from target. */
function dependsOn(graph: LayerGraph, node: string, ancestor: string): boolean {
  const byId = new Map(graph.nodes.map((entry) => [entry.id, entry]));
  const pending = [node];
  const seen = new Set<string>();
  while (pending.length) {
    const id = pending.pop()!;
    if (id === ancestor) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(byId.get(id)?.inputs ?? []));
  }
  return false;
}

/** Why `source` → `target` cannot be connected, or null when it can. */
export function connectionProblem(graph: LayerGraph, source: string, target: string): string | null {
  const from = findNode(graph, source);
  const to = findNode(graph, target);
  if (!from || !to) return `There is no node '${!from ? source : target}' to connect.`;
  if (source === target) return `'${source}' cannot feed itself.`;
  if (maxInputs(to) === 0) return `${to.kind} '${target}' takes no inputs.`;
  if (to.inputs.includes(source)) return `'${source}' already feeds '${target}'.`;
  if (dependsOn(graph, source, target)) return `Connecting '${source}' to '${target}' would make a cycle: '${target}' already feeds '${source}'.`;
  return null;
}

/**
 * Connects `source` → `target`. A target that takes one input has it replaced; one that takes several gets
 * `source` appended (order matters for Concat). Throws GraphEditError with the reason when it cannot.
 */
export function connect(graph: LayerGraph, source: string, target: string): LayerGraph {
  const problem = connectionProblem(graph, source, target);
  if (problem) throw new GraphEditError(problem);
  return replaceNode(graph, target, (node) => ({ ...node, inputs: maxInputs(node) === 1 ? [source] : [...node.inputs, source] }) as GraphNode);
}

export function disconnect(graph: LayerGraph, source: string, target: string): LayerGraph {
  return replaceNode(graph, target, (node) => (node.inputs.includes(source) ? ({ ...node, inputs: node.inputs.filter((id) => id !== source) } as GraphNode) : node));
}

export function setLayerAttrs<K extends LayerKind>(graph: LayerGraph, id: string, attrs: LayerAttrsByKind[K] | Record<string, unknown>): LayerGraph {
  return replaceNode(graph, id, (node) => {
    if (node.kind === 'Block') throw new GraphEditError(`'${id}' is a block; edit its parameters instead of layer attributes.`);
    if (JSON.stringify(node.attrs) === JSON.stringify(attrs)) return node;
    return { ...node, attrs } as LayerNode;
  });
}

export function setBlockParams(graph: LayerGraph, id: string, params: Record<string, BlockParamValue>, repeat?: number): LayerGraph {
  return replaceNode(graph, id, (node) => {
    if (node.kind !== 'Block') throw new GraphEditError(`'${id}' is a ${node.kind} layer, not a block.`);
    const sameParams = JSON.stringify(node.params) === JSON.stringify(params);
    const sameRepeat = repeat === undefined || (node.repeat ?? 1) === repeat;
    if (sameParams && sameRepeat) return node;
    const next: BlockNode = { ...node, params };
    if (repeat !== undefined) {
      if (repeat === 1) delete next.repeat;
      else next.repeat = repeat;
    }
    return next;
  });
}

export function setCollapsed(graph: LayerGraph, id: string, collapsed: boolean): LayerGraph {
  return replaceNode(graph, id, (node) => (node.kind !== 'Block' || isCollapsed(node) === collapsed ? node : { ...node, collapsed }));
}

/** Blocks are shown collapsed unless the graph says otherwise: big models open readable and fast. */
export function isCollapsed(node: BlockNode): boolean {
  return node.collapsed !== false;
}

/** Renames a node and every reference to it. */
export function renameNode(graph: LayerGraph, from: string, to: string): LayerGraph {
  const name = to.trim();
  if (name === from) return graph;
  if (name === '') throw new GraphEditError(`A node needs a name; '${from}' was left as it is.`);
  if (name.startsWith('$')) throw new GraphEditError(`Names starting with '$' are reserved for block inputs; '${name}' cannot be used.`);
  if (findNode(graph, name)) throw new GraphEditError(`A node named '${name}' already exists; pick another name.`);
  if (!findNode(graph, from)) return graph;
  const nodes = graph.nodes.map((node) => {
    const renamed = node.id === from ? { ...node, id: name } : node;
    return renamed.inputs.includes(from) ? ({ ...renamed, inputs: renamed.inputs.map((id) => (id === from ? name : id)) } as GraphNode) : renamed;
  });
  const next: LayerGraph = { ...graph, nodes };
  if (graph.output === from) next.output = name;
  return next;
}

/** Stores editor positions (nodes placed by hand keep them through automatic layouts). */
export function moveNodes(graph: LayerGraph, positions: ReadonlyMap<string, Position>): LayerGraph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    const position = positions.get(node.id);
    if (!position) return node;
    const rounded = { x: Math.round(position.x), y: Math.round(position.y) };
    if (node.position && node.position.x === rounded.x && node.position.y === rounded.y) return node;
    changed = true;
    return { ...node, position: rounded } as GraphNode;
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Forgets every hand-placed position, so the automatic layout places everything. */
export function clearPositions(graph: LayerGraph): LayerGraph {
  if (!graph.nodes.some((node) => node.position)) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      if (!node.position) return node;
      const { position: _position, ...rest } = node;
      return rest as GraphNode;
    }),
  };
}

/** A new layer node with the catalogue's default attributes. */
export function newLayer(graph: LayerGraph, kind: LayerKind, inputs: string[] = [], position?: Position): LayerNode {
  const id = uniqueId(graph.nodes.map((node) => node.id), idStem(kind));
  const attrs = structuredClone(catalogue[kind].palette.defaultAttrs);
  const node = { id, kind, attrs, inputs } as LayerNode;
  if (position) node.position = { x: Math.round(position.x), y: Math.round(position.y) };
  return node;
}

/** A new parametric block with its default parameters (left out of `params`, so they follow the catalogue). */
export function newBlock(graph: LayerGraph, type: string, inputs: string[] = [], position?: Position): BlockNode {
  if (!blockDefinition(type)) throw new GraphEditError(`There is no block type '${type}'.`);
  const id = uniqueId(graph.nodes.map((node) => node.id), idStem('Block', type));
  const node: BlockNode = { id, kind: 'Block', block: type, params: {}, inputs, collapsed: true };
  if (position) node.position = { x: Math.round(position.x), y: Math.round(position.y) };
  return node;
}

/**
 * Groups top-level nodes into a Custom block. The selection must have exactly one node whose result is used
 * outside it (the block's output); connections from outside become the block's inputs ($in0, $in1, …).
 */
export function groupIntoBlock(graph: LayerGraph, ids: readonly string[], blockId?: string): LayerGraph {
  const members = new Set(ids);
  const chosen = graph.nodes.filter((node) => members.has(node.id));
  if (chosen.length < 2) throw new GraphEditError('Select at least two nodes to group into a block.');
  if (chosen.some((node) => node.kind === 'Input')) throw new GraphEditError('An Input layer cannot go inside a block; leave it out of the selection.');
  const usedOutside = chosen.filter((node) => graph.nodes.some((other) => !members.has(other.id) && other.inputs.includes(node.id)) || graph.output === node.id);
  const consumed = new Set(chosen.flatMap((node) => node.inputs));
  const sinks = usedOutside.length ? usedOutside : chosen.filter((node) => !consumed.has(node.id));
  if (sinks.length !== 1) {
    throw new GraphEditError(
      `A block has one output, but ${sinks.map((node) => `'${node.id}'`).join(', ')} are all used outside the selection; select a part of the graph with a single exit.`,
    );
  }
  const external: string[] = [];
  for (const node of chosen) for (const source of node.inputs) if (!members.has(source) && !external.includes(source)) external.push(source);
  const binding = new Map(external.map((source, k) => [source, `$in${k}`]));
  const body = chosen.map((node) => {
    const { position: _position, ...rest } = node;
    return { ...rest, inputs: node.inputs.map((source) => binding.get(source) ?? source) } as GraphNode;
  });
  const id = blockId ?? uniqueId(graph.nodes.map((node) => node.id), 'group');
  if (findNode(graph, id) && !members.has(id)) throw new GraphEditError(`A node named '${id}' already exists; pick another name.`);
  const output = sinks[0]!.id;
  const block: BlockNode = { id, kind: 'Block', block: CUSTOM_BLOCK, params: {}, inputs: external, body, output, collapsed: true };
  const first = graph.nodes.findIndex((node) => members.has(node.id));
  const rest = graph.nodes.filter((node) => !members.has(node.id)).map((node) =>
    node.inputs.includes(output) ? ({ ...node, inputs: node.inputs.map((source) => (source === output ? id : source)) } as GraphNode) : node,
  );
  const before = graph.nodes.slice(0, first).filter((node) => !members.has(node.id)).length;
  const nodes = [...rest.slice(0, before), block, ...rest.slice(before)];
  const next: LayerGraph = { ...graph, nodes };
  if (graph.output === output) next.output = id;
  return next;
}
