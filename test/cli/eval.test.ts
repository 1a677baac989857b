// `model-lab eval`: a model the importer maps runs as the evaluation graph ("evaluation": "graph"); one it cannot map
// (here the same model with a Mul by 1 that no layer stands for) has its outputs scored on the CPU ("logits"). Both
// give the same counts and confusion and the same loss to float32 precision; on the logits path a fixed batch (the
// last batch padded, the padding ignored) and a model ending in Softmax (probabilities) agree with the
// symbolic-batch logits model.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../main/cli/main';
import { importDataset } from '../../main/services/datasets/index';
import type { LayerGraph } from '../../renderer/core/ir';
import { initialiseWeights, lowerInference } from '../../renderer/core/lowering/index';
import { floatTensor, node } from '../../renderer/core/onnx/builder';
import { encodeModel } from '../../renderer/core/onnx/codec';
import type { Model } from '../../renderer/core/onnx/model';
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

/** The model with `value` multiplied by 1 before its consumers: the same outputs, but not importable as layers. */
function opaque(model: Model, value: string): Model {
  const nodes = model.graph.nodes.map((n) => (n.outputs.includes(value) ? { ...n, outputs: n.outputs.map((o) => (o === value ? `${value}_raw` : o)) } : n));
  const producer = nodes.findIndex((n) => n.outputs.includes(`${value}_raw`));
  nodes.splice(producer + 1, 0, node('Mul', [`${value}_raw`, 'one'], [value], {}, { name: 'times_one' }));
  return {
    ...model,
    graph: { ...model.graph, nodes, initializers: [...model.graph.initializers, floatTensor('one', [], [1])] },
    // Without the layer graph in the metadata, the importer maps the ONNX nodes themselves.
    metadataProps: model.metadataProps.filter(([key]) => key !== 'model_lab.graph'),
  };
}

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
  const writeOpaque = (name: string, graph: LayerGraph, batch: number | string, value: string) =>
    writeFile(join(work.path, name), encodeModel(opaque(lowerInference(graph, weights, { batch, metadata }).model, value)));
  await writeOpaque('opaque-dynamic.onnx', logitsGraph, 'N', 'output');
  await writeOpaque('opaque-fixed.onnx', logitsGraph, 5, 'output');
  await writeOpaque('opaque-softmax.onnx', softmaxGraph, 'N', 'fc');
});
afterAll(() => work.cleanup());

async function evaluate(file: string, ...extra: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--data-dir', dataDir, 'eval', join(work.path, file), '--data', 'patterns', '--json', ...extra], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  return { code, stderr, report: code === 0 ? JSON.parse(stdout) : undefined };
}

describe('model-lab eval', () => {
  it('runs an importable model as the evaluation graph, and agrees with the logits path on one it cannot import', async () => {
    const dynamic = await evaluate('dynamic.onnx', '--batch', '4'); // 23 = 5·4 + 3: the graph's last batch is padded
    expect(dynamic.code).toBe(0);
    expect(dynamic.report).toMatchObject({ split: 'test', count: 23, classes: ['0', '1', '2'], evaluation: 'graph' });
    expect(dynamic.report.confusion.flat().reduce((a: number, b: number) => a + b)).toBe(23);
    expect(dynamic.report.correct).toBe(dynamic.report.confusion.reduce((sum: number, row: number[], i: number) => sum + row[i]!, 0));
    expect(Number.isFinite(dynamic.report.loss)).toBe(true);

    const logits = await evaluate('opaque-dynamic.onnx', '--batch', '4');
    expect(logits.report.evaluation).toBe('logits');
    expect(logits.stderr).toMatch(/Scoring the model's outputs on the CPU \(it cannot run as an evaluation graph: Cannot import Mul node 'times_one'/);
    const { loss, evaluation, ...counts } = logits.report;
    expect({ ...dynamic.report, loss, evaluation }).toEqual(logits.report);
    expect(dynamic.report.loss).toBeCloseTo(loss, 6);

    // The graph's batch is its own (the file's fixed batch 5 does not matter); one batch of 23 gives the same counts.
    const fixed = await evaluate('fixed.onnx');
    expect(fixed.report).toMatchObject({ ...counts, evaluation: 'graph' });
    expect(fixed.report.loss).toBeCloseTo(dynamic.report.loss, 6);
    const softmax = await evaluate('softmax.onnx');
    expect(softmax.report).toMatchObject({ ...counts, evaluation: 'graph' });
    expect(softmax.report.loss).toBeCloseTo(dynamic.report.loss, 5);

    const fixedLogits = await evaluate('opaque-fixed.onnx'); // 23 = 4·5 + 3: the last batch carries 2 padded rows
    expect(fixedLogits.report).toEqual(logits.report);
    const probabilities = await evaluate('opaque-softmax.onnx');
    expect(probabilities.report).toMatchObject({ ...counts, evaluation: 'logits' });
    expect(probabilities.report.loss).toBeCloseTo(loss, 5);

    const bare = await evaluate('no-meta.onnx');
    expect(bare.stderr).toContain('no model_lab.normalisation metadata; feeding pixels scaled to [0, 1]');
    expect(bare.report).toMatchObject({ count: 23, evaluation: 'graph' });
    expect(bare.report.loss).not.toBeCloseTo(dynamic.report.loss, 5);
  }, 60_000);

  it('prints the same report in text on either path', async () => {
    const text = async (file: string) => {
      let stdout = '';
      const code = await main(['--data-dir', dataDir, 'eval', join(work.path, file), '--data', 'patterns'], { stdout: (t) => void (stdout += t), stderr: () => undefined, env: {} });
      return { code, stdout };
    };
    const graph = await text('dynamic.onnx');
    const logits = await text('opaque-dynamic.onnx');
    const form = /^\S+ on 'patterns' test \(23 images\): accuracy 0\.\d{4} \(\d+\/23\), loss \d+\.\d{4}\nConfusion matrix \(rows: true class, columns: predicted\):\ntrue \\ predicted +0 +1 +2\n(0:0|1:1|2:2) /;
    expect(graph.code).toBe(0);
    expect(graph.stdout).toMatch(form);
    expect(logits.stdout).toMatch(form);
    // Same figures, same table: only the file name differs.
    expect(graph.stdout.slice(graph.stdout.indexOf(' on '))).toBe(logits.stdout.slice(logits.stdout.indexOf(' on ')));
  });

  it('refuses a missing model, an empty split and a class-count mismatch', async () => {
    expect(await evaluate('nothing.onnx')).toMatchObject({ code: 1, stderr: expect.stringMatching(/nothing\.onnx' does not exist/) });
    expect(await evaluate('dynamic.onnx', '--split', 'val')).toMatchObject({ code: 1, stderr: expect.stringMatching(/has no val samples/) });
    const four = { ...logitsGraph, nodes: layers.map((l) => (l.id === 'fc' ? { ...l, attrs: { outFeatures: 4 } } : l)) } as LayerGraph;
    await writeFile(join(work.path, 'four.onnx'), encodeModel(lowerInference(four, initialiseWeights(four, { seed: 1 })).model));
    expect(await evaluate('four.onnx')).toMatchObject({ code: 1, stderr: expect.stringMatching(/scores 4 classes, but dataset 'patterns' has 3/) });
  });
});
