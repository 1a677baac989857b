// Graph handling: reading untrusted graph JSON into a LayerGraph, and the structural checks on a flat graph
// (duplicate ids, dangling inputs, cycles, arity) with a topological order. Nothing here throws for bad input:
// every problem becomes a GraphIssue that names the node and field and quotes the bad value.
import type { FlatGraph, FlatNode, GraphIssue, InitScheme, LayerGraph, LayerKind } from './ir';
import { catalogue, isLayerKind, normaliseAttrs } from './layers/index';
import { isRecord, quote } from './layers/layer';

/** The nodeId of issues about the graph as a whole rather than one node. */
export const GRAPH_ISSUE = '';

const INIT_SCHEMES: readonly InitScheme[] = ['auto', 'kaiming', 'xavier', 'alexnet-paper'];
const GRAPH_FIELDS = ['format', 'version', 'name', 'nodes', 'output', 'classes', 'initialisation'];
const LAYER_FIELDS = ['id', 'kind', 'attrs', 'inputs', 'train', 'position'];
const BLOCK_FIELDS = ['id', 'kind', 'block', 'params', 'repeat', 'inputs', 'collapsed', 'body', 'output', 'train', 'position'];

/** Where a flat layer's issue is shown: at its outermost block when it came from one. */
export function issueAt(layer: Pick<FlatNode, 'id' | 'blockPath'>, field: string | undefined, message: string): GraphIssue {
  const issue: GraphIssue = { nodeId: layer.blockPath[0] ?? layer.id, message };
  if (layer.blockPath.length > 0) issue.layer = layer.id;
  if (field !== undefined) issue.field = field;
  return issue;
}

export type ParsedGraph = { graph: LayerGraph; issues: [] } | { graph: null; issues: GraphIssue[] };

/**
 * Reads a graph from JSON text or an already-parsed value, checking every field. Returns the graph only when
 * there is no issue at all; otherwise every issue found (not only the first).
 */
export function parseGraph(source: string | unknown): ParsedGraph {
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { graph: null, issues: [{ nodeId: GRAPH_ISSUE, message: `The graph is not valid JSON: ${reason}.` }] };
    }
  }
  const issues: GraphIssue[] = [];
  const graphIssue = (field: string, message: string) => issues.push({ nodeId: GRAPH_ISSUE, field, message });
  if (!isRecord(value)) {
    graphIssue('format', `A graph must be a JSON object with format "model-lab/graph"; got ${quote(value)}.`);
    return { graph: null, issues };
  }
  if (value.format !== 'model-lab/graph') {
    graphIssue('format', `The graph's format is ${quote(value.format)}; it must be "model-lab/graph".`);
  }
  if (value.version !== 1) {
    graphIssue('version', `The graph's version is ${quote(value.version)}; this Model Lab reads version 1.`);
  }
  if (typeof value.name !== 'string') {
    graphIssue('name', `The graph's name is ${quote(value.name)}; give a name as a string.`);
  }
  for (const field of Object.keys(value)) {
    if (!GRAPH_FIELDS.includes(field)) {
      graphIssue(field, `The graph has an unknown field '${field}'; its fields are ${GRAPH_FIELDS.join(', ')}.`);
    }
  }
  if (value.classes !== undefined && !(Array.isArray(value.classes) && value.classes.every((name) => typeof name === 'string'))) {
    graphIssue('classes', `The graph's classes are ${quote(value.classes)}; give a list of class names (strings).`);
  }
  if (value.initialisation !== undefined && !INIT_SCHEMES.includes(value.initialisation as InitScheme)) {
    graphIssue('initialisation', `The graph's initialisation is ${quote(value.initialisation)}; use one of ${INIT_SCHEMES.join(', ')}.`);
  }
  if (!Array.isArray(value.nodes)) {
    graphIssue('nodes', `The graph's nodes are ${quote(value.nodes)}; give a list of nodes.`);
    return { graph: null, issues };
  }
  const ids = checkScope(value.nodes, [], issues);
  if (value.nodes.length === 0) graphIssue('nodes', 'The graph has no nodes; add an Input layer and the layers it feeds.');
  if (value.output !== undefined && (typeof value.output !== 'string' || !ids.has(value.output))) {
    graphIssue('output', `The graph's output ${quote(value.output)} is not one of its nodes; name the node whose result is the model's output.`);
  }
  if (issues.length) return { graph: null, issues };
  return { graph: value as unknown as LayerGraph, issues: [] };
}

