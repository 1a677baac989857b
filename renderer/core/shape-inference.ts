// Shape inference over a flat graph: every edge gets its shape, and every problem is reported at once.
// A node whose attributes or shape are wrong has no output shape; the nodes it feeds are then skipped without
// further issues, so one mistake reads as one message rather than a cascade.
import { checkFlatGraph, issueAt, type FlatStructure } from './graph';
import type { FlatGraph, FlatLayer, FlatNode, GraphIssue, LayerKind } from './ir';
import { isLayerKind, layerDefinition, normaliseAttrs } from './layers/index';
import type { LayerInput, ParamCount, ReceptiveFieldRule } from './layers/layer';
import type { Shape } from './shape';

/** A layer's rules bound to its checked attributes and known shapes. */
export interface BoundRules {
  params(): ParamCount;
  macs(): number;
  allMacs(): number;
  receptiveField(): ReceptiveFieldRule;
}

export interface InferredLayer {
  node: FlatNode;
  /** The shapes arriving on each input, in input order (empty when any input's shape is unknown). */
  inputs: LayerInput[];
  /** The output shape without batch, or null when it cannot be known (an issue says why, here or upstream). */
  output: Shape | null;
  /** Present exactly when `output` is known. */
  rules: BoundRules | null;
}

export interface ShapeInference {
  structure: FlatStructure;
  /** In topological order; nodes on a cycle are absent. */
  layers: InferredLayer[];
  byId: Map<string, InferredLayer>;
  /** Structural issues first, then attribute and shape issues in topological order. */
  issues: GraphIssue[];
}

function inferLayer<K extends LayerKind>(
  node: FlatLayer<K>,
  wiringBroken: boolean,
  known: Map<string, InferredLayer>,
  issues: GraphIssue[],
): InferredLayer {
  const unknown: InferredLayer = { node: node as FlatNode, inputs: [], output: null, rules: null };
  if (!isLayerKind(node.kind)) return unknown; // reported by the structural checks
  // Attributes are checked even on a badly wired node, so all of its problems are reported together.
  const normalised = normaliseAttrs(node.kind, node.id, node.attrs);
  if (!normalised.ok) {
    for (const problem of normalised.problems) issues.push(issueAt(node, problem.field, problem.message));
    return unknown;
  }
  if (wiringBroken) return unknown;
  const inputs: LayerInput[] = [];
  for (const source of node.inputs) {
    const shape = known.get(source)?.output;
    if (!shape) return unknown;
    inputs.push({ id: source, shape });
  }
  const definition = layerDefinition(node.kind);
  const site = { id: node.id, attrs: normalised.attrs, inputs };
  const result = definition.outputShape(site);
  if (!result.ok) {
    for (const problem of result.problems) issues.push(issueAt(node, problem.field, problem.message));
    return { ...unknown, inputs };
  }
  const output = result.shape;
  if (output.some((size) => size < 1)) {
    issues.push(issueAt(node, undefined, `${node.kind} '${node.id}' would output an empty tensor (${output.join('×')}); check its sizes and its input.`));
    return { ...unknown, inputs };
  }
  return {
    node: node as FlatNode,
    inputs,
    output,
    rules: {
      params: () => definition.params(site, output),
      macs: () => definition.macs(site, output),
      allMacs: () => definition.allMacs(site, output),
      receptiveField: () => definition.receptiveField(site, output),
    },
  };
}

/** Checks the structure, then infers every shape it can; all issues come back together. */
export function inferShapes(flat: FlatGraph): ShapeInference {
  const structure = checkFlatGraph(flat);
  const issues = [...structure.issues];
  const byId = new Map<string, InferredLayer>();
  const layers: InferredLayer[] = [];
  for (const node of structure.order) {
    const layer = inferLayer(node, structure.broken.has(node.id), byId, issues);
    byId.set(node.id, layer);
    layers.push(layer);
  }
  return { structure, layers, byId, issues };
}
