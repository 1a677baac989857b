// Analysis of a layer graph: per-layer and total shapes, parameters, MACs, memory and receptive fields, plus every
// issue found on the way. Never throws for a bad graph: what cannot be computed is null and an issue says why.
//
// MACs: one multiply-add = one MAC; FLOPs = 2 × MACs. By default only convolutions and dense layers count (bias
// additions excluded), the convention of torchvision's published figures. With countAllLayers every layer counts
// by the rule documented in its layer file: pooling one op per window element, global pooling one per input value,
// BatchNorm (folded) and activations one per value, Softmax two, LRN size + 1, Add n − 1 per value, and nothing for
// Concat, Flatten, Dropout (inference), Identity and Input.
import { expandGraph } from './blocks/expand';
import { GRAPH_ISSUE } from './graph';
import type { FlatGraph, GraphIssue, LayerGraph, LayerKind } from './ir';
import { estimateMemory, type MemoryEstimate, type Optimizer } from './memory';
import { propagateField, summariseField, type FieldState, type ReceptiveField } from './receptive-field';
import { inferShapes } from './shape-inference';

export type { Optimizer, MemoryEstimate } from './memory';
export type { ReceptiveField } from './receptive-field';

export interface AnalyseOptions {
  /** Batch size for the memory estimates; default 1. */
  batch?: number;
  /** Count MACs of every layer (see the rules above) instead of convolutions and dense layers only; default false. */
  countAllLayers?: boolean;
  /** Optimiser whose state the training memory includes; default 'sgd-momentum'. */
  optimizer?: Optimizer;
}

export interface LayerReport {
  /** The flat layer id, e.g. 'layer1.0.conv1'. */
  name: string;
  kind: LayerKind;
  /** Enclosing blocks, outermost first. */
  blockPath: string[];
  /** Shapes arriving on each input, without batch (empty when unknown). */
  inputShapes: number[][];
  /** Output shape without batch; null when it cannot be known (see the issues). */
  outputShape: number[] | null;
  /** All parameters: trainable plus non-trainable (BatchNorm running statistics). */
  params: number;
  trainableParams: number;
  macs: number;
  /** Null once the output is no longer spatial (after Flatten, Dense, global pooling) or when unknown. */
  receptiveField: ReceptiveField | null;
}

/** A pair written as a number when square. */
export type SquareOrPair = number | [number, number];

export interface ModelReceptiveField {
  /** The layer it belongs to: the last one whose output is still spatial. */
  layer: string;
  /** Maximum over paths. */
  size: SquareOrPair;
  /** Minimum over paths. */
  minSize: SquareOrPair;
  stride: SquareOrPair;
  padding: SquareOrPair;
  alignedCentres: boolean;
}

export interface Totals {
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  macs: number;
  flops: number;
  /** Null while any layer's shape is unknown. */
  memory: MemoryEstimate | null;
}

export interface Analysis {
  name: string;
  /** Every problem found, structural, attribute and shape alike. Figures are partial while this is non-empty. */
  issues: GraphIssue[];
  /** One per flat layer, in topological order (layers on a cycle are absent). */
  layers: LayerReport[];
  /** The shape of the first Input layer, or null. */
  input: number[] | null;
  /** The shape of the model's output, or null. */
  output: number[] | null;
  countAllLayers: boolean;
  totals: Totals;
  receptiveField: ModelReceptiveField | null;
  /** The graph with its blocks expanded, as analysed (so views need not expand it again). */
  flat: FlatGraph;
}

function squareOrPair(pair: readonly [number, number]): SquareOrPair {
  return pair[0] === pair[1] ? pair[0] : [pair[0], pair[1]];
}

/** Issues about the same field of the same layer are one problem, whichever stage found it first. */
function issueKey(issue: GraphIssue): string {
  return `${issue.nodeId}\u0000${issue.layer ?? ''}\u0000${issue.field ?? ''}`;
}

