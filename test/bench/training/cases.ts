// The benchmark's models, batches and the synthetic batch every runtime trains on, plus our training step for them.
// One definition, shared by the Node runner, the browser page and the peers (which get the layer list as JSON).
import { zooModel } from '../../../models/index';
import { analyse } from '../../../renderer/core/analysis';
import { expandGraph } from '../../../renderer/core/blocks/expand';
import type { LayerGraph } from '../../../renderer/core/ir';
import { normaliseAttrs } from '../../../renderer/core/layers/index';
import { initialiseWeights, lowerTraining } from '../../../renderer/core/lowering/index';
import { encodeModel } from '../../../renderer/core/onnx/codec';
import { compileTrainingStep, type TrainingStep } from '../../../renderer/core/training/step';
import type { WeightStore } from '../../../renderer/core/weights';
import type { StepPlan } from './run-ours';

export interface BenchCase {
  id: string;
  input: [number, number, number];
  batch: number;
  classes: number;
}

export const CASES: BenchCase[] = [
  { id: 'lenet5', input: [1, 28, 28], batch: 256, classes: 10 },
  { id: 'alexnet-d2l', input: [1, 224, 224], batch: 32, classes: 10 },
  { id: 'resnet18', input: [1, 96, 96], batch: 64, classes: 10 },
];

/** SGD with momentum 0.9 for every runtime; the learning rate is small so no run diverges mid-benchmark. */
export const OPTIMIZER = { kind: 'sgd' as const, momentum: 0.9 };
export const LEARNING_RATE = 0.01;
export const NORMALISATION = { mean: [0.5], std: [0.25] };

/**
 * The batch: fixed pseudo-random pixels and labels from a tiny linear congruential generator, so every runtime (JS,
 * Python) draws the identical batch without sharing a seeded library, and no runtime's speed depends on a seed.
 */
export function syntheticBatch(c: BenchCase): { pixels: Uint8Array; labels: Int32Array } {
  const [ch, h, w] = c.input;
  const pixels = new Uint8Array(c.batch * ch * h * w);
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16;
  for (let i = 0; i < pixels.length; i++) pixels[i] = next() & 255;
  const labels = new Int32Array(c.batch);
  for (let i = 0; i < labels.length; i++) labels[i] = next() % c.classes;
  return { pixels, labels };
}

export function buildGraph(c: BenchCase): LayerGraph {
  const entry = zooModel(c.id);
  if (!entry) throw new Error(`No zoo model '${c.id}'.`);
  return entry.build({ input: c.input, classes: c.classes });
}

/** The flat layer list in topological order with normalised attributes: what the peers build their models from. */
export interface LayerSpec {
  id: string;
  kind: string;
  inputs: string[];
  attrs: Record<string, unknown>;
}

export function layerList(c: BenchCase): { layers: LayerSpec[]; trainableParams: number } {
  const graph = buildGraph(c);
  const analysis = analyse(graph);
  const { flat } = expandGraph(graph);
  const layers = flat.nodes.map((n) => {
    const normalised = normaliseAttrs(n.kind, n.id, n.attrs);
    if (!normalised.ok) throw new Error(`Layer '${n.id}' of ${c.id} has invalid attributes.`);
    return { id: n.id, kind: n.kind, inputs: [...n.inputs], attrs: normalised.attrs as Record<string, unknown> };
  });
  return { layers, trainableParams: analysis.totals.trainableParams };
}

export interface OurStep {
  step: TrainingStep;
  bytes: Uint8Array;
  weights: WeightStore;
}

export function ourStep(c: BenchCase, options: { webgpu?: boolean } = {}): OurStep {
  const graph = buildGraph(c);
  const program = lowerTraining(graph, { batch: c.batch, webgpu: options.webgpu ?? false });
  const step = compileTrainingStep(program, { optimizer: OPTIMIZER, normalisation: NORMALISATION });
  return { step, bytes: encodeModel(step.model), weights: initialiseWeights(graph, { seed: 0 }) };
}

/** The loop's view of a compiled step (see run-ours.ts). */
export function stepPlan(c: BenchCase, step: TrainingStep): StepPlan {
  const shapeOf = new Map(step.model.graph.inputs.map((i) => [i.name, i.type?.kind === 'tensor' ? (i.type.shape ?? []).map(Number) : []]));
  const carried: StepPlan['carried'] = [];
  for (const [input, output] of [...step.outputs.params, ...step.outputs.state, ...step.outputs.buffers]) carried.push({ input, output, shape: shapeOf.get(input)! });
  return {
    batch: step.inputs.batch,
    labels: step.inputs.labels,
    learningRate: step.inputs.learningRate,
    loss: step.outputs.loss,
    carried,
    fixed: step.frozen.map((input) => ({ input, shape: shapeOf.get(input)! })),
    masks: step.inputs.masks.map((m) => ({ name: m.name, shape: [...m.shape], p: m.p })),
    batchShape: [c.batch, ...c.input],
  };
}

/** Starting values by input name: the initialised parameters and statistics (optimiser state starts at zero). */
export function initialValues(weights: WeightStore): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, w] of weights) out[name] = w.data instanceof Float32Array ? w.data : Float32Array.from(w.data);
  return out;
}
