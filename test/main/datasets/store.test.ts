import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appInfo } from '../../../main/services/app-info';
import { layout } from '../../../main/services/data-folder';
import {
  cleanupStaleTemp,
  DatasetError,
  decodeLabels,
  deleteDataset,
  importDataset,
  listDatasets,
  readLabels,
  readManifest,
  readShard,
  readSplit,
  renameDataset,
  validateDatasetName,
} from '../../../main/services/datasets/index';
import { tempFolder, writeIdx } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let root: string;
let source: string;
beforeEach(async () => {
  work = await tempFolder();
  root = join(work.path, 'data');
  source = join(work.path, 'src');
  await writeIdx(source, { train: 40, test: 10, classes: 4 });
});
afterEach(() => work.cleanup());

describe('dataset names', () => {
  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['a/b', /contains a path separator/],
    ['a\\b', /contains a path separator/],
    ['..', /contains '\.\.'/],
    ['x..y', /contains '\.\.'/],
    ['.hidden', /starts with '\.'/],
    ['bad:name', /cannot be part of a file name/],
    ['tab\tname', /cannot be part of a file name/],
    [' padded', /starts or ends with a space/],
    ['x'.repeat(101), /101 characters long/],
  ])('refuses %j', (name, message) => {
    expect(() => validateDatasetName(name)).toThrow(message);
    expect(() => validateDatasetName(name)).toThrow(DatasetError);
  });

  it('accepts ordinary names', () => {
    for (const name of ['mnist', 'Fashion MNIST (28px)', 'cifar-10_v2.1', 'données']) expect(validateDatasetName(name)).toBe(name);
  });

  it('refuses a traversal name at import, leaving nothing outside the store', async () => {
    await expect(importDataset(root, { path: source, name: '../escape' })).rejects.toThrow(/contains a path separator/);
    expect(existsSync(join(work.path, 'escape'))).toBe(false);
    expect(existsSync(root)).toBe(false);
  });
});

