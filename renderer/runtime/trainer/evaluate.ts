// Evaluation of a split in batches, two ways. The evaluation graph (core/training/eval.ts) computes each batch's loss
// sum, correct count and confusion counts in the graph, from the parameters as they are (on the GPU for a trainer);
// only K² + 2 numbers per batch come back, and the totals add up in float64 here. Models that cannot be lowered (an
// arbitrary .onnx file the importer does not map) go the logits way: the inference model's logits come back and
// loss, accuracy and confusion are computed in float64 on the CPU. A symbolic batch takes the last, partial batch as
// it is; a fixed batch gets it zero-padded and the padded rows are ignored (masked out, in the graph).
import type * as Ort from 'onnxruntime-web';
import type { Model } from '../../core/onnx/model';
import type { EvaluationStep } from '../../core/training/eval';
import type { ModelSession } from '../session';
import type { SplitData } from './data';

export interface Normalisation {
  mean: readonly number[];
  std: readonly number[];
}

export class EvalError extends Error {
  readonly code = 'evaluation';
  constructor(message: string) {
    super(message);
    this.name = 'EvalError';
  }
}

export interface EvalResult {
  split: string;
  count: number;
  /** Sum of per-image cross-entropy losses (natural log). */
  lossSum: number;
  loss: number;
  correct: number;
  accuracy: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  seconds: number;
}

export interface EvalOptions {
  input: string;
  output: string;
  classes: number;
  /** Images per run. */
  batch: number;
  /** The model's fixed batch size, if its input has one (the last batch is then padded). */
  fixedBatch?: number;
  normalisation: Normalisation;
  /** What the output holds: logits (default) or softmax probabilities (a model ending in Softmax). */
  outputKind?: 'logits' | 'probabilities';
  /** Called after each batch with the images done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** uint8 pixels → (x/255 − mean)/std as float32, computed as x·(1/(255·std)) − mean/std like the training graph. */
export function normalise(pixels: Uint8Array, shape: readonly [number, number, number], normalisation: Normalisation, out?: Float32Array): Float32Array {
  const [channels, height, width] = shape;
  const result = out ?? new Float32Array(pixels.length);
  const scale = normalisation.std.map((s) => Math.fround(1 / (255 * s)));
  const shift = normalisation.mean.map((m, i) => Math.fround(m / normalisation.std[i]!));
  // pixels are [n, C, H, W]; the channel of element k is floor(k / (H·W)) mod C.
  const hw = height * width;
  for (let k = 0; k < pixels.length; k++) {
    const c = Math.floor(k / hw) % channels;
    result[k] = Math.fround(Math.fround(pixels[k]! * scale[c]!) - shift[c]!);
  }
  return result;
}

/** Refuses a split with a label the model cannot score, before anything runs (its confusion row would not exist). */
function checkLabels(data: SplitData, classes: number): void {
  const { labels } = data;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= classes) {
      throw new EvalError(`The ${data.split} sample ${i} has label ${labels[i]}, but the model scores ${classes} classes (0 to ${classes - 1}); evaluate it on a dataset with ${classes} classes.`);
    }
  }
}

/** Adds one batch's logits [n, K] to the running totals. */
export function scoreLogits(
  logits: Float32Array | Float64Array,
  labels: ArrayLike<number>,
  n: number,
  classes: number,
  totals: { lossSum: number; correct: number; confusion: number[][] },
  outputKind: 'logits' | 'probabilities' = 'logits',
): void {
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let k = 1; k < classes; k++) if (row[k]! > row[best]!) best = k;
    const label = labels[i]!;
    if (outputKind === 'probabilities') {
      totals.lossSum -= Math.log(Math.max(row[label]!, 1e-45));
    } else {
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(row[k]! - row[best]!);
      totals.lossSum += Math.log(sum) + row[best]! - row[label]!;
    }
    if (best === label) totals.correct++;
    totals.confusion[label]![best]!++;
  }
}

/** Whether a model's output is produced by a Softmax node (probabilities) rather than being logits. */
export function outputIsProbabilities(model: Model, output: string): boolean {
  return model.graph.nodes.some((n) => n.outputs.includes(output) && n.opType === 'Softmax');
}

