import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layout } from '../../../main/services/data-folder';
import { decodeLabels, detectFormat, importDataset, readLabels, readShard } from '../../../main/services/datasets/index';
import { cifarBytes, imageFile, patternSample, tempFolder } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let root: string;
beforeEach(async () => {
  work = await tempFolder();
  root = join(work.path, 'data');
});
afterEach(() => work.cleanup());

const cycle = (count: number, classes: number) => Array.from({ length: count }, (_, i) => i % classes);

describe('CIFAR binary', () => {
  it('imports CIFAR-10 batches with names from batches.meta.txt and test_batch as the test split', async () => {
    const folder = join(work.path, 'cifar-10-batches-bin');
    await mkdir(folder);
    await writeFile(join(folder, 'data_batch_1.bin'), cifarBytes(cycle(30, 10), 10));
    await writeFile(join(folder, 'data_batch_2.bin'), cifarBytes(cycle(20, 10), 10, 30));
    await writeFile(join(folder, 'test_batch.bin'), cifarBytes(cycle(10, 10), 10, 1000));
    await writeFile(join(folder, 'batches.meta.txt'), 'plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
    expect(await detectFormat(work.path)).toBe('cifar');
    const { manifest } = await importDataset(root, { path: work.path, name: 'c10', val: 0.2 });
    expect(manifest.shape).toEqual([3, 32, 32]);
    expect(manifest.classes[0]).toBe('plane');
    expect(manifest.counts).toEqual({ train: 40, val: 10, test: 10 });
    expect(manifest.source.test).toBe('source');
    // The stored bytes are the records' pixels: find test sample k (label k) by its pattern.
    const shard = await readShard(root, 'c10', 'test', 0);
    const labels = decodeLabels(await readLabels(root, 'c10', 'test'));
    const position = [...labels].indexOf(3);
    expect([...shard.subarray(position * 3072, (position + 1) * 3072)]).toEqual([...patternSample(1003, 3, 3072)]);
  });

  it('imports CIFAR-100 using the fine label', async () => {
    await writeFile(join(work.path, 'train.bin'), cifarBytes(cycle(200, 100), 100));
    await writeFile(join(work.path, 'test.bin'), cifarBytes(cycle(100, 100), 100, 500));
    const { manifest } = await importDataset(root, { path: work.path, name: 'c100', format: 'cifar', val: 0 });
    expect(manifest.classes.length).toBe(100);
    expect(manifest.classCounts.train.every((n) => n === 2)).toBe(true);
    expect(manifest.counts.test).toBe(100);
  });

  it('refuses a truncated batch, naming it and the record size', async () => {
    await writeFile(join(work.path, 'data_batch_1.bin'), cifarBytes(cycle(3, 10), 10).subarray(0, 3073 * 2 + 100));
    await expect(importDataset(root, { path: work.path, name: 'x' })).rejects.toThrow(/'data_batch_1.bin' is 6246 bytes, not a whole number of 3073-byte CIFAR-10 records/);
    expect(existsSync(layout.datasets(root))).toBe(false);
  });

  it('refuses an out-of-range label, quoting it', async () => {
    const bytes = cifarBytes(cycle(3, 10), 10);
    bytes[3073] = 12;
    await writeFile(join(work.path, 'data_batch_1.bin'), bytes);
    await expect(importDataset(root, { path: work.path, name: 'x' })).rejects.toThrow(/Record 1 of 'data_batch_1.bin' has label 12; CIFAR-10 labels go from 0 to 9/);
  });
});

describe('CSV', () => {
  it('imports label + pixel columns with a header, and a test.csv beside train.csv', async () => {
    const row = (label: number, i: number) => [label, ...patternSample(i, label, 16)].join(',');
    const header = ['label', ...Array.from({ length: 16 }, (_, i) => `pixel${i + 1}`)].join(',');
    await writeFile(join(work.path, 'train.csv'), [header, ...cycle(40, 4).map((l, i) => row(l, i))].join('\r\n') + '\r\n');
    await writeFile(join(work.path, 'test.csv'), [header, ...cycle(8, 4).map((l, i) => row(l, 100 + i))].join('\n'));
    const { manifest } = await importDataset(root, { path: work.path, name: 'csv', classNames: ['a', 'b', 'c', 'd', 'e'] });
    expect(manifest.source.format).toBe('csv');
    expect(manifest.shape).toEqual([1, 4, 4]);
    expect(manifest.classes).toEqual(['a', 'b', 'c', 'd']);
    expect(manifest.counts).toEqual({ train: 36, val: 4, test: 8 });
    const labels = decodeLabels(await readLabels(root, 'csv', 'test'));
    const shard = await readShard(root, 'csv', 'test', 0);
    for (let k = 0; k < 8; k++) expect((shard[k * 16 + 3]! - shard[k * 16 + 2]! + 256) % 256).toBe(labels[k]! + 1);
  });

  it('imports path + label rows, with class names from the labels, skipping unreadable images', async () => {
    await mkdir(join(work.path, 'img'));
    const lines = ['path,label'];
    for (let i = 0; i < 12; i++) {
      const label = i % 2 ? 'dog' : 'cat';
      await imageFile(join(work.path, 'img', `${i}.png`), 'png', 10, 10, { r: i * 20, g: 0, b: 0 });
      lines.push(`img/${i}.png,${label}`);
    }
    lines.push('img/missing.png,cat');
    await writeFile(join(work.path, 'list.csv'), lines.join('\n'));
    const { manifest } = await importDataset(root, { path: join(work.path, 'list.csv'), name: 'paths', val: 0, test: 0 });
    expect(manifest.classes).toEqual(['cat', 'dog']);
    expect(manifest.shape).toEqual([3, 10, 10]);
    expect(manifest.counts.train).toBe(12);
    expect(manifest.skipped).toHaveLength(1);
    expect(manifest.skipped[0]!.path).toBe(join('img', 'missing.png'));
    expect(manifest.skipped[0]!.reason).toMatch(/missing/);
  });

  it('refuses a pixel value out of range, naming row, column and value', async () => {
    await writeFile(join(work.path, 'bad.csv'), '1,0,0,0,0\n0,1,2,300,4\n');
    await expect(importDataset(root, { path: join(work.path, 'bad.csv'), name: 'b' })).rejects.toThrow(/'bad.csv' row 2, column 4: pixel value '300' is not a whole number from 0 to 255/);
  });

  it('refuses rows with a different number of columns', async () => {
    await writeFile(join(work.path, 'ragged.csv'), '1,0,0,0,0\n0,1,2\n');
    await expect(importDataset(root, { path: join(work.path, 'ragged.csv'), name: 'b' })).rejects.toThrow(/row 2 has 3 columns; the first row has 5/);
  });

  it('refuses a pixel count that is no image size', async () => {
    await writeFile(join(work.path, 'odd.csv'), '1,0,0,0,0,0\n');
    await expect(importDataset(root, { path: join(work.path, 'odd.csv'), name: 'b' })).rejects.toThrow(/has 5 pixel columns, which is neither S×S/);
  });
});
