import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeLabels, DatasetError, importDataset, readLabels, readShard } from '../../../main/services/datasets/index';
import { parseIdx } from '../../../main/services/datasets/idx';
import { layout } from '../../../main/services/data-folder';
import { FASHION_MNIST, idxBytes, tempFolder, writeIdx } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let root: string;
beforeEach(async () => {
  work = await tempFolder();
  root = join(work.path, 'data');
});
afterEach(() => work.cleanup());

describe('IDX headers', () => {
  it('rejects a wrong magic number, quoting it', () => {
    const bytes = idxBytes([2, 2, 2], new Uint8Array(8));
    bytes[0] = 0x50;
    bytes[1] = 0x4b;
    expect(() => parseIdx(bytes, '/x/train-images-idx3-ubyte')).toThrow(/'train-images-idx3-ubyte' is not an IDX file: its magic number is 50 4b 08 03/);
  });

  it('rejects a non-byte element type, naming it', () => {
    expect(() => parseIdx(idxBytes([2], new Uint8Array(8), 0x0d), 'labels')).toThrow(/holds float \(0xd\) values/);
  });

  it('rejects a wrong number of dimensions for labels', () => {
    expect(() => parseIdx(idxBytes([2, 2], new Uint8Array(4)), 'train-labels', 1)).toThrow(/has 2 dimensions in its header; expected 1/);
  });

  it('rejects a zero sample dimension', () => {
    expect(() => parseIdx(idxBytes([2, 0, 3], new Uint8Array(0)), 'imgs')).toThrow(/declares dimensions 2 × 0 × 3/);
  });

  it('rejects truncated data with both counts', () => {
    const bytes = idxBytes([3, 2, 2], new Uint8Array(12)).subarray(0, 16 + 5);
    expect(() => parseIdx(bytes, 'imgs')).toThrow(/truncated: its header declares 3 × 2 × 2 = 12 values, but only 5 bytes follow/);
  });

  it('rejects a file cut inside its header', () => {
    expect(() => parseIdx(idxBytes([3, 2, 2], new Uint8Array(12)).subarray(0, 9), 'imgs')).toThrow(/truncated inside its header/);
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array([...idxBytes([2], [0, 1]), 9, 9]);
    expect(() => parseIdx(bytes, 'labels')).toThrow(/2 bytes after/);
  });
});

describe('IDX import', () => {
  it('imports raw and gzipped files with the same content hash, using the t10k split as test', async () => {
    await writeIdx(join(work.path, 'raw'), { train: 60, test: 15, classes: 3 });
    await writeIdx(join(work.path, 'gz'), { train: 60, test: 15, classes: 3, gzip: true });
    const raw = await importDataset(root, { path: join(work.path, 'raw'), name: 'raw', seed: 5 });
    const gz = await importDataset(root, { path: join(work.path, 'gz'), name: 'gz', seed: 5 });
    expect(raw.manifest.source).toMatchObject({ format: 'idx', test: 'source' });
    expect(raw.manifest.shape).toEqual([1, 4, 5]);
    expect(raw.manifest.counts).toEqual({ train: 54, val: 6, test: 15 });
    expect(raw.manifest.classCounts.val).toEqual([2, 2, 2]);
    expect(raw.manifest.classes).toEqual(['0', '1', '2']);
    expect(gz.manifest.contentHash).toBe(raw.manifest.contentHash);
  });

  it('refuses image and label counts that disagree, naming both files', async () => {
    const folder = join(work.path, 'bad');
    await writeIdx(folder, { train: 10 });
    await writeFile(join(folder, 'train-labels-idx1-ubyte'), idxBytes([9], new Uint8Array(9)));
    await expect(importDataset(root, { path: folder, name: 'bad' })).rejects.toThrow(
      /'train-images-idx3-ubyte' holds 10 images but 'train-labels-idx1-ubyte' holds 9 labels/,
    );
    expect(existsSync(layout.datasets(root))).toBe(false);
  });

  it('refuses a truncated gzip file', async () => {
    const folder = join(work.path, 'cut');
    await writeIdx(folder, { train: 50, gzip: true });
    const file = join(folder, 'train-images-idx3-ubyte.gz');
    const bytes = readFileSync(file);
    await writeFile(file, bytes.subarray(0, bytes.length >> 1));
    const error = await importDataset(root, { path: folder, name: 'cut' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/train-images-idx3-ubyte.gz' looks gzipped but cannot be decompressed/);
  });

  it('names the missing file when a folder has no labels', async () => {
    const folder = join(work.path, 'half');
    await writeIdx(folder, { train: 5 });
    await rm(join(folder, 'train-labels-idx1-ubyte'));
    await expect(importDataset(root, { path: folder, name: 'half', format: 'idx' })).rejects.toThrow(/has no train labels IDX file/);
  });

  it('resizes and converts channels when asked, and says so', async () => {
    await writeIdx(join(work.path, 'src'), { train: 20, classes: 2, h: 8, w: 8 });
    const { manifest } = await importDataset(root, { path: join(work.path, 'src'), name: 'big', size: [12, 10], channels: 3 });
    expect(manifest.shape).toEqual([3, 12, 10]);
    expect(manifest.preprocessing.resize).toBe('cover-centre-crop');
    expect(manifest.preprocessing.description).toMatch(/resized from 8×8 to 12×10.*grey copied to 3 channels/);
    const shard = await readShard(root, 'big', 'train', 0);
    expect(shard.length).toBe(manifest.counts.train * 3 * 12 * 10);
    // Grey copied to 3 channels: the planes of the first sample are equal.
    const plane = 12 * 10;
    expect([...shard.subarray(plane, 2 * plane)]).toEqual([...shard.subarray(0, plane)]);
  });
});

describe.skipIf(!existsSync(FASHION_MNIST))(`the real Fashion-MNIST (${FASHION_MNIST})`, () => {
  it('imports all 70,000 images: 54,000/6,000 stratified train/val and the 10,000 t10k test images, none lost', async () => {
    const { manifest } = await importDataset(root, { path: FASHION_MNIST, name: 'fashion-mnist' });
    expect(manifest.counts).toEqual({ train: 54000, val: 6000, test: 10000 });
    expect(manifest.classes[9]).toBe('Ankle boot');
    expect(manifest.classCounts.train).toEqual(new Array(10).fill(5400));
    expect(manifest.classCounts.test).toEqual(new Array(10).fill(1000));
    // The test split is the t10k file, reordered: same multiset of pixels and labels.
    const t10k = gunzipSync(readFileSync(join(FASHION_MNIST, 't10k-images-idx3-ubyte.gz'))).subarray(16);
    const test = await readShard(root, 'fashion-mnist', 'test', 0);
    const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    expect(test.length).toBe(t10k.length);
    expect(sum(test)).toBe(sum(t10k));
    const labels = decodeLabels(await readLabels(root, 'fashion-mnist', 'test'));
    const firstImage = t10k.subarray(0, 784);
    const sourceLabel = gunzipSync(readFileSync(join(FASHION_MNIST, 't10k-labels-idx1-ubyte.gz')))[8];
    let found = -1;
    for (let i = 0; i < 10000 && found < 0; i++) if (Buffer.compare(test.subarray(i * 784, (i + 1) * 784), firstImage) === 0) found = i;
    expect(found).toBeGreaterThanOrEqual(0);
    expect(labels[found]).toBe(sourceLabel);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });
});