/** The layer and every layer it depends on. */
function ancestorsOf(id: string, byId: Map<string, { node: { inputs: string[] } }>): Set<string> {
  const found = new Set<string>();
  const pending = [id];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (found.has(next) || !byId.has(next)) continue;
    found.add(next);
    pending.push(...byId.get(next)!.node.inputs);
  }
  return found;
}

export function analyse(graph: LayerGraph, options: AnalyseOptions = {}): Analysis {
  const countAllLayers = options.countAllLayers ?? false;
  const optimizer = options.optimizer ?? 'sgd-momentum';
  const issues: GraphIssue[] = [];
  let batch = options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) {
    issues.push({ nodeId: GRAPH_ISSUE, field: 'batch', message: `The batch size ${String(options.batch)} is not a positive whole number; using 1.` });
    batch = 1;
  }

  const expanded = expandGraph(graph);
  const inference = inferShapes(expanded.flat);
  // Expansion already checks ids, inputs and the output reference; the flat-graph checks would say the same again.
  const expansionFound = new Set(expanded.issues.map(issueKey));
  issues.push(...expanded.issues, ...inference.issues.filter((issue) => !expansionFound.has(issueKey(issue))));

  const feedsOutput = ancestorsOf(expanded.flat.output, inference.byId);
  const fields = new Map<string, FieldState>();
  const layers: LayerReport[] = [];
  let modelField: ModelReceptiveField | null = null;
  let complete = true;
  let trainable = 0;
  let nonTrainable = 0;
  let macs = 0;
  const memoryLayers = [];
  for (const layer of inference.layers) {
    const { node, rules, output } = layer;
    const report: LayerReport = {
      name: node.id,
      kind: node.kind,
      blockPath: [...node.blockPath],
      inputShapes: layer.inputs.map((input) => [...input.shape]),
      outputShape: output ? [...output] : null,
      params: 0,
      trainableParams: 0,
      macs: 0,
      receptiveField: null,
    };
    layers.push(report);
    if (!rules || !output) {
      complete = false;
      continue;
    }
    const params = rules.params();
    report.params = params.trainable + params.nonTrainable;
    report.trainableParams = params.trainable;
    report.macs = countAllLayers ? rules.allMacs() : rules.macs();
    trainable += params.trainable;
    nonTrainable += params.nonTrainable;
    macs += report.macs;

    const field = propagateField(
      rules.receptiveField(),
      node.inputs.map((source) => fields.get(source) ?? null),
    );
    fields.set(node.id, field);
    const summary = summariseField(field);
    report.receptiveField = summary;
    if (summary && output.length === 3 && feedsOutput.has(node.id)) {
      modelField = {
        layer: node.id,
        size: squareOrPair(summary.size),
        minSize: squareOrPair(summary.minSize),
        stride: squareOrPair(summary.stride),
        padding: squareOrPair(summary.padding),
        alignedCentres: summary.alignedCentres,
      };
    }
    const frozen = node.train?.lrMultiplier === 0;
    memoryLayers.push({ id: node.id, inputs: node.inputs, output, params: report.params, trainingParams: frozen ? 0 : params.trainable });
  }

  const outputLayer = inference.byId.get(expanded.flat.output);
  const firstInput = layers.find((layer) => layer.kind === 'Input');
  return {
    name: typeof graph?.name === 'string' ? graph.name : '',
    issues,
    layers,
    input: firstInput?.outputShape ?? null,
    output: outputLayer?.output ? [...outputLayer.output] : null,
    countAllLayers,
    totals: {
      params: trainable + nonTrainable,
      trainableParams: trainable,
      nonTrainableParams: nonTrainable,
      macs,
      flops: 2 * macs,
      memory: complete && layers.length > 0 ? estimateMemory(memoryLayers, expanded.flat.output, batch, optimizer) : null,
    },
    receptiveField: modelField,
    flat: expanded.flat,
  };
}
