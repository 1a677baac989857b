// The trainer's data path: a DataSource hands over whole shards (packed uint8 N×C×H×W) and a split's labels; the
// trainer keeps a split's shards in memory, shuffles sample indices per epoch with a seeded permutation, and
// assembles fixed-size uint8 batches. The step graph has a fixed batch size, so an epoch's last partial batch is
// dropped (the samples it would have held come first in another epoch's order, since every epoch reshuffles).
import type { DatasetSplit } from '../../../preload/types/datasets';
import { epochPermutation } from './random';

export interface DataDescription {
  name: string;
  /** [C, H, W] of every sample. */
  shape: [number, number, number];
  classes: string[];
  counts: Record<DatasetSplit, number>;
  /** Each split's shards in order: shard `index` holds samples first..first+count−1. */
  shards: Record<DatasetSplit, Array<{ index: number; first: number; count: number }>>;
}

/** Where the trainer's samples come from: the dataset store in Node, the host API (or a worker port) in the app. */
export interface DataSource {
  describe(): Promise<DataDescription>;
  /** One whole shard, uint8 N×C×H×W, a fresh array the caller may keep or transfer to a worker. */
  shard(split: DatasetSplit, index: number): Promise<Uint8Array>;
  /** The split's labels, one class index per sample in stored order. */
  labels(split: DatasetSplit): Promise<Uint16Array>;
}

export class DataError extends Error {
  readonly code = 'training-data';
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** One split held in memory, shard by shard. */
export class SplitData {
  private readonly firsts: number[];

  constructor(
    readonly split: DatasetSplit,
    readonly shape: readonly [number, number, number],
    private readonly shards: Uint8Array[],
    firsts: number[],
    readonly labels: Uint16Array,
  ) {
    this.firsts = firsts;
  }

  get count(): number {
    return this.labels.length;
  }

  get sampleBytes(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  /** The bytes of sample i (a view, no copy). */
  sample(i: number): Uint8Array {
    let lo = 0;
    let hi = this.firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firsts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    const size = this.sampleBytes;
    const offset = (i - this.firsts[lo]!) * size;
    return this.shards[lo]!.subarray(offset, offset + size);
  }

  /** Copies samples `indices` into a batch: pixels uint8 [n, C, H, W] and labels int32 [n]. */
  gather(indices: ArrayLike<number>, pixels?: Uint8Array, labels?: Int32Array): { pixels: Uint8Array; labels: Int32Array } {
    const size = this.sampleBytes;
    const n = indices.length;
    const outPixels = pixels ?? new Uint8Array(n * size);
    const outLabels = labels ?? new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      outPixels.set(this.sample(i), k * size);
      outLabels[k] = this.labels[i]!;
    }
    return { pixels: outPixels, labels: outLabels };
  }
}

/** Reads a whole split from a source into memory, checking sizes and labels. */
export async function loadSplit(source: DataSource, description: DataDescription, split: DatasetSplit): Promise<SplitData> {
  const [c, h, w] = description.shape;
  const size = c * h * w;
  const labels = await source.labels(split);
  if (labels.length !== description.counts[split]) {
    throw new DataError(`Dataset '${description.name}': the ${split} split has ${labels.length} labels but ${description.counts[split]} samples.`);
  }
  const classes = description.classes.length;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= classes) throw new DataError(`Dataset '${description.name}': ${split} sample ${i} has label ${labels[i]}, but there are only ${classes} classes.`);
  }
  const shards: Uint8Array[] = [];
  const firsts: number[] = [];
  let expectedFirst = 0;
  for (const info of [...description.shards[split]].sort((a, b) => a.first - b.first)) {
    if (info.first !== expectedFirst) throw new DataError(`Dataset '${description.name}': ${split} shard ${info.index} starts at sample ${info.first}, expected ${expectedFirst}.`);
    const bytes = await source.shard(split, info.index);
    if (bytes.length !== info.count * size) {
      throw new DataError(`Dataset '${description.name}': ${split} shard ${info.index} is ${bytes.length} bytes; ${info.count} samples of ${c}×${h}×${w} need ${info.count * size}.`);
    }
    shards.push(bytes);
    firsts.push(info.first);
    expectedFirst += info.count;
  }
  if (expectedFirst !== labels.length) throw new DataError(`Dataset '${description.name}': the ${split} shards hold ${expectedFirst} samples, the labels ${labels.length}.`);
  if (shards.length === 0) {
    shards.push(new Uint8Array(0));
    firsts.push(0);
  }
  return new SplitData(split, description.shape, shards, firsts, labels);
}

/** How an epoch of `count` samples divides into full batches of `batch`. */
export function epochPlan(count: number, batch: number): { steps: number; dropped: number } {
  const steps = Math.floor(count / batch);
  return { steps, dropped: count - steps * batch };
}

/** The sample indices of every full batch of one epoch, in order. */
export function* epochBatches(seed: number, epoch: number, count: number, batch: number): Generator<Uint32Array> {
  const order = epochPermutation(seed, epoch, count);
  const { steps } = epochPlan(count, batch);
  for (let s = 0; s < steps; s++) yield order.subarray(s * batch, (s + 1) * batch);
}

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1], over a split. */
export function channelStatistics(data: SplitData): { mean: number[]; std: number[] } {
  const [c, h, w] = data.shape;
  const plane = h * w;
  const sums = new Float64Array(c);
  const squares = new Float64Array(c);
  for (let i = 0; i < data.count; i++) {
    const sample = data.sample(i);
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      let q = 0;
      for (let k = ch * plane, end = k + plane; k < end; k++) {
        const v = sample[k]!;
        s += v;
        q += v * v;
      }
      sums[ch]! += s;
      squares[ch]! += q;
    }
  }
  const n = Math.max(1, data.count * plane);
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const m = sums[ch]! / n;
    const variance = Math.max(0, squares[ch]! / n - m * m);
    mean.push(m / 255);
    std.push(Math.sqrt(variance) / 255 || 1);
  }
  return { mean, std };
}

/** Samples held in memory (tests, generated data): each split's pixels as one shard. */
export class MemoryDataSource implements DataSource {
  constructor(
    private readonly content: {
      name: string;
      shape: [number, number, number];
      classes: string[];
      splits: Partial<Record<DatasetSplit, { pixels: Uint8Array; labels: Uint16Array; shardSize?: number }>>;
    },
  ) {}

  async describe(): Promise<DataDescription> {
    const { name, shape, classes, splits } = this.content;
    const counts = { train: 0, val: 0, test: 0 };
    const shards: DataDescription['shards'] = { train: [], val: [], test: [] };
    for (const split of ['train', 'val', 'test'] as const) {
      const s = splits[split];
      if (!s) continue;
      counts[split] = s.labels.length;
      const per = s.shardSize ?? Math.max(1, s.labels.length);
      for (let first = 0, index = 0; first < s.labels.length; first += per, index++) shards[split].push({ index, first, count: Math.min(per, s.labels.length - first) });
    }
    return { name, shape, classes, counts, shards };
  }

  async shard(split: DatasetSplit, index: number): Promise<Uint8Array> {
    const s = this.content.splits[split];
    const info = (await this.describe()).shards[split][index];
    if (!s || !info) throw new DataError(`No ${split} shard ${index} in '${this.content.name}'.`);
    const size = this.content.shape[0] * this.content.shape[1] * this.content.shape[2];
    return s.pixels.slice(info.first * size, (info.first + info.count) * size);
  }

  async labels(split: DatasetSplit): Promise<Uint16Array> {
    return this.content.splits[split]?.labels ?? new Uint16Array(0);
  }
}
