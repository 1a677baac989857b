// The training-step compiler: one ONNX model that takes parameters, optimiser state, running statistics, a uint8
// batch, int32 labels, the learning rate and dropout masks, and returns the loss, the number correct, and the
// updated parameters, state and statistics. onnxruntime-web runs it again and again, feeding outputs back as inputs.
import { differentiate } from '../autodiff/differentiate';
import type { LayerGraph } from '../ir';
import { floatTensor, GraphBuilder, model as makeModel } from '../onnx/builder';
import { DataType, type Graph, type Model } from '../onnx/model';
import { EXPORT_OPSET } from '../onnx/schema';
import { inferGraph } from '../onnx/shape-inference';
import { emitCrossEntropy } from './loss';
import { emitOptimizer, resolveOptimizer, type OptimizerConfig, type StateSlot } from './optimizers';

export class TrainingCompileError extends Error {
  readonly code = 'training-compile';
  constructor(message: string) {
    super(message);
    this.name = 'TrainingCompileError';
  }
}

/**
 * A forward graph in training form, as the lowering produces it: parameters, running statistics and dropout masks
 * are graph inputs; `input` is the normalised float image batch [B, C, H, W]; `logits` is [B, K].
 */
export interface ForwardProgram {
  graph: Graph;
  input: string;
  logits: string;
  batch: number;
  classes: number;
  /** [C, H, W] of one image. */
  imageShape: readonly [number, number, number];
  params: ReadonlyArray<{ name: string; shape: readonly number[]; lrMultiplier: number }>;
  /** Non-trained state updated by the forward pass (BatchNorm running statistics): input → updated output. */
  buffers: ReadonlyArray<{ input: string; output: string; shape: readonly number[] }>;
  /** Dropout masks the trainer draws each step: values 0 or 1/(1 − p) (inverted dropout). */
  masks: ReadonlyArray<{ name: string; shape: readonly number[]; p: number }>;
  /** The layer graph it was lowered from (lowerTraining sets it), so a trainer can lower the evaluation graph too. */
  source?: { graph: LayerGraph; webgpu: boolean };
}

/** Normalisation, as the training and evaluation graphs apply it to uint8 pixels. */
export interface Normalisation {
  /** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
  mean: readonly number[];
  std: readonly number[];
}

export interface StepOptions {
  optimizer: OptimizerConfig;
  labelSmoothing?: number;
  /** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
  normalisation: Normalisation;
}

export interface TrainingStep {
  model: Model;
  /** Graph input names. */
  inputs: {
    batch: string;
    labels: string;
    learningRate: string;
    biasCorrection1?: string;
    biasCorrection2?: string;
    params: string[];
    state: StateSlot[];
    buffers: string[];
    masks: ForwardProgram['masks'];
  };
  /** Graph output names. */
  outputs: {
    loss: string;
    correct: string;
    /** Parameter input name → its updated value's output name. */
    params: Map<string, string>;
    /** State input name → output name. */
    state: Map<string, string>;
    /** Buffer input name → output name. */
    buffers: Map<string, string>;
  };
  /** Parameters left out of the update (learning-rate multiplier 0): fed in, never changed. */
  frozen: string[];
}

/** Static shapes of every value; a dimension left symbolic is an error here (the step graph has a fixed batch). */
function staticShapes(graph: Graph): Map<string, number[]> {
  const { types } = inferGraph(graph, EXPORT_OPSET);
  const shapes = new Map<string, number[]>();
  for (const [name, type] of types) {
    if (type.shape && type.shape.every((d): d is number => typeof d === 'number')) shapes.set(name, type.shape);
  }
  return shapes;
}

/**
 * Emits the uint8 batch and int32 label inputs, the normalisation (x/255 − mean)/std into the forward graph's image
 * input, and the forward graph itself, whose other inputs (parameters, statistics, masks) become inputs of `b`.
 */