/**
 * Checks a list of nodes sharing one namespace (the graph, or a block's body where '$in0'… name the block's
 * inputs) and returns the ids defined in it.
 */
function checkScope(nodes: unknown[], outerNames: string[], issues: GraphIssue[]): Set<string> {
  const ids = new Set<string>();
  nodes.forEach((node, index) => {
    if (!isRecord(node)) {
      issues.push({ nodeId: GRAPH_ISSUE, field: `nodes[${index}]`, message: `Node ${index + 1} is ${quote(node)}; each node must be an object with an id and a kind.` });
      return;
    }
    const id = typeof node.id === 'string' && node.id.trim() !== '' ? node.id : undefined;
    const nodeId = id ?? `#${index + 1}`;
    if (id === undefined) {
      issues.push({ nodeId, field: 'id', message: `Node ${index + 1} has id ${quote(node.id)}; give it a unique, non-empty name.` });
    } else if (ids.has(id)) {
      issues.push({ nodeId: id, field: 'id', message: `Two nodes are named '${id}'; node ids must be unique, so rename one of them.` });
    } else if (id.startsWith('$in')) {
      issues.push({ nodeId: id, field: 'id', message: `Node '${id}' uses a name reserved for block inputs ($in0, $in1, …); rename it.` });
    }
    if (id !== undefined) ids.add(id);
    checkNode(node, nodeId, issues);
  });
  // Second pass, once every id in the scope is known (inputs may name nodes listed later).
  for (const node of nodes) {
    if (!isRecord(node) || typeof node.id !== 'string' || !Array.isArray(node.inputs)) continue;
    node.inputs.forEach((source: unknown, index: number) => {
      if (typeof source !== 'string') return;
      if (!ids.has(source) && !outerNames.includes(source)) {
        issues.push({
          nodeId: node.id as string,
          field: `inputs[${index}]`,
          message: `'${node.id}' takes input from '${source}', which is not a node in ${outerNames.length ? 'this block' : 'the graph'}; connect it to an existing node.`,
        });
      }
    });
  }
  return ids;
}

function checkNode(node: Record<string, unknown>, nodeId: string, issues: GraphIssue[]): void {
  const issue = (field: string, message: string) => issues.push({ nodeId, field, message });
  const kind = node.kind;
  const isBlock = kind === 'Block';
  if (!isBlock && !isLayerKind(kind)) {
    issue(
      'kind',
      `Node '${nodeId}' has kind ${quote(kind)}, which Model Lab does not know; use one of ${Object.keys(catalogue).join(', ')}, or Block.`,
    );
  }
  const allowed = isBlock ? BLOCK_FIELDS : LAYER_FIELDS;
  for (const field of Object.keys(node)) {
    if (!allowed.includes(field)) issue(field, `Node '${nodeId}' has an unknown field '${field}'; a ${isBlock ? 'block' : 'layer'} node has ${allowed.join(', ')}.`);
  }
  if (!(Array.isArray(node.inputs) && node.inputs.every((source) => typeof source === 'string'))) {
    issue('inputs', `Node '${nodeId}' has inputs ${quote(node.inputs)}; give a list of node ids, [] for none.`);
  }
  if (node.train !== undefined) {
    const train = node.train;
    const multiplier = isRecord(train) ? train.lrMultiplier : undefined;
    const valid =
      isRecord(train) &&
      Object.keys(train).every((field) => field === 'lrMultiplier') &&
      (multiplier === undefined || (typeof multiplier === 'number' && Number.isFinite(multiplier) && multiplier >= 0));
    if (!valid) issue('train', `Node '${nodeId}' has train settings ${quote(train)}; use {"lrMultiplier": a number ≥ 0} or leave them out.`);
  }
  if (node.position !== undefined) {
    const position = node.position;
    if (!isRecord(position) || typeof position.x !== 'number' || typeof position.y !== 'number' || !Number.isFinite(position.x) || !Number.isFinite(position.y)) {
      issue('position', `Node '${nodeId}' has position ${quote(position)}; use {"x": number, "y": number} or leave it out.`);
    }
  }
  if (isBlock) {
    checkBlock(node, nodeId, issues);
  } else if (isLayerKind(kind)) {
    const result = normaliseAttrs(kind, nodeId, node.attrs);
    if (!result.ok) for (const problem of result.problems) issues.push({ nodeId, field: problem.field, message: problem.message });
  }
}

