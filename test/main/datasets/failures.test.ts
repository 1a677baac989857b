import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layout } from '../../../main/services/data-folder';
import { DatasetError, importDataset, listDatasets, readManifest } from '../../../main/services/datasets/index';
import { fullDisk } from '../../fixtures/datasets/full-disk';
import { tempFolder, writeIdx, writeImageFolder } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let root: string;
let source: string;
beforeEach(async () => {
  work = await tempFolder();
  root = join(work.path, 'data');
  source = join(work.path, 'src');
  await writeIdx(source, { train: 300, test: 50, classes: 3, h: 10, w: 10 });
});
afterEach(() => work.cleanup());

describe('a full disk', () => {
  it.each([
    ['in the first shard', 100],
    ['after some shards', 9_000],
    ['while writing the manifest', 35_700],
  ])('fails %s with a clear error, removes the temp folder and shows nothing', async (_, capacity) => {
    const disk = fullDisk(capacity);
    const error = await importDataset(root, { path: source, name: 'full' }, { disk, shardBytes: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('dataset-disk');
    expect((error as Error).message).toMatch(/The disk holding '.*' is full; free some space and import again\. Nothing was added/);
    expect(disk.written()).toBe(capacity);
    expect(await listDatasets(root)).toEqual([]);
    expect(existsSync(join(layout.datasets(root), 'full'))).toBe(false);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });

  it('leaves an existing dataset untouched when replacing it fails', async () => {
    await importDataset(root, { path: source, name: 'keep', seed: 1 });
    const before = await readFile(join(layout.datasets(root), 'keep', 'manifest.json'), 'utf8');
    const error = await importDataset(root, { path: source, name: 'keep', seed: 2, replace: true }, { disk: fullDisk(5_000) }).catch((e: unknown) => e);
    expect((error as DatasetError).code).toBe('dataset-disk');
    expect(await readFile(join(layout.datasets(root), 'keep', 'manifest.json'), 'utf8')).toBe(before);
    expect((await readManifest(root, 'keep')).split.seed).toBe(1);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });
});

describe('an import killed half-way', () => {
  it('leaves nothing visible when the process dies mid-import, and the next start cleans its temp folder', async () => {
    await writeImageFolder(join(work.path, 'images'), ['a', 'b'], 40, { sizes: [[48, 48]] });
    const { spawn } = await import('node:child_process');
    // A child process imports and is killed once it has reported progress: a real crash, not a cancel.
    const script = `
      import { importDataset } from ${JSON.stringify(join(process.cwd(), 'main/services/datasets/index.ts'))};
      await importDataset(${JSON.stringify(root)}, { path: ${JSON.stringify(join(work.path, 'images'))}, name: 'killed', size: [24, 24] },
        { concurrency: 1, onProgress: (p) => { if (p.fraction > 0.05) process.stdout.write('progress\\n'); } });
      process.stdout.write('finished\\n');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const outcome = await new Promise<string>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        if (text.includes('finished')) resolve('finished');
        else if (text.includes('progress')) {
          child.kill('SIGKILL');
          resolve('killed');
        }
      });
      child.on('exit', () => resolve('exited'));
    });
    expect(outcome).toBe('killed');
    await new Promise((resolve) => child.once('exit', resolve).once('close', resolve));
    const leftovers = await readdir(layout.tmp(root));
    expect(leftovers.length).toBe(1);
    expect(leftovers[0]).toMatch(new RegExp(`^import-${child.pid}-`));
    expect(existsSync(join(layout.datasets(root), 'killed'))).toBe(false);
    // The next start (this process has not touched this data folder yet): listing shows nothing and the temp
    // folder of the dead writer is removed.
    expect(await listDatasets(root)).toEqual([]);
    expect(await readdir(layout.tmp(root))).toEqual([]);
  });
});
