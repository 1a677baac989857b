// The import pipeline: read the source, split, convert, write shards into a temp folder under <data>/tmp, then
// rename it into <data>/datasets/<name>. Until that rename nothing is visible; on any failure the temp folder goes.
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Hash } from 'node:crypto';
import type {
  DatasetFormat,
  DatasetImportRequest,
  DatasetImportResult,
  DatasetManifest,
  DatasetSplit,
  ShardInfo,
  SkippedFile,
} from '../../../preload/types/datasets';
import { layout } from '../data-folder';
import { readCifar } from './cifar';
import { readCsv } from './csv';
import { chooseTarget, defaultConcurrency, orderedPool, SampleConverter } from './decode';
import { nodeDisk, tempName, type Disk } from './disk';
import { DatasetError, isErrno } from './errors';
import { readImageFolder } from './folder';
import { readIdx } from './idx';
import { validateDatasetName } from './names';
import { seededRandom, shuffleInPlace, stratifiedSplit } from './random';
import type { SampleSet, SourceData } from './source';
import { cleanupStaleTemp, datasetDir, exists, FORMAT_VERSION, labelFileName, MANIFEST, shardFileName, startContentHash } from './store';

export const DEFAULT_SHARD_BYTES = 64 * 1024 * 1024;
const DEFAULTS = { val: 0.1, test: 0.1, seed: 1 };

export interface ImportProgress {
  fraction: number;
  message: string;
}

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Substitutable file writes (tests simulate a full disk through it). */
  disk?: Disk;
  concurrency?: number;
  /** Upper bound on one shard file's size. */
  shardBytes?: number;
}

/** Guesses the format from what is at `path`. */
export async function detectFormat(path: string): Promise<DatasetFormat> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DatasetError('dataset-source', `Cannot import '${path}': ${isErrno(error, 'ENOENT') ? 'there is no such file or folder' : (error as Error).message}.`);
  }
  if (info.isFile()) {
    if (/\.csv$/i.test(path)) return 'csv';
    throw new DatasetError('dataset-source', `Cannot tell the format of the file '${path}'; give a folder (IDX, CIFAR binary, class sub-folders) or a .csv file, or name the format.`);
  }
  const names = await readdir(path);
  if (names.some((n) => /idx3[-.]ubyte(\.gz)?$/i.test(n))) return 'idx';
  if (names.some((n) => /^(data_batch_\d+|train|test_batch)\.bin$/.test(n) || /^cifar-.*-bin$/i.test(n))) return 'cifar';
  if (names.some((n) => /^train\.csv$/i.test(n))) return 'csv';
  return 'folder';
}

function readSource(format: DatasetFormat, path: string, request: DatasetImportRequest, signal?: AbortSignal): Promise<SourceData> {
  const options = { classNames: request.classNames, signal };
  switch (format) {
    case 'idx':
      return readIdx(path, options);
    case 'cifar':
      return readCifar(path, options);
    case 'csv':
      return readCsv(path, options);
    case 'folder':
      return readImageFolder(path, options);
    default:
      throw new DatasetError('dataset-options', `Format ${JSON.stringify(format)} is not one of idx, folder, cifar, csv.`);
  }
}

function checkRequest(request: DatasetImportRequest): { val: number; test: number; seed: number } {
  const val = request.val ?? DEFAULTS.val;
  const test = request.test ?? DEFAULTS.test;
  const seed = request.seed ?? DEFAULTS.seed;
  for (const [field, value] of [['val', val], ['test', test]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
      throw new DatasetError('dataset-options', `The ${field} fraction must be a number from 0 up to (not including) 1; got ${JSON.stringify(value)}.`);
    }
  }
  if (val + test >= 1) throw new DatasetError('dataset-options', `The val (${val}) and test (${test}) fractions add up to 1 or more; nothing would be left to train on.`);
  if (!Number.isSafeInteger(seed)) throw new DatasetError('dataset-options', `The seed must be a whole number; got ${JSON.stringify(seed)}.`);
  if (request.size !== undefined) {
    const ok = Array.isArray(request.size) && request.size.length === 2 && request.size.every((n) => Number.isInteger(n) && n >= 1 && n <= 4096);
    if (!ok) throw new DatasetError('dataset-options', `The size must be [height, width] with whole numbers from 1 to 4096; got ${JSON.stringify(request.size)}.`);
  }
  if (request.channels !== undefined && request.channels !== 1 && request.channels !== 3) {
    throw new DatasetError('dataset-options', `Channels must be 1 or 3; got ${JSON.stringify(request.channels)}.`);
  }
  return { val, test, seed };
}

