// CIFAR-10 / CIFAR-100 binary: fixed-size records of label byte(s) then 3×32×32 channel-planar pixels.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatasetError } from './errors';
import { CIFAR10_CLASSES, numericClassNames, type RawSamples, type ReadOptions, type SourceData } from './source';

const PIXELS = 3 * 32 * 32;

interface CifarLayout {
  variant: 10 | 100;
  train: string[];
  test: string[];
  folder: string;
  names: string[];
}

async function listFolder(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    throw new DatasetError('dataset-source', `Cannot read the CIFAR folder '${folder}': ${(error as Error).message}.`);
  }
}

/** Finds the batch files: CIFAR-10 data_batch_N.bin + test_batch.bin, or CIFAR-100 train.bin + test.bin; also one folder down. */
async function findLayout(folder: string): Promise<CifarLayout> {
  const names = await listFolder(folder);
  const batches = names.filter((n) => /^data_batch_\d+\.bin$/.test(n)).sort();
  if (batches.length > 0) {
    return { variant: 10, folder, train: batches.map((n) => join(folder, n)), test: names.includes('test_batch.bin') ? [join(folder, 'test_batch.bin')] : [], names };
  }
  if (names.includes('train.bin')) {
    return { variant: 100, folder, train: [join(folder, 'train.bin')], test: names.includes('test.bin') ? [join(folder, 'test.bin')] : [], names };
  }
  for (const sub of names.filter((n) => /^cifar-1?0?0?-?.*bin/i.test(n))) {
    if ((await stat(join(folder, sub))).isDirectory()) return findLayout(join(folder, sub));
  }
  throw new DatasetError(
    'dataset-source',
    `'${folder}' holds no CIFAR binary batches; expected data_batch_1.bin … and test_batch.bin (CIFAR-10) or train.bin and test.bin (CIFAR-100).`,
  );
}

async function readNames(folder: string, names: string[], file: string): Promise<string[] | undefined> {
  if (!names.includes(file)) return undefined;
  const text = await readFile(join(folder, file), 'utf8');
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines.length > 0 ? lines : undefined;
}

/** Parses CIFAR records; CIFAR-100 records carry a coarse then a fine label, of which the fine one is used. */
export function parseCifar(buffers: { path: string; bytes: Uint8Array }[], variant: 10 | 100): RawSamples {
  const labelBytes = variant === 10 ? 1 : 2;
  const record = labelBytes + PIXELS;
  let count = 0;
  for (const { path, bytes } of buffers) {
    if (bytes.length === 0 || bytes.length % record !== 0) {
      throw new DatasetError(
        'dataset-source',
        `'${basename(path)}' is ${bytes.length} bytes, not a whole number of ${record}-byte CIFAR-${variant} records; the file is truncated or not CIFAR-${variant}.`,
      );
    }
    count += bytes.length / record;
  }
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Int32Array(count);
  let n = 0;
  for (const { path, bytes } of buffers) {
    for (let offset = 0; offset < bytes.length; offset += record, n++) {
      const label = bytes[offset + labelBytes - 1]!;
      if (label >= variant) {
        throw new DatasetError('dataset-source', `Record ${offset / record} of '${basename(path)}' has label ${label}; CIFAR-${variant} labels go from 0 to ${variant - 1}.`);
      }
      labels[n] = label;
      pixels.set(bytes.subarray(offset + labelBytes, offset + record), n * PIXELS);
    }
  }
  return { kind: 'raw', shape: [3, 32, 32], pixels, labels, count };
}

export async function readCifar(folder: string, options: ReadOptions = {}): Promise<SourceData> {
  const layout = await findLayout(folder);
  const load = async (paths: string[]) => Promise.all(paths.map(async (path) => ({ path, bytes: new Uint8Array(await readFile(path)) })));
  const train = parseCifar(await load(layout.train), layout.variant);
  const test = layout.test.length > 0 ? parseCifar(await load(layout.test), layout.variant) : undefined;
  let classes: string[];
  if (options.classNames) classes = numericClassNames(layout.variant, options.classNames, `'${folder}'`);
  else if (layout.variant === 10) classes = (await readNames(layout.folder, layout.names, 'batches.meta.txt')) ?? CIFAR10_CLASSES.slice();
  else classes = (await readNames(layout.folder, layout.names, 'fine_label_names.txt')) ?? numericClassNames(100, undefined, folder);
  if (classes.length < layout.variant) {
    throw new DatasetError('dataset-source', `The class-name file in '${layout.folder}' lists ${classes.length} names; CIFAR-${layout.variant} needs ${layout.variant}.`);
  }
  return { format: 'cifar', classes: classes.slice(0, layout.variant), train, test, skipped: [] };
}
