// One small training step for every zoo model, shared by the Node proof (zoo-step.test.ts) and the WebGPU proof
// (test/e2e/zoo-step.spec.ts): the input sizes, the compiled step with its gradients exposed as graph outputs, and
// reproducible, well-conditioned feeds (pixels, labels, weights, fixed dropout masks); plus the graph surgery both
// proofs use to make one float32 run follow another's discrete decisions.
import type { ZooModel } from '../../models/index';
import { expandGraph } from '../../renderer/core/blocks/expand';
import type { InitScheme } from '../../renderer/core/ir';
import { initialiseWeights, lowerTraining } from '../../renderer/core/lowering/index';
import { valueInfo } from '../../renderer/core/onnx/builder';
import { DataType, type Graph, type Model, type Node } from '../../renderer/core/onnx/model';
import { EXPORT_OPSET } from '../../renderer/core/onnx/schema';
import { inferGraph } from '../../renderer/core/onnx/shape-inference';
import { seededRandom } from '../../renderer/core/random';
import { compileTrainingStep, type TrainingStep } from '../../renderer/core/training/step';

/**
 * Per model: the input [C, H, W], the batch, which finite-difference checks the Node proof runs (see
 * zoo-step.test.ts), and the weight initialisation when not the model's own.
 *
 * Sizes are small for time, and chosen so that float32 has a well-conditioned problem to solve. The conditioning
 * that matters is BatchNorm's: it centres x − μ per channel, which cancels float32 digits when a channel's mean is
 * large beside its spread, and its backward pass subtracts the projections of dY on 1 and x̂, which cancels digits
 * when a channel holds few values. At the deepest stages of these small inputs a channel holds few values: GoogLeNet's
 * inception5 branch 4 at 47×47 is a 3×3 max pool over a 2×2 map, so every position holds the same value and only the
 * batch varies; with a batch of 2 a channel's variance rests on one difference between two images, and for some it
 * was 1e-6 beside a mean of 2.5 (|μ|/σ ≈ 1e3): onnxruntime's gradients were off from the float64 reference by up to
 * 1.5e-3 of their scale, for rounding alone. Inception-v3 at 75×75 (its smallest input, Mixed_7 at 1×1) with a
 * batch of 4 was off by 7.6e-3. So the BatchNorm models take inputs at which the deepest stage keeps 2×2 positions,
 * and 4 images, or 2 where no pooling branch makes the positions equal (DenseNet, VGG); measured errors are then
 * below 2.1e-4 of the scale (the Node proof asserts the conditioning). Models without BatchNorm take the smallest
 * input they accept (AlexNet 63, AlexNet-paper 67, AlexNet-d2l 65, VGG 32, NiN 67) and one image or two; the ones
 * whose cost is their 4096-wide dense layers take one.
 */
export const ZOO_STEP_SIZES: Readonly<
  Record<string, { input: readonly [number, number, number]; batch: number; finiteDifferences: 'none' | 'direction' | 'full'; initialisation?: InitScheme }>
> = {
  lenet5: { input: [1, 28, 28], batch: 2, finiteDifferences: 'full' },
  'lenet5-relu': { input: [1, 28, 28], batch: 2, finiteDifferences: 'full' },
  alexnet: { input: [3, 63, 63], batch: 1, finiteDifferences: 'direction', initialisation: 'xavier' },
  'alexnet-paper': { input: [3, 67, 67], batch: 1, finiteDifferences: 'full' },
  'alexnet-d2l': { input: [1, 65, 65], batch: 1, finiteDifferences: 'none', initialisation: 'xavier' },
  vgg11: { input: [3, 32, 32], batch: 1, finiteDifferences: 'none', initialisation: 'xavier' },
  vgg16: { input: [3, 32, 32], batch: 1, finiteDifferences: 'none', initialisation: 'xavier' },
  'vgg11-bn': { input: [3, 32, 32], batch: 2, finiteDifferences: 'none', initialisation: 'xavier' },
  'vgg16-bn': { input: [3, 32, 32], batch: 2, finiteDifferences: 'none', initialisation: 'xavier' },
  nin: { input: [1, 67, 67], batch: 2, finiteDifferences: 'full' },
  googlenet: { input: [3, 47, 47], batch: 4, finiteDifferences: 'direction' },
  'inception-v2': { input: [3, 33, 33], batch: 4, finiteDifferences: 'none' },
  'inception-v3': { input: [3, 107, 107], batch: 4, finiteDifferences: 'none' },
  resnet18: { input: [3, 33, 33], batch: 4, finiteDifferences: 'direction' },
  resnet50: { input: [3, 33, 33], batch: 4, finiteDifferences: 'none' },
  densenet121: { input: [3, 61, 61], batch: 2, finiteDifferences: 'none' },
};