export async function evaluateSplit(session: ModelSession, data: SplitData, options: EvalOptions): Promise<EvalResult> {
  const started = performance.now();
  const { classes, normalisation } = options;
  const [channels, height, width] = data.shape;
  const size = channels * height * width;
  const batch = options.fixedBatch ?? options.batch;
  const totals = { lossSum: 0, correct: 0, confusion: Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) };
  const indices = new Uint32Array(batch);
  checkLabels(data, classes);
  for (let first = 0; first < data.count; first += batch) {
    const n = Math.min(batch, data.count - first);
    for (let k = 0; k < n; k++) indices[k] = first + k;
    const rows = options.fixedBatch ?? n;
    const { pixels, labels } = data.gather(indices.subarray(0, n), new Uint8Array(rows * size));
    const input = new session.ort.Tensor('float32', normalise(pixels, data.shape, normalisation), [rows, channels, height, width]);
    const outputs: Record<string, Ort.Tensor> = await session.run({ [options.input]: input }, [options.output]);
    const logits = outputs[options.output]!;
    const values = (await logits.getData()) as Float32Array;
    if (logits.location !== 'cpu') logits.dispose();
    if (values.length !== rows * classes) {
      throw new Error(`The model's output '${options.output}' has ${values.length} values for ${rows} images; expected ${rows} × ${classes} classes.`);
    }
    scoreLogits(values, labels, n, classes, totals, options.outputKind);
    options.onProgress?.(first + n, data.count);
  }
  return result(data, totals, started);
}

function result(data: SplitData, totals: { lossSum: number; correct: number; confusion: number[][] }, started: number): EvalResult {
  const count = data.count;
  return {
    split: data.split,
    count,
    lossSum: totals.lossSum,
    loss: count ? totals.lossSum / count : NaN,
    correct: totals.correct,
    accuracy: count ? totals.correct / count : NaN,
    confusion: totals.confusion,
    seconds: (performance.now() - started) / 1000,
  };
}

export interface GraphEvalOptions {
  /** The step's parameter inputs (CPU tensors, or GPU buffers a trainer keeps resident); none when baked in. */
  params?: Readonly<Record<string, Ort.Tensor>>;
  /** Called after each batch with the images done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Evaluates a split with the evaluation graph: batches of the step's fixed size, the last one zero-padded with its
 * padding masked out. Normalisation is inside the graph, so the uint8 pixels go in as they are.
 */
export async function evaluateWithGraph(session: ModelSession, step: EvaluationStep, data: SplitData, options: GraphEvalOptions = {}): Promise<EvalResult> {
  const started = performance.now();
  const { Tensor } = session.ort;
  const { batch: rows, classes, inputs, outputs } = step;
  const [channels, height, width] = data.shape;
  const shape = step.model.graph.inputs.find((i) => i.name === inputs.batch)?.type;
  const imageShape = shape?.kind === 'tensor' ? (shape.shape ?? []).slice(1) : [];
  if (imageShape.join('x') !== data.shape.join('x')) {
    throw new EvalError(`The evaluation graph takes ${imageShape.join('×')} images, but the ${data.split} split holds ${data.shape.join('×')}.`);
  }
  for (const name of inputs.params) if (!options.params?.[name]) throw new EvalError(`The evaluation graph needs the parameter '${name}', which was not given.`);
  const totals = { lossSum: 0, correct: 0, confusion: Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) };
  checkLabels(data, classes);
  const indices = new Uint32Array(rows);
  const pixels = new Uint8Array(rows * channels * height * width);
  const labels = new Int32Array(rows);
  const valid = new Float32Array(rows);
  for (let first = 0; first < data.count; first += rows) {
    const n = Math.min(rows, data.count - first);
    for (let k = 0; k < n; k++) indices[k] = first + k;
    // Padding: zero images with label 0, masked out by `valid`.
    pixels.fill(0, n * channels * height * width);
    labels.fill(0, n);
    valid.fill(1, 0, n).fill(0, n);
    data.gather(indices.subarray(0, n), pixels, labels);
    const feeds: Record<string, Ort.Tensor> = {
      ...options.params,
      [inputs.batch]: new Tensor('uint8', pixels, [rows, channels, height, width]),
      [inputs.labels]: new Tensor('int32', labels, [rows]),
      [inputs.valid]: new Tensor('float32', valid, [rows]),
    };
    const results = await session.run(feeds, [outputs.lossSum, outputs.correct, outputs.confusion]);
    const read = async (name: string) => {
      const tensor = results[name]!;
      const values = (await tensor.getData()) as Float32Array;
      if (tensor.location !== 'cpu') tensor.dispose();
      return values;
    };
    totals.lossSum += (await read(outputs.lossSum))[0]!;
    totals.correct += (await read(outputs.correct))[0]!;
    const confusion = await read(outputs.confusion);
    for (let t = 0; t < classes; t++) for (let p = 0; p < classes; p++) totals.confusion[t]![p]! += confusion[t * classes + p]!;
    options.onProgress?.(first + n, data.count);
  }
  return result(data, totals, started);
}
