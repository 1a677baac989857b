// `model-lab eval` on models the trainer did not write: a fixed batch (the last batch is padded and the padding
// ignored) and a model ending in Softmax (probabilities) give the same counts, confusion and loss as the
// symbolic-batch logits model with the same weights.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../main/cli/main';
import { importDataset } from '../../main/services/datasets/index';
import type { LayerGraph } from '../../renderer/core/ir';
import { initialiseWeights, lowerInference } from '../../renderer/core/lowering/index';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { tempFolder, writeIdx } from '../fixtures/datasets/make';

const layers = [
  { id: 'input', kind: 'Input', attrs: { channels: 1, height: 6, width: 6 }, inputs: [] },
  { id: 'conv', kind: 'Conv2d', attrs: { outChannels: 4, kernel: 3, padding: 1 }, inputs: ['input'] },
  { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['conv'] },
  { id: 'flatten', kind: 'Flatten', attrs: {}, inputs: ['relu'] },
  { id: 'fc', kind: 'Dense', attrs: { outFeatures: 3 }, inputs: ['flatten'] },
];
const logitsGraph = { format: 'model-lab/graph', version: 1, name: 'logits', nodes: layers } as LayerGraph;
const softmaxGraph = { ...logitsGraph, name: 'probabilities', nodes: [...layers, { id: 'softmax', kind: 'Softmax', attrs: {}, inputs: ['fc'] }] } as LayerGraph;

let work: { path: string; cleanup: () => Promise<void> };
let dataDir: string;
beforeAll(async () => {
  work = await tempFolder();
  dataDir = join(work.path, 'data');
  await writeIdx(join(work.path, 'src'), { train: 30, test: 23, classes: 3, h: 6, w: 6 });
  await importDataset(dataDir, { path: join(work.path, 'src'), name: 'patterns', val: 0 });
  const weights = initialiseWeights(logitsGraph, { seed: 9 });
  const metadata = { 'model_lab.normalisation': JSON.stringify({ mean: [0.4], std: [0.3] }) };
  const write = (name: string, graph: LayerGraph, batch: number | string) => writeFile(join(work.path, name), encodeModel(lowerInference(graph, weights, { batch, metadata }).model));
  await write('dynamic.onnx', logitsGraph, 'N');
  await write('fixed.onnx', logitsGraph, 5);
  await write('softmax.onnx', softmaxGraph, 'N');
  await writeFile(join(work.path, 'no-meta.onnx'), encodeModel(lowerInference(logitsGraph, weights).model));
});
afterAll(() => work.cleanup());

async function evaluate(file: string, ...extra: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--data-dir', dataDir, 'eval', join(work.path, file), '--data', 'patterns', '--json', ...extra], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  return { code, stderr, report: code === 0 ? JSON.parse(stdout) : undefined };
}

describe('model-lab eval', () => {
  it('pads a fixed batch, reads probabilities from a Softmax model, and agrees with the symbolic-batch logits model', async () => {
    const dynamic = await evaluate('dynamic.onnx', '--batch', '4');
    expect(dynamic.code).toBe(0);
    expect(dynamic.report).toMatchObject({ split: 'test', count: 23, classes: ['0', '1', '2'] });
    expect(dynamic.report.confusion.flat().reduce((a: number, b: number) => a + b)).toBe(23);
    expect(Number.isFinite(dynamic.report.loss)).toBe(true);

    const fixed = await evaluate('fixed.onnx'); // 23 = 4·5 + 3: the last batch carries 2 padded rows
    expect(fixed.report).toEqual(dynamic.report);

    const softmax = await evaluate('softmax.onnx');
    expect(softmax.report.confusion).toEqual(dynamic.report.confusion);
    expect(softmax.report.loss).toBeCloseTo(dynamic.report.loss, 5);

    const bare = await evaluate('no-meta.onnx');
    expect(bare.stderr).toContain('no model_lab.normalisation metadata; feeding pixels scaled to [0, 1]');
    expect(bare.report.count).toBe(23);
    expect(bare.report.loss).not.toBeCloseTo(dynamic.report.loss, 5);
  }, 60_000);

  it('refuses a missing model, an empty split and a class-count mismatch', async () => {
    expect(await evaluate('nothing.onnx')).toMatchObject({ code: 1, stderr: expect.stringMatching(/nothing\.onnx' does not exist/) });
    expect(await evaluate('dynamic.onnx', '--split', 'val')).toMatchObject({ code: 1, stderr: expect.stringMatching(/has no val samples/) });
    const four = { ...logitsGraph, nodes: layers.map((l) => (l.id === 'fc' ? { ...l, attrs: { outFeatures: 4 } } : l)) } as LayerGraph;
    await writeFile(join(work.path, 'four.onnx'), encodeModel(lowerInference(four, initialiseWeights(four, { seed: 1 })).model));
    expect(await evaluate('four.onnx')).toMatchObject({ code: 1, stderr: expect.stringMatching(/scores 4 classes, but dataset 'patterns' has 3/) });
  });
});