/** A reference to one source sample: which set (0 train, 1 test) and its index there. */
interface Pick {
  set: number;
  index: number;
}

/** Seeded stratified splits. The source's test set is used as is; otherwise test is carved out like val. */
function planSplits(source: SourceData, fractions: { val: number; test: number; seed: number }): Record<DatasetSplit, Pick[]> {
  const random = seededRandom(fractions.seed);
  const all = Array.from({ length: source.train.count }, (_, i) => i);
  let pool = all;
  let test: Pick[];
  if (source.test) {
    test = Array.from({ length: source.test.count }, (_, i) => ({ set: 1, index: i }));
  } else {
    const carved = stratifiedSplit(source.train.labels, all, fractions.test, random);
    pool = carved.kept;
    test = carved.taken.map((index) => ({ set: 0, index }));
  }
  const { kept, taken } = stratifiedSplit(source.train.labels, pool, fractions.val, random);
  const order = (picks: Pick[]) => {
    const positions = shuffleInPlace(Array.from({ length: picks.length }, (_, i) => i), random);
    return positions.map((p) => picks[p]!);
  };
  return {
    train: order(kept.map((index) => ({ set: 0, index }))),
    val: order(taken.map((index) => ({ set: 0, index }))),
    test: order(test),
  };
}

/** Packs one split's samples into fixed-size shards, written through `disk`, feeding the content hash. */
class SplitWriter {
  readonly shards: ShardInfo[] = [];
  private readonly labels: number[] = [];
  private readonly buffer: Uint8Array;
  private filled = 0;

  constructor(
    private readonly dir: string,
    private readonly split: DatasetSplit,
    private readonly sampleBytes: number,
    private readonly perShard: number,
    expected: number,
    private readonly disk: Disk,
    private readonly hash: Hash,
  ) {
    this.buffer = new Uint8Array(Math.max(1, Math.min(perShard, expected)) * sampleBytes);
  }

  get count(): number {
    return this.labels.length;
  }

  classCounts(classes: number): number[] {
    const counts = new Array<number>(classes).fill(0);
    for (const label of this.labels) counts[label]! += 1;
    return counts;
  }

  async add(sample: Uint8Array, label: number): Promise<void> {
    this.buffer.set(sample, this.filled * this.sampleBytes);
    this.filled += 1;
    this.labels.push(label);
    if (this.filled === this.perShard) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.filled === 0) return;
    const index = this.shards.length;
    const file = shardFileName(this.split, index);
    const bytes = this.buffer.subarray(0, this.filled * this.sampleBytes);
    this.hash.update(bytes);
    await this.disk.writeFile(join(this.dir, file), bytes);
    this.shards.push({ split: this.split, index, file, first: this.labels.length - this.filled, count: this.filled, bytes: bytes.length });
    this.filled = 0;
  }

  async finish(): Promise<string> {
    await this.flush();
    const labels = new Uint8Array(this.labels.length * 2);
    const view = new DataView(labels.buffer);
    this.labels.forEach((label, i) => view.setUint16(2 * i, label, true));
    this.hash.update(labels);
    const file = labelFileName(this.split);
    await this.disk.writeFile(join(this.dir, file), labels);
    return file;
  }
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const cancelled = () => new DatasetError('dataset-cancelled', 'The import was cancelled; nothing was added.');

