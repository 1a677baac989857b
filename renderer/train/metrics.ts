// The live run view's arithmetic, kept out of the views: curve smoothing, point thinning, throughput and ETA,
// durations, and the confusion matrix's derived figures.

export interface Point {
  x: number;
  y: number;
}

/** One line of a chart. */
export interface Series {
  label: string;
  points: Point[];
  colour: string;
  /** Drawn thin and pale: the raw values behind a smoothed line. */
  faint?: boolean;
  /** Points marked with dots (per-epoch values). */
  dots?: boolean;
}

/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing slider): the first points are not
 * pulled towards zero. weight 0 returns the values; close to 1, a long average. Non-finite values are skipped.
 */
export function smooth(points: readonly Point[], weight: number): Point[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`The smoothing weight must be in [0, 1); got ${weight}.`);
  const out: Point[] = [];
  let last = 0;
  let n = 0;
  for (const p of points) {
    if (!Number.isFinite(p.y)) continue;
    last = last * weight + (1 - weight) * p.y;
    n++;
    out.push({ x: p.x, y: last / (1 - weight ** n) });
  }
  return out;
}

/** A smoothing weight that suits a run of this many steps: more steps, a longer average (0 for a handful). */
export function smoothingFor(steps: number): number {
  return Math.max(0, Math.min(0.98, 1 - 4 / Math.sqrt(steps)));
}

/**
 * At most `max` points, evenly spaced by index, always keeping the last (the newest value); a curve of 100 000 steps
 * is drawn with a few hundred points that look the same at chart size.
 */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (max < 2) throw new RangeError(`thin keeps at least 2 points; got ${max}.`);
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const stride = (points.length - 1) / (max - 1);
  for (let i = 0; i < max - 1; i++) out.push(points[Math.round(i * stride)]!);
  out.push(points[points.length - 1]!);
  return out;
}

/**
 * Training throughput over the run so far: images done over the seconds the steps took (evaluation and pauses not
 * counted), which is steadier than one step's figure.
 */
export class Throughput {
  private images = 0;
  private seconds = 0;

  /** One step of `batch` images that ran at `imagesPerSecond`. */
  add(batch: number, imagesPerSecond: number): void {
    if (!(imagesPerSecond > 0) || !Number.isFinite(imagesPerSecond)) return;
    this.images += batch;
    this.seconds += batch / imagesPerSecond;
  }

  get imagesPerSecond(): number {
    return this.seconds > 0 ? this.images / this.seconds : 0;
  }
}

export interface Progress {
  /** 1-based epoch in progress. */
  epoch: number;
  epochs: number;
  /** Steps done in the epoch in progress. */
  stepInEpoch: number;
  stepsPerEpoch: number;
}

/** Steps done and total over the run. */
export function runSteps(p: Progress): { done: number; total: number } {
  return { done: (p.epoch - 1) * p.stepsPerEpoch + p.stepInEpoch, total: p.epochs * p.stepsPerEpoch };
}

/** Seconds left at this throughput (training steps only; each epoch's validation adds to it). NaN when unknown. */
export function etaSeconds(p: Progress, batch: number, imagesPerSecond: number): number {
  if (!(imagesPerSecond > 0)) return NaN;
  const { done, total } = runSteps(p);
  return (Math.max(0, total - done) * batch) / imagesPerSecond;
}

/** 75 → '1:15'; 3725 → '1:02:05'; NaN → '—'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Per-class figures of a confusion matrix confusion[true][predicted]. */
export interface ConfusionSummary {
  /** Each row divided by its total (0 for an empty row): the share of class i predicted as j. */
  rates: number[][];
  /** Per true class: correct / row total (NaN for a class with no samples). */
  recall: number[];
  /** Per predicted class: correct / column total (NaN for a class never predicted). */
  precision: number[];
  total: number;
  correct: number;
}

export function summariseConfusion(confusion: readonly (readonly number[])[]): ConfusionSummary {
  const k = confusion.length;
  if (confusion.some((row) => row.length !== k)) throw new RangeError(`A confusion matrix must be square; got ${k} rows of lengths ${confusion.map((r) => r.length).join(', ')}.`);
  const rowTotals = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const colTotals = Array.from({ length: k }, (_, j) => confusion.reduce((sum, row) => sum + row[j]!, 0));
  const diagonal = confusion.map((row, i) => row[i]!);
  return {
    rates: confusion.map((row, i) => row.map((v) => (rowTotals[i]! > 0 ? v / rowTotals[i]! : 0))),
    recall: diagonal.map((d, i) => (rowTotals[i]! > 0 ? d / rowTotals[i]! : NaN)),
    precision: diagonal.map((d, j) => (colTotals[j]! > 0 ? d / colTotals[j]! : NaN)),
    total: rowTotals.reduce((a, b) => a + b, 0),
    correct: diagonal.reduce((a, b) => a + b, 0),
  };
}