// A block's own parameters are the block catalogue's to check when it expands; here only the JSON shape.
function checkBlock(node: Record<string, unknown>, nodeId: string, issues: GraphIssue[]): void {
  const issue = (field: string, message: string) => issues.push({ nodeId, field, message });
  if (typeof node.block !== 'string' || node.block === '') issue('block', `Block '${nodeId}' has block ${quote(node.block)}; name the block type, such as "Residual".`);
  if (!isRecord(node.params)) issue('params', `Block '${nodeId}' has params ${quote(node.params)}; give an object of block parameters, such as {}.`);
  if (node.repeat !== undefined && !(typeof node.repeat === 'number' && Number.isInteger(node.repeat) && node.repeat >= 1)) {
    issue('repeat', `Block '${nodeId}' has repeat ${quote(node.repeat)}; it must be a positive whole number.`);
  }
  if (node.collapsed !== undefined && typeof node.collapsed !== 'boolean') issue('collapsed', `Block '${nodeId}' has collapsed ${quote(node.collapsed)}; use true or false.`);
  if (node.body !== undefined) {
    if (!Array.isArray(node.body)) {
      issue('body', `Block '${nodeId}' has body ${quote(node.body)}; give a list of nodes.`);
    } else {
      const arity = Array.isArray(node.inputs) ? node.inputs.length : 0;
      const bodyIssues: GraphIssue[] = [];
      const ids = checkScope(node.body, Array.from({ length: arity }, (_, index) => `$in${index}`), bodyIssues);
      for (const bodyIssue of bodyIssues) issues.push({ ...bodyIssue, nodeId, layer: bodyIssue.nodeId });
      if (node.output !== undefined && (typeof node.output !== 'string' || !ids.has(node.output))) {
        issue('output', `Block '${nodeId}' has output ${quote(node.output)}, which is not a node of its body; name the body node whose result leaves the block.`);
      }
    }
  }
}

/** The result of the structural checks on a flat graph. */
export interface FlatStructure {
  /** Every problem found: duplicate ids, unknown inputs, cycles, wrong input counts, a missing output. */
  issues: GraphIssue[];
  /** Nodes in an order where every node comes after its inputs; nodes on a cycle are left out. */
  order: FlatNode[];
  /** The first node with each id. */
  byId: Map<string, FlatNode>;
  /** Nodes whose wiring is broken (and so have no shape); their consumers are skipped without further issues. */
  broken: Set<string>;
}

function describeInputs(inputs: string[]): string {
  return inputs.length === 0 ? 'no input' : `${inputs.length} input${inputs.length === 1 ? '' : 's'} (${inputs.map((id) => `'${id}'`).join(', ')})`;
}

