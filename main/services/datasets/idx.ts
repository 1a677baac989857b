// IDX (MNIST, Fashion-MNIST): big-endian header, then uint8 data. Files may be gzipped or raw.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { DatasetError } from './errors';
import { FASHION_MNIST_CLASSES, numericClassNames, type RawSamples, type ReadOptions, type SourceData } from './source';

const gunzip = promisify(gunzipCallback);

const IDX_TYPES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Reads a file, gunzipping it when it starts with the gzip magic. */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  const bytes = await readFile(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return await gunzip(bytes);
    } catch (error) {
      throw new DatasetError('dataset-source', `'${path}' looks gzipped but cannot be decompressed (${(error as Error).message}); the download is probably incomplete.`);
    }
  }
  return bytes;
}

/** Parses one IDX array of unsigned bytes; every header problem is an error naming the file and quoting the value. */
export function parseIdx(bytes: Uint8Array, path: string, expectedDims?: number): IdxArray {
  const name = basename(path);
  if (bytes.length < 4) throw new DatasetError('dataset-source', `'${name}' is ${bytes.length} bytes long, too short for an IDX header.`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DatasetError('dataset-source', `'${name}' is not an IDX file: its magic number is ${magic}, but IDX files start with 00 00.`);
  }
  const type = bytes[2]!;
  if (type !== 0x08) {
    const described = IDX_TYPES[type] ? `${IDX_TYPES[type]} (0x${type.toString(16)})` : `0x${type.toString(16).padStart(2, '0')}, which is not an IDX type`;
    throw new DatasetError('dataset-source', `'${name}' holds ${described} values; only unsigned-byte IDX files (type 0x08) can be imported.`);
  }
  const rank = bytes[3]!;
  if (expectedDims !== undefined && rank !== expectedDims) {
    throw new DatasetError('dataset-source', `'${name}' has ${rank} dimensions in its header; expected ${expectedDims} (${expectedDims === 3 ? 'count × height × width' : 'count'}).`);
  }
  if (rank === 0) throw new DatasetError('dataset-source', `'${name}' declares 0 dimensions in its header.`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new DatasetError('dataset-source', `'${name}' is truncated inside its header (${bytes.length} bytes; the header alone needs ${headerBytes}).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (dims.slice(1).some((d) => d === 0 || d > 65536)) {
    throw new DatasetError('dataset-source', `'${name}' declares dimensions ${dims.join(' × ')}; each sample dimension must be from 1 to 65536.`);
  }
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual < expected) {
    throw new DatasetError('dataset-source', `'${name}' is truncated: its header declares ${dims.join(' × ')} = ${expected} values, but only ${actual} bytes follow.`);
  }
  if (actual > expected) {
    throw new DatasetError('dataset-source', `'${name}' has ${actual - expected} bytes after the ${dims.join(' × ')} values its header declares; the file is corrupt or not IDX.`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

interface IdxPair {
  images: string;
  labels: string;
}

/** Finds train (and t10k/test) image/label files in a folder, by the usual MNIST names, gzipped or not. */
async function findIdxFiles(folder: string): Promise<{ train: IdxPair; test?: IdxPair }> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new DatasetError('dataset-source', `Cannot read the IDX folder '${folder}': ${(error as Error).message}.`);
  }
  const find = (set: RegExp, kind: 'images' | 'labels'): string | undefined => {
    const re = new RegExp(`^${set.source}.*${kind}.*idx${kind === 'images' ? 3 : 1}[-.]ubyte(\\.gz)?$`, 'i');
    const hits = names.filter((n) => re.test(n)).sort((a, b) => a.length - b.length);
    return hits[0] === undefined ? undefined : join(folder, hits[0]);
  };
  const trainImages = find(/train/, 'images');
  const trainLabels = find(/train/, 'labels');
  if (!trainImages || !trainLabels) {
    throw new DatasetError(
      'dataset-source',
      `'${folder}' has no ${trainImages ? 'train labels' : 'train images'} IDX file; expected files named like train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz).`,
    );
  }
  const testImages = find(/(t10k|test)/, 'images');
  const testLabels = find(/(t10k|test)/, 'labels');
  if ((testImages === undefined) !== (testLabels === undefined)) {
    throw new DatasetError('dataset-source', `'${folder}' has test ${testImages ? 'images' : 'labels'} but no matching test ${testImages ? 'labels' : 'images'} file.`);
  }
  return { train: { images: trainImages, labels: trainLabels }, test: testImages && testLabels ? { images: testImages, labels: testLabels } : undefined };
}

async function readPair(pair: IdxPair): Promise<RawSamples> {
  const [imageBytes, labelBytes] = await Promise.all([readMaybeGzip(pair.images), readMaybeGzip(pair.labels)]);
  const images = parseIdx(imageBytes, pair.images);
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new DatasetError('dataset-source', `'${basename(pair.images)}' has ${images.dims.length} dimensions (${images.dims.join(' × ')}); image files need 3 (count × height × width).`);
  }
  const labels = parseIdx(labelBytes, pair.labels, 1);
  const count = images.dims[0]!;
  if (labels.dims[0] !== count) {
    throw new DatasetError(
      'dataset-source',
      `'${basename(pair.images)}' holds ${count} images but '${basename(pair.labels)}' holds ${labels.dims[0]} labels; the counts must agree.`,
    );
  }
  if (images.dims.length === 4 && images.dims[3] !== 1 && images.dims[3] !== 3) {
    throw new DatasetError('dataset-source', `'${basename(pair.images)}' has ${images.dims[3]} channels; expected 1 or 3.`);
  }
  const [, height, width, channels = 1] = images.dims as [number, number, number, number?];
  let pixels = images.data;
  if (channels === 3) pixels = interleavedToPlanar(pixels, count, height, width, 3);
  return { kind: 'raw', shape: [channels, height, width], pixels, labels: Int32Array.from(labels.data), count };
}

export function interleavedToPlanar(pixels: Uint8Array, count: number, height: number, width: number, channels: number): Uint8Array {
  const out = new Uint8Array(pixels.length);
  const plane = height * width;
  for (let n = 0; n < count; n++) {
    const base = n * plane * channels;
    for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[base + c * plane + p] = pixels[base + p * channels + c]!;
  }
  return out;
}

export async function readIdx(folder: string, options: ReadOptions = {}): Promise<SourceData> {
  const files = await findIdxFiles(folder);
  const [train, test] = await Promise.all([readPair(files.train), files.test ? readPair(files.test) : Promise.resolve(undefined)]);
  if (test && test.shape.join() !== train.shape.join()) {
    throw new DatasetError('dataset-source', `The test images in '${folder}' are ${test.shape.join('×')} but the training images are ${train.shape.join('×')}.`);
  }
  let maxLabel = 0;
  for (const set of [train, test]) if (set) for (const label of set.labels) if (label > maxLabel) maxLabel = label;
  const classCount = maxLabel + 1;
  const looksFashion = /fashion/i.test(folder) && classCount === 10;
  const classes = options.classNames !== undefined || !looksFashion ? numericClassNames(classCount, options.classNames, `'${folder}'`) : FASHION_MNIST_CLASSES.slice();
  return { format: 'idx', classes, train, test, skipped: [] };
}