export const ZOO_STEP_CLASSES = 10;

/**
 * The classifier's weights are scaled by this, so the logits are O(1) and the softmax is far from saturation: where
 * the true class has p ≈ 1, dL/dlogit = p − 1 cancels in float32 and every gradient inherits that relative error
 * (torchvision AlexNet on random pixels had p = 1 − 2·10⁻⁵, and all its gradients were off by 1.4·10⁻³; with its
 * classifier scaled by 0.1, by 1.8·10⁻⁶). The compiled step is the same graph whatever the weights.
 */
export const CLASSIFIER_SCALE = 0.1;

export interface StepFeed {
  data: Float32Array | Uint8Array | Int32Array;
  dims: number[];
}

export interface ZooStep {
  id: string;
  input: readonly [number, number, number];
  batch: number;
  step: TrainingStep;
  /** The step model with every parameter's gradient, and the logits, as extra graph outputs. */
  model: Model;
  /** Parameter input name → its gradient's output name. */
  gradients: Map<string, string>;
  /** The logits [batch, classes]. */
  logits: string;
  /** Per BatchNorm layer, its batch mean and (biased) variance, each [1, C, 1, 1] or [1, C], and the values per channel. */
  batchNorms: Array<{ layer: string; mean: string; variance: string; count: number }>;
  feeds: Record<string, StepFeed>;
}

/**
 * The gradient value of every trained parameter, found from the plain-SGD update the optimiser emits
 * (p.next = Identity(Sub(p, Mul(g, lr)))). Refuses any other shape, so a changed optimiser fails loudly here.
 */
export function gradientValues(step: TrainingStep): Map<string, string> {
  const producer = new Map(step.model.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const gradients = new Map<string, string>();
  for (const [param, output] of step.outputs.params) {
    const identity = producer.get(output);
    const sub = identity && producer.get(identity.inputs[0]!);
    const mul = sub && sub.inputs[0] === param ? producer.get(sub.inputs[1]!) : undefined;
    if (identity?.opType !== 'Identity' || sub?.opType !== 'Sub' || mul?.opType !== 'Mul') {
      throw new Error(`The update of '${param}' is not p − g·lr (plain SGD); compile the step with momentum 0 and no weight decay.`);
    }
    gradients.set(param, mul.inputs[0]!);
  }
  return gradients;
}

/** The parameter of the layer that computes the logits: the weight of the first Gemm or Conv found walking back. */
function classifierWeight(graph: Graph, logits: string): string {
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  let node = producer.get(logits);
  while (node && node.opType !== 'Gemm' && node.opType !== 'Conv' && node.opType !== 'MatMul') node = producer.get(node.inputs[0]!);
  if (!node) throw new Error(`No Gemm, MatMul or Conv computes the logits '${logits}'; the classifier cannot be scaled.`);
  return node.inputs[1]!;
}

/**
 * Photograph-like pixels: per image a brightness, a contrast and a few smooth waves of random direction (up to three
 * cycles across the image), per channel a tint and phase, plus mild noise. Uniform random pixels make every image,
 * and every window of one, statistically alike, so the deep features of different images differ by little beside
 * their mean, and BatchNorm's centring then cancels float32 digits: (|μ| + σ)/σ reaches 42 in GoogLeNet and 29 in
 * Inception-v3 on uniform random pixels, 20 and 19 on these.
 */
export function syntheticImages(batch: number, [channels, height, width]: readonly [number, number, number], random: () => number): Uint8Array {
  const pixels = new Uint8Array(batch * channels * height * width);
  let k = 0;
  for (let n = 0; n < batch; n++) {
    const brightness = 48 + 160 * random();
    const contrast = 24 + 72 * random();
    const waves = Array.from({ length: 4 }, () => ({ fy: (3 * random()) / height, fx: (3 * random()) / width, phase: 2 * Math.PI * random(), amplitude: random() }));
    for (let c = 0; c < channels; c++) {
      const tint = 32 * (random() - 0.5);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let value = brightness + tint + 32 * (random() - 0.5);
          for (const w of waves) value += contrast * w.amplitude * Math.sin(2 * Math.PI * (w.fy * y + w.fx * x) + w.phase + c);
          pixels[k++] = Math.max(0, Math.min(255, Math.round(value)));
        }
      }
    }
  }
  return pixels;
}

