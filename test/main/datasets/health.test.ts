import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layout } from '../../../main/services/data-folder';
import { datasetHealth, datasetThumbnail, importDataset, readShard } from '../../../main/services/datasets/index';
import { idxBytes, patternSample, tempFolder, writeIdx } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let root: string;
beforeEach(async () => {
  work = await tempFolder();
  root = join(work.path, 'data');
});
afterEach(() => work.cleanup());

/** IDX with known flaws: train samples 0 and 1 identical (labels 0 and 1), test sample 0 a copy of train sample 5. */
async function flawedSource(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const size = 9;
  const trainLabels = [0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]; // 9 of class 0, 3 of class 1
  const train = new Uint8Array(trainLabels.length * size);
  trainLabels.forEach((l, i) => train.set(patternSample(i, l, size), i * size));
  train.set(patternSample(0, 0, size), 1 * size);
  const testLabels = [1, 0, 1];
  const test = new Uint8Array(testLabels.length * size);
  testLabels.forEach((l, i) => test.set(patternSample(50 + i, l, size), i * size));
  test.set(train.subarray(5 * size, 6 * size), 0);
  await writeFile(join(folder, 'train-images-idx3-ubyte'), idxBytes([trainLabels.length, 3, 3], train));
  await writeFile(join(folder, 'train-labels-idx1-ubyte'), idxBytes([trainLabels.length], trainLabels));
  await writeFile(join(folder, 't10k-images-idx3-ubyte'), idxBytes([testLabels.length, 3, 3], test));
  await writeFile(join(folder, 't10k-labels-idx1-ubyte'), idxBytes([testLabels.length], testLabels));
}

describe('health report', () => {
  it('finds class imbalance, duplicates with conflicting labels and train/test leakage', async () => {
    await flawedSource(join(work.path, 'src'));
    await importDataset(root, { path: join(work.path, 'src'), name: 'flawed', val: 0, classNames: ['even', 'odd'] });
    const health = await datasetHealth(root, 'flawed');
    expect(health.balance).toEqual([
      { className: 'even', train: 9, val: 0, test: 1 },
      { className: 'odd', train: 3, val: 0, test: 2 },
    ]);
    expect(health.imbalanceRatio).toBe(3);
    expect(health.emptyClasses).toEqual([]);
    expect(health.duplicateSamples).toBe(2);
    const conflicting = health.duplicates.find((g) => g.conflictingLabels)!;
    expect(conflicting.samples.map((s) => s.label).sort()).toEqual([0, 1]);
    expect(health.leakage).toEqual({ val: 0, test: 1 });
    expect(health.contentHashMatches).toBe(true);
  });

  it('reports a clean dataset as clean, and notices files changed on disk', async () => {
    await writeIdx(join(work.path, 'clean'), { train: 30, test: 6, classes: 3 });
    const { manifest } = await importDataset(root, { path: join(work.path, 'clean'), name: 'clean' });
    let health = await datasetHealth(root, 'clean');
    expect(health).toMatchObject({ duplicateSamples: 0, leakage: { val: 0, test: 0 }, imbalanceRatio: 1, skipped: [], contentHashMatches: true });
    const shardPath = join(layout.datasets(root), 'clean', manifest.shards[0]!.file);
    const bytes = await readShard(root, 'clean', 'train', 0);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(shardPath, bytes);
    health = await datasetHealth(root, 'clean');
    expect(health.contentHashMatches).toBe(false);
  });
});

describe('thumbnails', () => {
  it('draws a PNG grid with one row per class, samples of that class in it', async () => {
    await writeIdx(join(work.path, 'src'), { train: 60, classes: 3, h: 4, w: 5 });
    await importDataset(root, { path: join(work.path, 'src'), name: 'grid', val: 0, test: 0 });
    const png = await datasetThumbnail(root, 'grid', { kind: 'grid', perClass: 4, scale: 2 });
    expect(png).toBeInstanceOf(Uint8Array);
    expect((await sharp(png).metadata()).channels).toBe(1);
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    // 3 rows of 4 cells of 5×4 with 1-pixel gaps, scaled by 2.
    expect([info.width, info.height, info.channels]).toEqual([(4 * 6 - 1) * 2, (3 * 5 - 1) * 2, 1]);
    // Cell (row r, col 0) holds a class-r sample: pixel 3 - pixel 2 = r + 1 (see patternSample).
    for (let r = 0; r < 3; r++) {
      const y = r * 5 * 2;
      const at = (x: number) => data[(y * info.width + x * 2) * 1]!;
      expect((at(3) - at(2) + 256) % 256).toBe(r + 1);
    }
  });

  it('renders one sample as a PNG of its own size and refuses an index outside the split', async () => {
    await writeIdx(join(work.path, 'src'), { train: 20, classes: 2, h: 6, w: 7 });
    await importDataset(root, { path: join(work.path, 'src'), name: 'one', val: 0, test: 0 });
    const png = await datasetThumbnail(root, 'one', { kind: 'sample', split: 'train', index: 3 });
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([7, 6]);
    const shard = await readShard(root, 'one', 'train', 0);
    expect([...data]).toEqual([...shard.subarray(3 * 42, 4 * 42)]);
    await expect(datasetThumbnail(root, 'one', { kind: 'sample', split: 'train', index: 20 })).rejects.toThrow(/Sample 20 is outside the train split of 'one' \(0 to 19\)/);
    await expect(datasetThumbnail(root, 'one', { kind: 'sample', split: 'test', index: 0 })).rejects.toThrow(/has no test samples/);
  });
});
