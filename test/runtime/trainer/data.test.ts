// The data path: seeded epoch order, every sample once per epoch minus the dropped partial batch, batches hold the
// right samples and labels across shard boundaries, statistics, the store source over the IPC-shaped calls.
import { describe, expect, it } from 'vitest';
import type { DatasetManifest } from '../../../preload/types/datasets';
import { channelStatistics, epochBatches, epochPlan, loadSplit, MemoryDataSource } from '../../../renderer/runtime/trainer/data';
import { epochPermutation, fillDropoutMask, seededRandom } from '../../../renderer/runtime/trainer/random';
import { StoreDataSource } from '../../../renderer/runtime/trainer/store-source';

/** n samples of 1×2×2 whose first pixel encodes the sample index (mod 256) and whose label is index mod 3. */
function indexedSource(n: number, shardSize: number) {
  const pixels = new Uint8Array(n * 4);
  const labels = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    pixels.set([i & 255, (i >> 8) & 255, 7, 9], i * 4);
    labels[i] = i % 3;
  }
  return new MemoryDataSource({ name: 'indexed', shape: [1, 2, 2], classes: ['a', 'b', 'c'], splits: { train: { pixels, labels, shardSize } } });
}

describe('epoch order', () => {
  it('visits every sample exactly once per epoch, minus the dropped partial batch, in a different order each epoch', async () => {
    const n = 1003;
    const batch = 50;
    const source = indexedSource(n, 128);
    const data = await loadSplit(source, await source.describe(), 'train');
    const plan = epochPlan(n, batch);
    expect(plan).toEqual({ steps: 20, dropped: 3 });
    const orders: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen: number[] = [];
      for (const indices of epochBatches(42, epoch, n, batch)) {
        expect(indices.length).toBe(batch);
        const { pixels, labels } = data.gather(indices);
        for (let k = 0; k < batch; k++) {
          const index = pixels[k * 4]! + 256 * pixels[k * 4 + 1]!;
          expect(index).toBe(indices[k]);
          expect(labels[k]).toBe(index % 3);
          expect([pixels[k * 4 + 2], pixels[k * 4 + 3]]).toEqual([7, 9]);
          seen.push(index);
        }
      }
      expect(seen).toHaveLength(n - 3);
      expect(new Set(seen).size).toBe(n - 3);
      const left = [...epochPermutation(42, epoch, n)].slice(n - 3);
      expect(new Set([...seen, ...left]).size).toBe(n);
      orders.push(seen);
    }
    expect(orders[1]).not.toEqual(orders[0]);
    // Seeded: the same seed and epoch give the same order; another seed another.
    expect([...epochPermutation(42, 1, n)]).toEqual([...epochPermutation(42, 1, n)]);
    expect([...epochPermutation(43, 1, n)]).not.toEqual([...epochPermutation(42, 1, n)]);
  });

  it('refuses labels beyond the class count and shards of the wrong size', async () => {
    const bad = new MemoryDataSource({ name: 'bad', shape: [1, 1, 1], classes: ['a'], splits: { train: { pixels: new Uint8Array(2), labels: Uint16Array.of(0, 4) } } });
    await expect(loadSplit(bad, await bad.describe(), 'train')).rejects.toThrow(/train sample 1 has label 4, but there are only 1 classes/);
  });
});

describe('channel statistics and dropout masks', () => {
  it('measures per-channel mean and std of [0, 1] pixels', async () => {
    const pixels = new Uint8Array([0, 0, 255, 255, 51, 51, 51, 51]); // two samples of [C=2, H=1, W=2]
    const source = new MemoryDataSource({ name: 's', shape: [2, 1, 2], classes: ['a'], splits: { train: { pixels, labels: new Uint16Array(2) } } });
    const stats = channelStatistics(await loadSplit(source, await source.describe(), 'train'));
    // channel 0 holds 0, 0, 51, 51; channel 1 holds 255, 255, 51, 51.
    expect(stats.mean[0]).toBeCloseTo(0.1, 12);
    expect(stats.std[0]).toBeCloseTo(0.1, 12);
    expect(stats.mean[1]).toBeCloseTo(0.6, 12);
    expect(stats.std[1]).toBeCloseTo(0.4, 12);
  });

  it('draws inverted-dropout masks: 0 with probability p, else 1/(1 − p)', () => {
    const mask = fillDropoutMask(new Float32Array(20000), 0.5, seededRandom(1));
    const zeros = mask.filter((v) => v === 0).length;
    expect(mask.every((v) => v === 0 || v === 2)).toBe(true);
    expect(zeros / mask.length).toBeGreaterThan(0.48);
    expect(zeros / mask.length).toBeLessThan(0.52);
  });
});

describe('StoreDataSource', () => {
  it('describes the manifest and decodes uint16le labels from the IPC-shaped calls', async () => {
    const manifest = {
      name: 'm',
      shape: [1, 1, 2],
      classes: ['x', 'y'],
      counts: { train: 3, val: 0, test: 1 },
      shards: [
        { split: 'train', index: 0, first: 0, count: 2, file: 'a', bytes: 4 },
        { split: 'train', index: 1, first: 2, count: 1, file: 'b', bytes: 2 },
        { split: 'test', index: 0, first: 0, count: 1, file: 'c', bytes: 2 },
      ],
    } as unknown as DatasetManifest;
    const calls: string[] = [];
    const source = new StoreDataSource(
      {
        datasetShow: async (name) => (calls.push(`show ${name}`), manifest),
        datasetShard: async (name, split, index) => (calls.push(`shard ${name} ${split} ${index}`), index === 0 ? Uint8Array.of(1, 2, 3, 4) : Uint8Array.of(5, 6)),
        datasetLabels: async (name, split) => (calls.push(`labels ${name} ${split}`), Uint8Array.of(1, 0, 0, 0, 1, 0)),
      },
      'm',
    );
    const description = await source.describe();
    expect(description.shards.train).toEqual([{ index: 0, first: 0, count: 2 }, { index: 1, first: 2, count: 1 }]);
    const data = await loadSplit(source, description, 'train');
    expect([...data.labels]).toEqual([1, 0, 1]);
    expect([...data.sample(2)]).toEqual([5, 6]);
    expect(calls).toEqual(['show m', 'labels m train', 'shard m train 0', 'shard m train 1']);
  });
});
