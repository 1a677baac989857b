// `model-lab train --threads N` in a process of its own: the wasm runtime keeps the thread count of its first session,
// so this file must not share its process with other training runs.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../main/cli/main';
import { decodeModel } from '../../renderer/core/onnx/codec';
import { tempFolder, writeIdx } from '../fixtures/datasets/make';
import { SMALL_GRAPH } from '../fixtures/small-graph';

let work: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempFolder();
  await writeIdx(join(work.path, 'patterns'), { train: 96, test: 24, classes: 3, h: 6, w: 6 });
  await writeFile(join(work.path, 'small.json'), JSON.stringify(SMALL_GRAPH));
});
afterAll(() => work.cleanup());

it('trains on the number of wasm threads asked for and says so', async () => {
  let stdout = '';
  let stderr = '';
  const out = join(work.path, 'out');
  const argv = ['--data-dir', join(work.path, 'data'), 'train', join(work.path, 'small.json'), '--data', join(work.path, 'patterns'), '--epochs', '2', '--batch', '16', '--lr', '0.05', '--momentum', '0.9', '--threads', '2', '--out', out];
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  expect(code, stderr).toBe(0);
  expect(stdout).toContain('on wasm with 2 threads (');
  expect(stdout).toMatch(/^test: loss \d\.\d{4}, accuracy [01]\.\d{4} \(\d+\/24\)$/m);
  expect(decodeModel(new Uint8Array(await readFile(join(out, 'model.onnx')))).graph.nodes.length).toBeGreaterThan(0);
}, 60_000);
