import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PayloadOf } from '../../../preload/contract';
import { CALL_NAMES } from '../../../preload/contract';
import { toResult } from '../../../preload/result';
import { createHandlers } from '../../../main/handlers';
import { decodeLabels, SAMPLE_DATASET_NAME } from '../../../main/services/datasets/index';
import { tempFolder, writeImageFolder } from '../../fixtures/datasets/make';

let work: { path: string; cleanup: () => Promise<void> };
let events: PayloadOf<'progress'>[];
let handlers: ReturnType<typeof createHandlers>;
beforeEach(async () => {
  work = await tempFolder();
  events = [];
  handlers = createHandlers({ data: { path: join(work.path, 'data'), source: 'flag' }, host: 'web', events: { emit: (_name, payload) => void events.push(payload as PayloadOf<'progress'>) } });
});
afterEach(() => work.cleanup());

describe('dataset calls over the contract', () => {
  it('has a handler for every dataset and checkpoint call', () => {
    for (const name of CALL_NAMES.filter((n) => n.startsWith('dataset') || n.startsWith('checkpoint'))) {
      expect(typeof handlers[name]).toBe('function');
    }
  });

  it('installs the bundled sample offline, with progress, then serves whole shards and labels', async () => {
    const result = await handlers.datasetInstallSample('sample-job');
    expect(result.manifest.name).toBe(SAMPLE_DATASET_NAME);
    expect(result.manifest.counts).toEqual({ train: 1800, val: 200, test: 500 });
    expect(result.manifest.classes).toContain('Sneaker');
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.job === 'sample-job')).toBe(true);
    expect(events.at(-1)).toMatchObject({ done: true, fraction: 1 });
    expect(events.slice(0, -1).every((e) => !e.done)).toBe(true);

    const again = await handlers.datasetInstallSample();
    expect(again.manifest.contentHash).toBe(result.manifest.contentHash);
    expect(await handlers.datasetList()).toEqual([
      { name: SAMPLE_DATASET_NAME, shape: [1, 28, 28], classes: result.manifest.classes, counts: { train: 1800, val: 200, test: 500 } },
    ]);
    const shard = await handlers.datasetShard(SAMPLE_DATASET_NAME, 'train', 0);
    expect(shard).toBeInstanceOf(Uint8Array);
    expect(shard.length).toBe(1800 * 784);
    const labels = await handlers.datasetLabels(SAMPLE_DATASET_NAME, 'val');
    expect(decodeLabels(labels).length).toBe(200);
    expect((await handlers.appInfo()).datasets).toBe(1);
  });

  it('cancels a running import by its job id; the import fails as cancelled and leaves nothing', async () => {
    const source = join(work.path, 'images');
    await writeImageFolder(source, ['a', 'b'], 50, { sizes: [[64, 64]] });
    const running = toResult(() => handlers.datasetImport({ path: source, name: 'slow', job: 'j1', size: [32, 32] }));
    while (!events.some((e) => e.job === 'j1' && e.fraction > 0)) await new Promise((r) => setTimeout(r, 5));
    expect(await handlers.datasetImportCancel('j1')).toBe(true);
    const result = await running;
    expect(result).toEqual({ ok: false, error: { code: 'dataset-cancelled', message: 'The import was cancelled; nothing was added.' } });
    expect(events.at(-1)).toMatchObject({ job: 'j1', done: true });
    expect(await handlers.datasetImportCancel('j1')).toBe(false);
    expect(await handlers.datasetList()).toEqual([]);
  });

  it('turns service errors into results with the user-facing message', async () => {
    const result = await toResult(() => handlers.datasetShow('nope'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('dataset-not-found');
      expect(result.error.message).toMatch(/There is no dataset named 'nope'/);
    }
  });
});