describe('the store', () => {
  it('lists, shows, renames and deletes; app info counts the same datasets', async () => {
    await importDataset(root, { path: source, name: 'b' });
    await importDataset(root, { path: source, name: 'a', seed: 9 });
    expect((await listDatasets(root)).map((d) => d.name)).toEqual(['a', 'b']);
    expect((await listDatasets(root))[0]).toEqual({ name: 'a', shape: [1, 4, 5], classes: ['0', '1', '2', '3'], counts: { train: 36, val: 4, test: 10 } });
    expect((await appInfo({ path: root, source: 'flag' }, 'web')).datasets).toBe(2);

    const renamed = await renameDataset(root, 'a', 'c');
    expect(renamed.name).toBe('c');
    expect((await readManifest(root, 'c')).name).toBe('c');
    await expect(readManifest(root, 'a')).rejects.toThrow(/There is no dataset named 'a'/);
    await expect(renameDataset(root, 'b', 'c')).rejects.toThrow(/A dataset named 'c' already exists/);
    await expect(renameDataset(root, 'b', 'x/y')).rejects.toThrow(/New dataset name "x\/y" contains a path separator/);

    await deleteDataset(root, 'b');
    expect((await listDatasets(root)).map((d) => d.name)).toEqual(['c']);
    await expect(deleteDataset(root, 'b')).rejects.toThrow(/There is no dataset named 'b'/);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });

  it('refuses to import over an existing name and leaves the old one untouched; replaces when asked', async () => {
    const first = await importDataset(root, { path: source, name: 'ds', seed: 1 });
    const before = await readFile(join(layout.datasets(root), 'ds', 'manifest.json'), 'utf8');
    await expect(importDataset(root, { path: source, name: 'ds', seed: 2 })).rejects.toThrow(/A dataset named 'ds' already exists; choose another name or ask to replace it/);
    expect(await readFile(join(layout.datasets(root), 'ds', 'manifest.json'), 'utf8')).toBe(before);
    const second = await importDataset(root, { path: source, name: 'ds', seed: 2, replace: true });
    expect(second.manifest.contentHash).not.toBe(first.manifest.contentHash);
    expect((await readManifest(root, 'ds')).contentHash).toBe(second.manifest.contentHash);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });

  it('gives the same bytes for the same seed and another order for another seed', async () => {
    const a = await importDataset(root, { path: source, name: 'a', seed: 3 });
    const b = await importDataset(root, { path: source, name: 'b', seed: 3 });
    const c = await importDataset(root, { path: source, name: 'c', seed: 4 });
    expect(b.manifest.contentHash).toBe(a.manifest.contentHash);
    expect(c.manifest.contentHash).not.toBe(a.manifest.contentHash);
    expect(c.manifest.counts).toEqual(a.manifest.counts);
  });

  it('carves a stratified test split when the source has none', async () => {
    const noTest = join(work.path, 'notest');
    await writeIdx(noTest, { train: 200, classes: 4 });
    const { manifest } = await importDataset(root, { path: noTest, name: 'n', val: 0.2, test: 0.1 });
    expect(manifest.source.test).toBe('split');
    expect(manifest.classCounts.test).toEqual([5, 5, 5, 5]);
    expect(manifest.classCounts.val).toEqual([9, 9, 9, 9]);
    expect(manifest.counts).toEqual({ train: 144, val: 36, test: 20 });
  });

  it('splits into several shards and streams whole shards and labels that match the manifest', async () => {
    const { manifest } = await importDataset(root, { path: source, name: 's' }, { shardBytes: 20 * 10 });
    const train = manifest.shards.filter((s) => s.split === 'train');
    expect(manifest.samplesPerShard).toBe(10);
    expect(train.map((s) => s.count)).toEqual([10, 10, 10, 6]);
    expect(train.map((s) => s.first)).toEqual([0, 10, 20, 30]);
    const labels = decodeLabels(await readLabels(root, 's', 'train'));
    expect(labels.length).toBe(36);
    const shard = await readShard(root, 's', 'train', 3);
    expect(shard).toBeInstanceOf(Uint8Array);
    expect(shard.length).toBe(6 * 20);
    // Structured clone copies a view's whole ArrayBuffer: a shard must own exactly its bytes.
    expect(shard.buffer.byteLength).toBe(shard.length);
    expect((await readLabels(root, 's', 'val')).buffer.byteLength).toBe(manifest.counts.val * 2);
    // Each generated sample encodes its class in its pixels: sample i of class L has pixel p = (7i + 31L + p(L+1)) mod 256.
    for (let k = 0; k < 6; k++) {
      const s = shard.subarray(k * 20, (k + 1) * 20);
      const label = labels[30 + k]!;
      expect((s[3]! - s[2]! + 256) % 256).toBe((label + 1) % 256);
    }
    await expect(readShard(root, 's', 'train', 4)).rejects.toThrow(/has no train shard 4; its train split has 4 shards \(0 to 3\)/);
    await expect(readShard(root, 's', 'nope' as never, 0)).rejects.toThrow(/Split "nope" is not one of train, val, test/);
  });

  it('reads a whole split for Node trainers: shards in order, labels as numbers', async () => {
    await importDataset(root, { path: source, name: 'w' }, { shardBytes: 20 * 10 });
    const { manifest, shards, labels } = await readSplit(root, 'w', 'train');
    expect(shards.map((s) => s.length / 20)).toEqual([10, 10, 10, 6]);
    expect(labels.length).toBe(manifest.counts.train);
    expect(shards[1]).toEqual(await readShard(root, 'w', 'train', 1));
  });

  it('detects a damaged shard file', async () => {
    await importDataset(root, { path: source, name: 'd' });
    await writeFile(join(layout.datasets(root), 'd', 'train-00000.u8'), new Uint8Array(7));
    await expect(readShard(root, 'd', 'train', 0)).rejects.toThrow(/train-00000.u8' is 7 bytes; 36 samples of 1×4×5 need 720/);
  });

  it('ignores folders without a manifest and removes temp folders of dead imports on the next start', async () => {
    await importDataset(root, { path: source, name: 'ok' });
    await mkdir(join(layout.datasets(root), 'half-done'), { recursive: true });
    await writeFile(join(layout.datasets(root), 'half-done', 'train-00000.u8'), 'x');
    const dead = join(layout.tmp(root), 'import-999999999-0123456789ab');
    const live = join(layout.tmp(root), `import-${process.pid}-0123456789ab`);
    await mkdir(dead, { recursive: true });
    await mkdir(live, { recursive: true });
    expect((await listDatasets(root)).map((d) => d.name)).toEqual(['ok']);
    const removed = await cleanupStaleTemp(root, true);
    expect(removed).toEqual(['import-999999999-0123456789ab']);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('rejects bad split fractions and sizes, quoting the value', async () => {
    await expect(importDataset(root, { path: source, name: 'v', val: 1.5 })).rejects.toThrow(/The val fraction .* got 1.5/);
    await expect(importDataset(root, { path: source, name: 'v', val: 0.6, test: 0.5 })).rejects.toThrow(/add up to 1 or more/);
    await expect(importDataset(root, { path: source, name: 'v', size: [0, 4] })).rejects.toThrow(/got \[0,4\]/);
    await expect(importDataset(root, { path: join(work.path, 'missing'), name: 'v' })).rejects.toThrow(/there is no such file or folder/);
    expect(existsSync(layout.datasets(root))).toBe(false);
  });
});