/** Imports `request.path` as dataset `request.name`. Nothing is visible in the store until it has all succeeded. */
export async function importDataset(root: string, request: DatasetImportRequest, options: ImportOptions = {}): Promise<DatasetImportResult> {
  const startedAt = performance.now();
  const job = request.job ?? randomUUID();
  const disk = options.disk ?? nodeDisk;
  const { signal } = options;
  const name = validateDatasetName(request.name);
  const fractions = checkRequest(request);
  const finalDir = datasetDir(root, name);
  if (!request.replace && (await exists(finalDir))) {
    throw new DatasetError('dataset-exists', `A dataset named '${name}' already exists; choose another name or ask to replace it.`);
  }
  await cleanupStaleTemp(root);

  let lastReport = 0;
  const report = (fraction: number, message: string, force = false) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastReport < 100)) return;
    lastReport = now;
    options.onProgress({ fraction: Math.min(1, Math.max(0, fraction)), message });
  };
  report(0, `Reading '${basename(request.path)}'…`, true);
  const format = request.format ?? (await detectFormat(request.path));
  const source = await readSource(format, request.path, request, signal).catch((error: unknown) => {
    if (signal?.aborted) throw cancelled();
    if (isErrno(error, 'ENOENT')) throw new DatasetError('dataset-source', `Cannot import '${request.path}': there is no such file or folder.`);
    throw error;
  });
  if (signal?.aborted) throw cancelled();
  const sets: SampleSet[] = source.test ? [source.train, source.test] : [source.train];
  const target = await chooseTarget(sets, { size: request.size, channels: request.channels });
  const converters = sets.map((set) => new SampleConverter(set, target.shape, target.route));
  const sampleBytes = converters[0]!.sampleBytes;
  const perShard = Math.max(1, Math.floor((options.shardBytes ?? DEFAULT_SHARD_BYTES) / sampleBytes));
  const plan = planSplits(source, fractions);
  const total = plan.train.length + plan.val.length + plan.test.length;
  const concurrency = options.concurrency ?? defaultConcurrency();
  const skipped: SkippedFile[] = [...source.skipped];
  /** Skipped files are named relative to the source folder (the CSV's folder for a CSV file). */
  const describePath = (path: string) => {
    const base = format === 'csv' && /\.csv$/i.test(request.path) ? dirname(request.path) : request.path;
    const rel = relative(base, path);
    return rel === '' || rel.startsWith('..') ? path : rel;
  };

  const tmpRoot = layout.tmp(root);
  const workDir = join(tmpRoot, tempName('import'));
  try {
    await disk.mkdir(workDir);
    const hash = startContentHash(target.shape, source.classes);
    const writers = {} as Record<DatasetSplit, SplitWriter>;
    const labelFiles = {} as Record<DatasetSplit, string>;
    let done = 0;
    for (const split of ['train', 'val', 'test'] as const) {
      const picks = plan[split];
      const writer = new SplitWriter(workDir, split, sampleBytes, perShard, picks.length, disk, hash);
      writers[split] = writer;
      const progress = () => report(0.02 + 0.96 * (done / total), `Writing ${split}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} samples`);
      const direct = picks.every((p) => converters[p.set]!.direct);
      if (direct) {
        for (const pick of picks) {
          await writer.add(converters[pick.set]!.direct!(pick.index), sets[pick.set]!.labels[pick.index]!);
          done += 1;
          if ((done & 1023) === 0) {
            // Let IPC and other requests through: in Electron this loop runs on the main process's only thread.
            await yieldToEventLoop();
            if (signal?.aborted) throw cancelled();
            progress();
          }
        }
      } else {
        await orderedPool(
          picks.length,
          concurrency,
          (i) => converters[picks[i]!.set]!.convert(picks[i]!.index),
          async (i, result) => {
            const pick = picks[i]!;
            const set = sets[pick.set]!;
            done += 1;
            if (result.ok) await writer.add(result.value, set.labels[pick.index]!);
            else {
              const path = set.kind === 'files' ? describePath(set.paths[pick.index]!) : `sample ${pick.index}`;
              skipped.push({ path, reason: (result.error as Error).message ?? String(result.error) });
            }
            progress();
          },
          signal,
        );
        if (signal?.aborted) throw cancelled();
      }
      labelFiles[split] = await writer.finish();
    }
    if (signal?.aborted) throw cancelled();

    const classCounts = { train: writers.train.classCounts(source.classes.length), val: writers.val.classCounts(source.classes.length), test: writers.test.classCounts(source.classes.length) };
    if (writers.train.count === 0) {
      throw new DatasetError('dataset-source', `No sample of '${request.path}' could be read${skipped.length ? ` (${skipped.length} unreadable, e.g. '${skipped[0]!.path}': ${skipped[0]!.reason})` : ''}.`);
    }
    if (sets.some((s) => s.kind === 'files')) {
      const empty = source.classes.filter((_, c) => classCounts.train[c]! + classCounts.val[c]! + classCounts.test[c]! === 0);
      if (empty.length > 0) {
        throw new DatasetError('dataset-source', `Class '${empty[0]}' has no readable image (all ${skipped.length} unreadable files are listed in the import report); add images or remove the class.`);
      }
    }
    const manifest: DatasetManifest = {
      formatVersion: FORMAT_VERSION,
      name,
      shape: target.shape,
      classes: source.classes,
      counts: { train: writers.train.count, val: writers.val.count, test: writers.test.count },
      classCounts,
      samplesPerShard: perShard,
      shards: [...writers.train.shards, ...writers.val.shards, ...writers.test.shards],
      labelFiles,
      labelEncoding: 'uint16le',
      contentHash: hash.digest('hex'),
      source: { format, path: request.path, test: source.test ? 'source' : 'split' },
      split: { seed: fractions.seed, val: fractions.val, test: source.test ? 0 : fractions.test, stratified: true },
      preprocessing: target.preprocessing,
      skipped,
      importedAt: new Date().toISOString(),
      importSeconds: Math.round((performance.now() - startedAt) / 10) / 100,
    };
    await disk.writeFile(join(workDir, MANIFEST), JSON.stringify(manifest, null, 1));
    report(0.99, 'Finishing…', true);
    await commit(root, workDir, finalDir, name, request.replace === true, disk);
    report(1, `Imported ${total - (skipped.length - source.skipped.length)} samples as '${name}'.`, true);
    return { job, manifest, seconds: (performance.now() - startedAt) / 1000 };
  } catch (error) {
    await nodeDisk.rm(workDir).catch(() => undefined);
    if (signal?.aborted) throw cancelled();
    if (isErrno(error, 'ENOSPC', 'EDQUOT')) {
      throw new DatasetError('dataset-disk', `The disk holding '${root}' is full; free some space and import again. Nothing was added and existing datasets are untouched.`);
    }
    throw error;
  }
}

