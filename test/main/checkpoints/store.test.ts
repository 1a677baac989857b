import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointSaveRequest } from '../../../preload/types/checkpoints';
import type { LayerGraph } from '../../../renderer/core/ir';
import { appInfo } from '../../../main/services/app-info';
import { layout } from '../../../main/services/data-folder';
import { CheckpointError, deleteCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint } from '../../../main/services/checkpoints/index';
import { fullDisk } from '../../fixtures/datasets/full-disk';
import { tempFolder } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let root: string;
beforeEach(async () => {
  work = await tempFolder();
  root = join(work.path, 'data');
});
afterEach(() => work.cleanup());

const graph = { name: 'tiny', input: [1, 28, 28], nodes: [] } as unknown as LayerGraph;

function request(step: number, fill: number, name = 'run-1'): CheckpointSaveRequest {
  return {
    name,
    graph,
    weights: new Uint8Array(1000).fill(fill),
    optimizerState: new Uint8Array(2000).fill(fill + 1),
    run: { step, epoch: Math.floor(step / 100), dataOrder: { seed: 42, position: (step % 100) * 32 }, settings: { dataset: 'fashion-mnist', lr: 0.01, optimizer: 'sgd-momentum' } },
    metrics: { loss: [2.3, 1.1, 0.7], step },
  };
}

describe('checkpoints', () => {
  it('saves and loads everything needed to resume at the same step with the same data order', async () => {
    const info = await saveCheckpoint(root, request(250, 7));
    expect(info.run).toEqual({ step: 250, epoch: 2, dataOrder: { seed: 42, position: 1600 }, settings: { dataset: 'fashion-mnist', lr: 0.01, optimizer: 'sgd-momentum' } });
    const loaded = await loadCheckpoint(root, 'run-1');
    expect(loaded.info).toEqual(info);
    expect(loaded.graph).toEqual(graph);
    expect(loaded.weights).toBeInstanceOf(Uint8Array);
    expect([...loaded.weights]).toEqual(new Array(1000).fill(7));
    expect([...loaded.optimizerState]).toEqual(new Array(2000).fill(8));
    expect(loaded.metrics).toEqual({ loss: [2.3, 1.1, 0.7], step: 250 });
    expect((await appInfo({ path: root, source: 'flag' }, 'web')).checkpoints).toBe(1);
  });

  it('replaces a checkpoint on a later save and keeps only the newest files', async () => {
    await saveCheckpoint(root, request(100, 1));
    await saveCheckpoint(root, request(200, 2));
    const loaded = await loadCheckpoint(root, 'run-1');
    expect(loaded.info.run.step).toBe(200);
    expect(loaded.weights[0]).toBe(2);
    const files = await readdir(join(layout.checkpoints(root), 'run-1'));
    expect(files.sort()).toEqual(['checkpoint.json', ...Object.values(loaded.info.files)].sort());
  });

  it.each([
    ['the weights', 500],
    ['the optimiser state', 1500],
    ['the metrics', 3000 + 60],
  ])('keeps the previous checkpoint intact when the disk fills while writing %s', async (_, capacity) => {
    await saveCheckpoint(root, request(100, 1));
    const disk = fullDisk(capacity);
    const error = await saveCheckpoint(root, request(200, 2), disk).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).code).toBe('checkpoint-disk');
    expect((error as Error).message).toMatch(/The disk is full while saving checkpoint 'run-1'.*previous checkpoint of that name is intact/);
    const loaded = await loadCheckpoint(root, 'run-1');
    expect(loaded.info.run.step).toBe(100);
    expect(loaded.weights.every((b) => b === 1)).toBe(true);
    expect(loaded.optimizerState.every((b) => b === 2)).toBe(true);
    // Partial files of the failed save are gone.
    expect((await readdir(join(layout.checkpoints(root), 'run-1'))).sort()).toEqual(['checkpoint.json', ...Object.values(loaded.info.files)].sort());
  });

  it('lists finished checkpoints only, and deletes', async () => {
    await saveCheckpoint(root, request(10, 1, 'b'));
    await saveCheckpoint(root, request(20, 1, 'a'));
    // A first save that died before its marker: files but no checkpoint.json.
    await mkdir(join(layout.checkpoints(root), 'crashed'), { recursive: true });
    await writeFile(join(layout.checkpoints(root), 'crashed', 'weights-1-abc.onnx'), 'x');
    expect((await listCheckpoints(root)).map((c) => [c.name, c.run.step])).toEqual([
      ['a', 20],
      ['b', 10],
    ]);
    await deleteCheckpoint(root, 'a');
    expect((await listCheckpoints(root)).map((c) => c.name)).toEqual(['b']);
    expect(existsSync(join(layout.checkpoints(root), 'a'))).toBe(false);
    await expect(loadCheckpoint(root, 'a')).rejects.toThrow(/There is no checkpoint named 'a'/);
    await expect(deleteCheckpoint(root, 'crashed')).rejects.toThrow(/There is no checkpoint named 'crashed'/);
  });

  it('detects damaged weights on load', async () => {
    const info = await saveCheckpoint(root, request(5, 3));
    await writeFile(join(layout.checkpoints(root), 'run-1', info.files.weights), new Uint8Array(1000).fill(4));
    await expect(loadCheckpoint(root, 'run-1')).rejects.toThrow(new RegExp(`'${info.files.weights}' does not match the sha256 recorded`));
  });

  it('refuses bad names and bad run state, quoting the value', async () => {
    await expect(saveCheckpoint(root, request(1, 1, '../x'))).rejects.toThrow(/Checkpoint name "..\/x" contains a path separator/);
    await expect(saveCheckpoint(root, request(1, 1, ''))).rejects.toThrow(/Checkpoint name is empty/);
    await expect(saveCheckpoint(root, { ...request(1, 1), run: { ...request(1, 1).run, step: -1 } })).rejects.toThrow(/run.step must be a whole number ≥ 0; got -1/);
    await expect(saveCheckpoint(root, { ...request(1, 1), weights: new Uint8Array(0) })).rejects.toThrow(/has no weights/);
    expect(existsSync(layout.checkpoints(root))).toBe(false);
  });
});
