// Evaluation with the inference model: logits for a whole split in batches, then loss, accuracy and the confusion
// matrix in float64 on the CPU (K values per image come back, which is cheap next to the forward pass). A model
// with a symbolic batch takes the last, partial batch as it is; a model with a fixed batch gets it zero-padded and
// the padded rows are ignored.
import type * as Ort from 'onnxruntime-web';
import type { Model } from '../../core/onnx/model';
import type { ModelSession } from '../session';
import type { SplitData } from './data';

export interface Normalisation {
  mean: readonly number[];
  std: readonly number[];
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

/** Adds one batch's logits [n, K] to the running totals. */
export function scoreLogits(
  logits: Float32Array,
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