/** One rename makes the finished folder visible. Replacing moves the old one aside first and back on failure. */
async function commit(root: string, workDir: string, finalDir: string, name: string, replace: boolean, disk: Disk): Promise<void> {
  await disk.mkdir(layout.datasets(root));
  let aside: string | undefined;
  if (await exists(finalDir)) {
    if (!replace) throw new DatasetError('dataset-exists', `A dataset named '${name}' appeared while importing; choose another name or ask to replace it.`);
    aside = join(layout.tmp(root), tempName('trash'));
    await disk.rename(finalDir, aside);
  }
  try {
    await disk.rename(workDir, finalDir);
  } catch (error) {
    if (aside) await disk.rename(aside, finalDir);
    if (isErrno(error, 'ENOTEMPTY', 'EEXIST')) throw new DatasetError('dataset-exists', `A dataset named '${name}' appeared while importing; choose another name or ask to replace it.`);
    throw error;
  }
  if (aside) await disk.rm(aside);
}

/** The running imports of one process, so a cancel call can reach them by job id. */
export class ImportJobs {
  private readonly running = new Map<string, AbortController>();

  start(job: string): { signal: AbortSignal; end: () => void } {
    if (this.running.has(job)) throw new DatasetError('dataset-options', `An import with job id '${job}' is already running; use another id.`);
    const controller = new AbortController();
    this.running.set(job, controller);
    return { signal: controller.signal, end: () => this.running.delete(job) };
  }

  /** True when the job was running (it stops at its next check and removes its temp folder). */
  cancel(job: string): boolean {
    const controller = this.running.get(job);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  get active(): string[] {
    return [...this.running.keys()];
  }
}