export interface ZooStepOptions {
  /** Default: the model's batch in ZOO_STEP_SIZES. */
  batch?: number;
  /** Lower with onnxruntime-web's WebGPU workarounds (exact rewrites, so wasm gives the same numbers). */
  webgpu?: boolean;
  seed?: number;
}

export function zooStep(entry: ZooModel, options: ZooStepOptions): ZooStep {
  const size = ZOO_STEP_SIZES[entry.id];
  if (!size) throw new Error(`Zoo model '${entry.id}' has no entry in ZOO_STEP_SIZES; add its input size and batch.`);
  const { input } = size;
  const batch = options.batch ?? size.batch;
  const seed = options.seed ?? 5;
  const graph = entry.build({ input: [...input], classes: ZOO_STEP_CLASSES });
  const program = lowerTraining(graph, { batch, webgpu: options.webgpu ?? false });
  const step = compileTrainingStep(program, {
    optimizer: { kind: 'sgd', momentum: 0 },
    normalisation: { mean: new Array(input[0]).fill(0.5), std: new Array(input[0]).fill(0.25) },
  });
  const gradients = gradientValues(step);
  const model = withOutputs(step.model, [...step.model.graph.outputs.map((o) => o.name), program.logits, ...gradients.values()]);

  const producer = new Map(step.model.graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const { types } = inferGraph(step.model.graph, EXPORT_OPSET);
  const batchNorms = expandGraph(graph)
    .flat.nodes.filter((n) => n.kind === 'BatchNorm')
    .map((n) => {
      const mean = `${n.id}/mean_out`;
      const variance = `${n.id}/var_out`;
      const normalised = producer.get(mean)?.inputs[0];
      const shape = normalised ? types.get(normalised)?.shape : undefined;
      if (!producer.has(variance) || !shape) {
        throw new Error(`BatchNorm '${n.id}' of zoo model '${entry.id}' has no values '${mean}' and '${variance}'; update the names to the BatchNorm lowering's.`);
      }
      return { layer: n.id, mean, variance, count: (shape as number[]).reduce((a, b, axis) => (axis === 1 ? a : a * b), 1) };
    });

  const random = seededRandom(seed);
  // Xavier uniform where Kaiming normal draws would cost seconds (7.6 s for VGG's 129M parameters, 2.9 s uniform).
  const weights = initialiseWeights(graph, { seed, ...(size.initialisation ? { scheme: size.initialisation } : {}) });
  const feeds: Record<string, StepFeed> = {
    [step.inputs.batch]: { data: syntheticImages(batch, input, random), dims: [batch, ...input] },
    [step.inputs.labels]: { data: Int32Array.from({ length: batch }, (_, i) => (3 * i + 1) % ZOO_STEP_CLASSES), dims: [batch] },
    [step.inputs.learningRate]: { data: Float32Array.of(0.01), dims: [] },
  };
  const classifier = classifierWeight(step.model.graph, program.logits);
  for (const name of [...step.inputs.params, ...step.inputs.buffers]) {
    const w = weights.get(name);
    if (!w) throw new Error(`No initial weights for '${name}' of zoo model '${entry.id}'.`);
    feeds[name] = { data: name === classifier ? w.data.map((v) => v * CLASSIFIER_SCALE) : w.data, dims: w.dims };
  }
  // Fixed inverted-dropout masks, as the trainer draws them: 0 or 1/(1 − p).
  for (const mask of step.inputs.masks) {
    const keep = 1 / (1 - mask.p);
    feeds[mask.name] = { data: Float32Array.from({ length: mask.shape.reduce((a, b) => a * b, 1) }, () => (random() < mask.p ? 0 : keep)), dims: [...mask.shape] };
  }
  return { id: entry.id, input, batch, step, model, gradients, logits: program.logits, batchNorms, feeds };
}

// ---- graph surgery ------------------------------------------------------------------------------------------

/** The graph cut down to the nodes that the named values need. */
export function pruned(graph: Graph, wanted: readonly string[]): Graph {
  const needed = new Set(wanted);
  const nodes = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!node.outputs.some((o) => needed.has(o))) continue;
    nodes.push(node);
    for (const input of node.inputs) if (input !== '') needed.add(input);
  }
  const inputs = graph.inputs.filter((i) => needed.has(i.name));
  const initializers = graph.initializers.filter((t) => needed.has(t.name));
  return { ...graph, nodes: nodes.reverse(), inputs, initializers };
}