/** Structural checks and topological order of a flat graph. */
export function checkFlatGraph(flat: FlatGraph): FlatStructure {
  const issues: GraphIssue[] = [];
  const byId = new Map<string, FlatNode>();
  const broken = new Set<string>();
  if (flat.nodes.length === 0) {
    issues.push({ nodeId: GRAPH_ISSUE, field: 'nodes', message: 'The graph has no layers; add an Input layer and the layers it feeds.' });
  }
  for (const node of flat.nodes) {
    if (byId.has(node.id)) {
      issues.push(issueAt(node, 'id', `Two layers are named '${node.id}'; layer ids must be unique, so rename one of them.`));
      broken.add(node.id);
    } else {
      byId.set(node.id, node);
    }
  }
  for (const node of flat.nodes) {
    const kind: LayerKind = node.kind;
    if (!isLayerKind(kind)) {
      issues.push(issueAt(node, 'kind', `Layer '${node.id}' has kind ${quote(kind)}, which Model Lab does not know; use one of ${Object.keys(catalogue).join(', ')}.`));
      broken.add(node.id);
      continue;
    }
    const definition = catalogue[kind];
    const inputs = node.inputs;
    inputs.forEach((source, index) => {
      if (!byId.has(source)) {
        issues.push(issueAt(node, `inputs[${index}]`, `${kind} '${node.id}' takes input from '${source}', which is not a layer in the graph; connect it to an existing layer.`));
        broken.add(node.id);
      }
    });
    const { min, max } = definition.arity;
    if (inputs.length < min || inputs.length > max) {
      let message: string;
      if (max === 0) message = `${kind} '${node.id}' takes no inputs but lists ${describeInputs(inputs)}; remove them.`;
      else if (inputs.length === 0) message = `${kind} '${node.id}' has no input connected; connect ${min === 1 ? 'the layer that feeds it' : `at least ${min} layers`}.`;
      else if (max === Infinity) message = `${kind} '${node.id}' has ${describeInputs(inputs)} but needs at least ${min}; connect another branch or remove the ${kind}.`;
      else message = `${kind} '${node.id}' has ${describeInputs(inputs)} but takes exactly ${min}; merge them first with an Add or a Concat.`;
      issues.push(issueAt(node, 'inputs', message));
      broken.add(node.id);
    }
  }
  const order = topologicalOrder(flat.nodes, byId, (cycle) => {
    const head = byId.get(cycle[0]!)!;
    const loop = [...cycle, cycle[0]!].map((id) => `'${id}'`).join(' → ');
    issues.push(issueAt(head, 'inputs', `Layers ${loop} form a cycle: a layer cannot depend on its own output; remove one of these connections.`));
    for (const id of cycle) broken.add(id);
  });
  if (flat.nodes.length > 0 && !byId.has(flat.output)) {
    issues.push({ nodeId: GRAPH_ISSUE, field: 'output', message: `The graph's output '${flat.output}' is not a layer in the graph; name the layer whose result is the model's output.` });
  }
  return { issues, order, byId, broken };
}

/**
 * Depth-first topological order (iterative, so very deep graphs cannot overflow the stack). Nodes come in the
 * order they are listed whenever their inputs allow, so a listing that is already ordered is kept as is.
 * Each cycle is reported once through `onCycle` (its ids in edge order) and its nodes are left out.
 */
function topologicalOrder(nodes: FlatNode[], byId: Map<string, FlatNode>, onCycle: (cycle: string[]) => void): FlatNode[] {
  const state = new Map<string, 'visiting' | 'done' | 'cyclic'>();
  const order: FlatNode[] = [];
  const listed = new Map(nodes.map((node, index) => [node.id, index]));
  for (const root of nodes) {
    if (state.has(root.id) || byId.get(root.id) !== root) continue;
    const stack: { node: FlatNode; next: number }[] = [{ node: root, next: 0 }];
    state.set(root.id, 'visiting');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const source = frame.node.inputs[frame.next++];
      if (source === undefined) {
        stack.pop();
        if (state.get(frame.node.id) === 'visiting') {
          state.set(frame.node.id, 'done');
          order.push(frame.node);
        }
        continue;
      }
      const input = byId.get(source);
      if (!input) continue;
      const seen = state.get(source);
      if (seen === undefined) {
        state.set(source, 'visiting');
        stack.push({ node: input, next: 0 });
      } else if (seen === 'visiting') {
        const start = stack.findIndex((entry) => entry.node.id === source);
        // Stack entries feed on the entry above them, so edges run from the top of the stack down.
        const cycle = stack.slice(start).map((entry) => entry.node.id).reverse();
        // Start the report at the cycle's first listed layer, so the same cycle always reads the same way.
        const first = cycle.reduce((best, id, index) => (listed.get(id)! < listed.get(cycle[best]!)! ? index : best), 0);
        onCycle([...cycle.slice(first), ...cycle.slice(0, first)]);
        for (const id of cycle) state.set(id, 'cyclic');
      }
    }
  }
  return order;
}
