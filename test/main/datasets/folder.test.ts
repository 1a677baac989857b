import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layout } from '../../../main/services/data-folder';
import { DatasetError, decodeLabels, importDataset, listDatasets, readLabels, readShard } from '../../../main/services/datasets/index';
import { imageFile, tempFolder, writeImageFolder } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let root: string;
let source: string;
beforeEach(async () => {
  work = await tempFolder();
  root = join(work.path, 'data');
  source = join(work.path, 'images');
});
afterEach(() => work.cleanup());

describe('folder of class sub-folders', () => {
  it('decodes PNG, JPEG and WebP of varying sizes to the most common size, colour, and reports the choice', async () => {
    await writeImageFolder(source, ['cat', 'dog', 'emu'], 10, { sizes: [[20, 16], [20, 16], [33, 40]] });
    const { manifest } = await importDataset(root, { path: source, name: 'pets', val: 0.2 });
    expect(manifest.source.format).toBe('folder');
    expect(manifest.classes).toEqual(['cat', 'dog', 'emu']);
    expect(manifest.shape).toEqual([3, 16, 20]);
    expect(manifest.preprocessing.description).toMatch(/images vary in size.*resized to cover 16×20 \(the most common size\) and centre-cropped.*colour/);
    expect(manifest.counts.train + manifest.counts.val + manifest.counts.test).toBe(30);
    expect(manifest.classCounts.val).toEqual([2, 2, 2]);
    expect(manifest.skipped).toEqual([]);
  });

  it('stores the decoded colours channel-planar, each sample under its class label', async () => {
    // Class k is filled with one solid colour: red k*100, green 50, blue 200.
    for (const k of [0, 1, 2]) {
      await mkdir(join(source, `c${k}`), { recursive: true });
      for (let i = 0; i < 4; i++) await imageFile(join(source, `c${k}`, `${i}.png`), 'png', 8 + i, 8, { r: k * 100, g: 50, b: 200 });
    }
    const { manifest } = await importDataset(root, { path: source, name: 'colours', size: [4, 4], val: 0, test: 0 });
    expect(manifest.shape).toEqual([3, 4, 4]);
    expect(manifest.preprocessing.description).toMatch(/resized to cover 4×4 and centre-cropped, as asked/);
    const shard = await readShard(root, 'colours', 'train', 0);
    const labels = decodeLabels(await readLabels(root, 'colours', 'train'));
    expect(labels.length).toBe(12);
    for (let n = 0; n < 12; n++) {
      const sample = shard.subarray(n * 48, (n + 1) * 48);
      expect([sample[0], sample[16], sample[32]]).toEqual([labels[n]! * 100, 50, 200]);
      expect(sample[15]).toBe(labels[n]! * 100);
    }
  });

  it('decodes large images through libvips shrinking and small ones in full, with the same colours', async () => {
    for (const [name, size] of [['big', 400], ['small', 40]] as const) {
      await mkdir(join(source, name, 'x'), { recursive: true });
      await mkdir(join(source, name, 'y'), { recursive: true });
      await imageFile(join(source, name, 'x', '0.jpg'), 'jpeg', size, size, { r: 200, g: 30, b: 90 });
      await imageFile(join(source, name, 'y', '0.png'), 'png', size, size, { r: 10, g: 220, b: 140 });
      await importDataset(root, { path: join(source, name), name, size: [16, 16], channels: 3, val: 0, test: 0 });
      const shard = await readShard(root, name, 'train', 0);
      const labels = decodeLabels(await readLabels(root, name, 'train'));
      for (let n = 0; n < 2; n++) {
        const expected = labels[n] === 0 ? [200, 30, 90] : [10, 220, 140];
        const got = [shard[n * 768 + 100]!, shard[n * 768 + 256 + 100]!, shard[n * 768 + 512 + 100]!];
        got.forEach((v, c) => expect(Math.abs(v - expected[c]!)).toBeLessThanOrEqual(3));
      }
    }
  });

  it('keeps grey images grey and converts to grey when asked', async () => {
    await writeImageFolder(source, ['a', 'b'], 4, { channels: 1 });
    const grey = await importDataset(root, { path: source, name: 'g' });
    expect(grey.manifest.shape[0]).toBe(1);
    expect(grey.manifest.preprocessing.description).toMatch(/grey \(all sampled images are grey\)/);
    await writeImageFolder(join(work.path, 'colour'), ['a', 'b'], 4);
    const forced = await importDataset(root, { path: join(work.path, 'colour'), name: 'f', channels: 1, size: [8, 8] });
    expect(forced.manifest.shape).toEqual([1, 8, 8]);
  });

  it('skips and lists corrupt and unreadable images without failing the import', async () => {
    await writeImageFolder(source, ['a', 'b'], 5);
    await writeFile(join(source, 'a', 'broken.png'), 'this is not a PNG');
    await writeFile(join(source, 'b', 'truncated.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    const { manifest } = await importDataset(root, { path: source, name: 'skips', val: 0, test: 0 });
    expect(manifest.counts.train).toBe(10);
    expect(manifest.skipped.map((s) => s.path).sort()).toEqual([join('a', 'broken.png'), join('b', 'truncated.jpg')]);
    for (const s of manifest.skipped) expect(s.reason.length).toBeGreaterThan(5);
  });

  it('refuses an empty class folder, naming it', async () => {
    await writeImageFolder(source, ['a', 'b'], 3);
    await mkdir(join(source, 'empty'));
    await writeFile(join(source, 'empty', 'notes.txt'), 'no images here');
    const error = await importDataset(root, { path: source, name: 'e' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/Class folder '.*empty' holds no PNG, JPEG or WebP images/);
    expect(existsSync(layout.datasets(root))).toBe(false);
  });

  it('refuses a class whose every image is unreadable', async () => {
    await writeImageFolder(source, ['a'], 3);
    await mkdir(join(source, 'b'));
    await writeFile(join(source, 'b', 'x.png'), 'garbage');
    await expect(importDataset(root, { path: source, name: 'u', val: 0, test: 0 })).rejects.toThrow(/Class 'b' has no readable image/);
    expect(existsSync(layout.datasets(root))).toBe(false);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });

  it('uses train/ and test/ sub-folders as the splits', async () => {
    await writeImageFolder(join(source, 'train'), ['x', 'y'], 6);
    await writeImageFolder(join(source, 'test'), ['y'], 2);
    const { manifest } = await importDataset(root, { path: source, name: 'tt', val: 0.5 });
    expect(manifest.source.test).toBe('source');
    expect(manifest.counts).toEqual({ train: 6, val: 6, test: 2 });
    expect(manifest.classCounts.test).toEqual([0, 2]);
  });

  it('stops a cancelled import half-way and leaves nothing visible', async () => {
    await writeImageFolder(source, ['a', 'b'], 60, { sizes: [[64, 64]] });
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await importDataset(
      root,
      { path: source, name: 'cancelled', size: [32, 32] },
      {
        signal: controller.signal,
        concurrency: 2,
        onProgress: ({ fraction }) => {
          seen.push(fraction);
          if (fraction > 0.1) controller.abort();
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('dataset-cancelled');
    expect(Math.max(...seen)).toBeLessThan(0.9);
    expect(await listDatasets(root)).toEqual([]);
    expect(existsSync(join(layout.datasets(root), 'cancelled'))).toBe(false);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });
});