/** The model with exactly these values as its outputs (in this order), and only the nodes they need. */
export function withOutputs(model: Model, outputs: readonly string[]): Model {
  const { types } = inferGraph(model.graph, EXPORT_OPSET);
  const graph = pruned(model.graph, outputs);
  const infos = [...new Set(outputs)].map((name) => {
    const type = types.get(name);
    if (!type?.shape) throw new Error(`The step graph has no value '${name}' of known type and shape.`);
    return valueInfo(name, type.elemType, type.shape);
  });
  return { ...model, graph: { ...graph, outputs: infos } };
}

/**
 * The step's discrete decisions: every bool value its nodes compute (ReLU's gradient mask X > 0, max pooling's
 * first-maximum mask, whether the true class's logit is the row maximum). Float32 and float64 runs of one graph can
 * decide a near-tie differently (a ReLU input of 1e-7 that rounds to −1e-7), and then a gradient differs by a whole
 * term, not by rounding; so a run is compared with one that follows its decisions, and each decision is checked on
 * its own (decisionMargin).
 */
export function decisionValues(model: Model): Array<{ name: string; node: Node }> {
  const { types } = inferGraph(model.graph, EXPORT_OPSET);
  return model.graph.nodes.flatMap((node) => node.outputs.filter((o) => o !== '' && types.get(o)?.elemType === DataType.BOOL).map((name) => ({ name, node })));
}

/**
 * The model with the named decisions as bool graph inputs instead of computed, so a run can be made to take another
 * run's branches.
 */
export function withDecisionsFed(model: Model, decisions: readonly string[]): Model {
  const { types } = inferGraph(model.graph, EXPORT_OPSET);
  const fed = new Set(decisions);
  const nodes = model.graph.nodes.filter((n) => !n.outputs.some((o) => fed.has(o)));
  const inputs = [...model.graph.inputs, ...decisions.map((name) => valueInfo(name, DataType.BOOL, types.get(name)!.shape!))];
  return { ...model, graph: pruned({ ...model.graph, nodes, inputs }, model.graph.outputs.map((o) => o.name)) };
}