export function emitNormalisedForward(
  b: GraphBuilder,
  program: Pick<ForwardProgram, 'graph' | 'input' | 'batch' | 'imageShape'>,
  normalisation: Normalisation,
  fail: (message: string) => Error = (message) => new TrainingCompileError(message),
): { batch: string; labels: string } {
  const [channels, height, width] = program.imageShape;
  const { mean, std } = normalisation;
  if (mean.length !== channels || std.length !== channels || std.some((s) => !(s > 0))) {
    throw fail(`Normalisation needs ${channels} means and ${channels} positive standard deviations; got mean [${mean.join(', ')}], std [${std.join(', ')}].`);
  }

  // uint8 pixels → (x/255 − mean)/std, into the forward graph's input.
  const batch = b.input('batch', DataType.UINT8, [program.batch, channels, height, width]);
  const labels = b.input('labels', DataType.INT32, [program.batch]);
  const scale = b.fresh('normalise/scale');
  const shift = b.fresh('normalise/shift');
  b.initializers.push(floatTensor(scale, [1, channels, 1, 1], std.map((s) => 1 / (255 * s))));
  b.initializers.push(floatTensor(shift, [1, channels, 1, 1], mean.map((m, i) => m / std[i]!)));
  const asFloat = b.add('Cast', [batch], { to: DataType.FLOAT }, { name: 'normalise/cast' })[0]!;
  const scaled = b.add('Mul', [asFloat, scale], {}, { name: 'normalise/mul' })[0]!;
  b.add('Sub', [scaled, shift], {}, { name: 'normalise/sub', outputs: [program.input] });

  // The forward graph: its inputs other than the image become the step's inputs.
  const forwardInputs = new Set(program.graph.inputs.map((i) => i.name));
  if (!forwardInputs.has(program.input)) throw fail(`The forward graph has no input '${program.input}'.`);
  for (const input of program.graph.inputs) {
    if (input.name === program.input) continue;
    if (input.type?.kind !== 'tensor') throw fail(`Forward input '${input.name}' is not a tensor.`);
    b.input(input.name, input.type.elemType, input.type.shape);
  }
  for (const t of program.graph.initializers) b.initializer(t);
  for (const n of program.graph.nodes) {
    if (n.name) b.fresh(n.name);
    for (const o of n.outputs) if (o !== '') b.fresh(o);
    b.nodes.push(n);
  }
  return { batch, labels };
}

export function compileTrainingStep(program: ForwardProgram, options: StepOptions): TrainingStep {
  const optimizer = resolveOptimizer(options.optimizer);
  const b = new GraphBuilder('training_step');
  const { batch, labels } = emitNormalisedForward(b, program, options.normalisation);

  const ce = emitCrossEntropy(b, { logits: program.logits, labels, batch: program.batch, classes: program.classes, labelSmoothing: options.labelSmoothing });
  const forwardAndLoss = b.build();

  const trained = program.params.filter((p) => p.lrMultiplier !== 0);
  const frozen = program.params.filter((p) => p.lrMultiplier === 0).map((p) => p.name);
  if (trained.length === 0) throw new TrainingCompileError('Every layer is frozen (learning-rate multiplier 0): there is nothing to train.');
  for (const p of trained) {
    if (!(p.lrMultiplier > 0) || !Number.isFinite(p.lrMultiplier)) {
      throw new TrainingCompileError(`Parameter '${p.name}' has learning-rate multiplier ${p.lrMultiplier}; it must be 0 (frozen) or positive.`);
    }
  }
  const shapes = staticShapes(forwardAndLoss);
  const gradients = differentiate({
    graph: forwardAndLoss,
    loss: ce.loss,
    wrt: trained.map((p) => p.name),
    shapes,
    stopGradient: ce.stopGradient,
    builder: b,
  });
  const opt = emitOptimizer(
    b,
    optimizer,
    trained.map((p) => ({ value: p.name, gradient: gradients.get(p.name)!, shape: p.shape, lrMultiplier: p.lrMultiplier })),
  );

  // Outputs: named after what they update, so a run's results are easy to match up with its inputs.
  const named = (value: string, name: string) => b.add('Identity', [value], {}, { name: b.fresh(`out/${name}`), outputs: [name] })[0]!;
  const loss = named(ce.loss, 'loss');
  const correct = named(ce.correct, 'correct');
  b.output(loss, DataType.FLOAT, []);
  b.output(correct, DataType.FLOAT, []);
  const paramOutputs = new Map<string, string>();
  for (const p of trained) {
    const out = named(opt.updated.get(p.name)!, `${p.name}.next`);
    b.output(out, DataType.FLOAT, [...p.shape]);
    paramOutputs.set(p.name, out);
  }
  const stateOutputs = new Map<string, string>();
  for (const s of opt.state) {
    const out = named(s.output, `${s.input}.next`);
    b.output(out, DataType.FLOAT, [...s.shape]);
    stateOutputs.set(s.input, out);
  }
  const bufferOutputs = new Map<string, string>();
  for (const buffer of program.buffers) {
    const out = named(buffer.output, `${buffer.input}.next`);
    b.output(out, DataType.FLOAT, [...buffer.shape]);
    bufferOutputs.set(buffer.input, out);
  }

  return {
    model: makeModel(b.build(), { opset: EXPORT_OPSET, docString: 'Model Lab training step' }),
    inputs: {
      batch,
      labels,
      learningRate: opt.scalars.learningRate,
      ...(opt.scalars.biasCorrection1 ? { biasCorrection1: opt.scalars.biasCorrection1, biasCorrection2: opt.scalars.biasCorrection2! } : {}),
      params: program.params.map((p) => p.name),
      state: opt.state,
      buffers: program.buffers.map((x) => x.input),
      masks: program.masks,
    },
    outputs: { loss, correct, params: paramOutputs, state: stateOutputs, buffers: bufferOutputs },
    frozen,
  };
}
