// A dataset's health: class balance, byte-identical duplicates, train/test leakage, skipped files, intact files.
import { createHash } from 'node:crypto';
import type { DatasetHealth, DatasetSplit, DuplicateGroup } from '../../../preload/types/datasets';
import { yieldToEventLoop } from './importer';
import { decodeLabels, readLabels, readManifest, readShard, startContentHash } from './store';

const MAX_GROUPS = 100;

export async function datasetHealth(root: string, name: string): Promise<DatasetHealth> {
  const manifest = await readManifest(root, name);
  const sampleBytes = manifest.shape[0] * manifest.shape[1] * manifest.shape[2];
  const contentHash = startContentHash(manifest.shape, manifest.classes);
  const seen = new Map<string, { split: DatasetSplit; index: number; label: number }[]>();
  const balance = manifest.classes.map((className) => ({ className, train: 0, val: 0, test: 0 }));
  for (const split of ['train', 'val', 'test'] as const) {
    const labelBytes = await readLabels(root, name, split, manifest);
    const labels = decodeLabels(labelBytes);
    for (const label of labels) balance[label]![split] += 1;
    for (const shard of manifest.shards.filter((s) => s.split === split).sort((a, b) => a.index - b.index)) {
      const bytes = await readShard(root, name, split, shard.index, manifest);
      contentHash.update(bytes);
      for (let i = 0; i < shard.count; i++) {
        if ((i & 4095) === 4095) await yieldToEventLoop();
        const key = createHash('sha1').update(bytes.subarray(i * sampleBytes, (i + 1) * sampleBytes)).digest('base64');
        const index = shard.first + i;
        const entry = { split, index, label: labels[index]! };
        const list = seen.get(key);
        if (list) list.push(entry);
        else seen.set(key, [entry]);
      }
    }
    contentHash.update(labelBytes);
  }
  const groups: DuplicateGroup[] = [];
  let duplicateSamples = 0;
  const leakage = { val: 0, test: 0 };
  for (const samples of seen.values()) {
    if (samples.length < 2) continue;
    duplicateSamples += samples.length - 1;
    if (groups.length < MAX_GROUPS) groups.push({ samples, conflictingLabels: samples.some((s) => s.label !== samples[0]!.label) });
    if (samples.some((s) => s.split === 'train')) {
      for (const s of samples) if (s.split !== 'train') leakage[s.split] += 1;
    }
  }
  const trainCounts = balance.map((b) => b.train);
  const nonZero = trainCounts.filter((c) => c > 0);
  return {
    name,
    counts: manifest.counts,
    balance,
    imbalanceRatio: nonZero.length === 0 ? 0 : Math.max(...nonZero) / Math.min(...nonZero),
    emptyClasses: balance.filter((b) => b.train === 0).map((b) => b.className),
    duplicates: groups,
    duplicateSamples,
    leakage,
    skipped: manifest.skipped,
    contentHashMatches: contentHash.digest('hex') === manifest.contentHash,
  };
}
