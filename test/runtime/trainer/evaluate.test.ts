// The evaluation graph on onnxruntime-web (wasm, float32) against the logits path it replaces: the same counts and
// confusion and the loss to float32 precision on LeNet-5 with a padded last batch; exact first-maximum ties; a label
// the model cannot score refused before anything runs; and the trainer evaluating through it with its resident
// parameters (BatchNorm running statistics, no dropout).
import { describe, expect, it, vi } from 'vitest';
import { zooModel } from '../../../models/index';
import type { LayerGraph } from '../../../renderer/core/ir';
import { initialiseWeights, lowerEvaluation, lowerInference, lowerTraining } from '../../../renderer/core/lowering/index';
import { encodeModel } from '../../../renderer/core/onnx/codec';
import { seededRandom } from '../../../renderer/core/random';
import { compileEvaluationStep } from '../../../renderer/core/training/eval';
import type { WeightStore } from '../../../renderer/core/weights';
import { createNodeSession, nodeLoader } from '../../../renderer/runtime/ort-node';
import type { ModelSession } from '../../../renderer/runtime/session';
import { loadSplit, MemoryDataSource } from '../../../renderer/runtime/trainer/data';
import { evaluateSplit, evaluateWithGraph } from '../../../renderer/runtime/trainer/evaluate';
import { Trainer } from '../../../renderer/runtime/trainer/trainer';
import { tinySamples } from './tiny';

function randomSplit(n: number, shape: [number, number, number], classes: number, seed: number) {
  const next = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { pixels: Uint8Array.from({ length: n * size }, () => Math.floor(next() * 256)), labels: Uint16Array.from({ length: n }, () => Math.floor(next() * classes)) };
}

async function testSplit(shape: [number, number, number], classes: string[], split: { pixels: Uint8Array; labels: Uint16Array }) {
  const source = new MemoryDataSource({ name: 'eval', shape, classes, splits: { train: split, test: split } });
  return loadSplit(source, await source.describe(), 'test');
}

function paramTensors(session: ModelSession, names: string[], weights: WeightStore) {
  return Object.fromEntries(names.map((name) => [name, new session.ort.Tensor('float32', weights.get(name)!.data, weights.get(name)!.dims)]));
}

const tieGraph: LayerGraph = {
  format: 'model-lab/graph',
  version: 1,
  name: 'ties',
  nodes: [
    { id: 'input', kind: 'Input', attrs: { channels: 1, height: 2, width: 2 }, inputs: [] },
    { id: 'flatten', kind: 'Flatten', attrs: {}, inputs: ['input'] },
    { id: 'fc', kind: 'Dense', attrs: { outFeatures: 3 }, inputs: ['flatten'] },
  ],
} as LayerGraph;
// Rows 1 and 2 identical: they always tie, and all three tie on a black image.
const tieWeights: WeightStore = new Map([
  ['fc.weight', { dims: [3, 4], data: Float32Array.from([0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4]) }],
  ['fc.bias', { dims: [3], data: new Float32Array(3) }],
]);
const plain = { mean: [0], std: [1] };

describe('evaluation with the evaluation graph (onnxruntime-web, wasm)', () => {
  it('LeNet-5: the same correct count and confusion as the logits path, the loss to float32 precision, a padded last batch', async () => {
    const graph = zooModel('lenet5')!.build({ input: [1, 28, 28], classes: 10 });
    const weights = initialiseWeights(graph, { seed: 2 });
    const data = await testSplit([1, 28, 28], [...'0123456789'], randomSplit(11, [1, 28, 28], 10, 5));
    const normalisation = { mean: [0.3], std: [0.35] };

    const step = compileEvaluationStep(lowerEvaluation(graph, { batch: 4 }), { normalisation }); // 11 = 4 + 4 + 3
    const session = await createNodeSession(encodeModel(step.model), { backend: 'wasm' });
    const progress: number[] = [];
    const got = await evaluateWithGraph(session, step, data, { params: paramTensors(session, step.inputs.params, weights), onProgress: (done) => progress.push(done) });
    await session.release();

    const inference = lowerInference(graph, weights, { batch: 'N' });
    const logitsSession = await createNodeSession(encodeModel(inference.model), { backend: 'wasm' });
    const want = await evaluateSplit(logitsSession, data, { input: inference.input, output: inference.output, classes: 10, batch: 4, normalisation });
    await logitsSession.release();

    expect(progress).toEqual([4, 8, 11]);
    expect(got.confusion).toEqual(want.confusion);
    expect(got.confusion.flat().reduce((a, b) => a + b)).toBe(11);
    expect({ ...got, loss: 0, lossSum: 0, seconds: 0 }).toEqual({ ...want, loss: 0, lossSum: 0, seconds: 0 });
    expect(got.lossSum).toBeCloseTo(want.lossSum, 4);
    expect(got.loss).toBeCloseTo(want.loss, 5);
  });

  it('predicts the first of tied maxima in float32 too', async () => {
    const step = compileEvaluationStep(lowerEvaluation(tieGraph, { batch: 2 }), { normalisation: plain, weights: tieWeights });
    // black, label 1 → all tie: 0; grey, label 2 → 1 and 2 tie: 1; grey, label 1 → 1.
    const data = await testSplit([1, 2, 2], ['a', 'b', 'c'], { pixels: Uint8Array.from([0, 0, 0, 0, 9, 9, 9, 9, 7, 0, 7, 0]), labels: Uint16Array.from([1, 2, 1]) });
    const session = await createNodeSession(encodeModel(step.model), { backend: 'wasm' });
    const got = await evaluateWithGraph(session, step, data);
    await session.release();
    expect(got.confusion).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [0, 1, 0],
    ]);
    expect(got.correct).toBe(1);
  });

  it('refuses a label the model cannot score before running, and a missing parameter', async () => {
    const step = compileEvaluationStep(lowerEvaluation(tieGraph, { batch: 2 }), { normalisation: plain });
    const four = await testSplit([1, 2, 2], ['a', 'b', 'c', 'd'], { pixels: new Uint8Array(16), labels: Uint16Array.from([0, 1, 2, 3]) });
    const session = await createNodeSession(encodeModel(step.model), { backend: 'wasm' });
    const run = vi.spyOn(session, 'run');
    await expect(evaluateWithGraph(session, step, four, { params: paramTensors(session, step.inputs.params, tieWeights) })).rejects.toThrow(
      'The test sample 3 has label 3, but the model scores 3 classes (0 to 2); evaluate it on a dataset with 3 classes.',
    );
    await expect(evaluateWithGraph(session, step, four)).rejects.toThrow("The evaluation graph needs the parameter 'fc.weight', which was not given.");
    expect(run).not.toHaveBeenCalled();
    await session.release();
  });

  it('the trainer evaluates through the graph with its resident parameters, as the inference model scores', async () => {
    const graph: LayerGraph = {
      format: 'model-lab/graph',
      version: 1,
      name: 'bn-dropout',
      nodes: [
        { id: 'input', kind: 'Input', attrs: { channels: 1, height: 8, width: 8 }, inputs: [] },
        { id: 'conv', kind: 'Conv2d', attrs: { outChannels: 4, kernel: 3, padding: 1 }, inputs: ['input'] },
        { id: 'bn', kind: 'BatchNorm', attrs: {}, inputs: ['conv'] },
        { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['bn'] },
        { id: 'flatten', kind: 'Flatten', attrs: {}, inputs: ['relu'] },
        { id: 'drop', kind: 'Dropout', attrs: { p: 0.5 }, inputs: ['flatten'] },
        { id: 'fc', kind: 'Dense', attrs: { outFeatures: 2 }, inputs: ['drop'] },
      ],
    } as LayerGraph;
    const split = (n: number, s: number) => tinySamples(n, s);
    const data = new MemoryDataSource({ name: 'tiny', shape: [1, 8, 8], classes: ['bottom', 'top'], splits: { train: split(64, 1), val: split(16, 2), test: split(21, 3) } });
    const trainer = new Trainer({
      program: lowerTraining(graph, { batch: 8 }),
      weights: initialiseWeights(graph, { seed: 1 }),
      optimizer: { kind: 'sgd', momentum: 0.9 },
      schedule: { base: 0.05, schedule: { kind: 'constant' } },
      epochs: 1,
      seed: 3,
      data,
      evalBatch: 5,
      loader: nodeLoader,
    });
    const result = await trainer.run();
    expect(result.history[0]!.validation).toMatchObject({ split: 'val', count: 16 });
    const got = await trainer.evaluate('test'); // 21 = 4·5 + 1
    const weights = await trainer.weights();
    expect(Array.from(weights.get('bn.running_var')!.data).some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);

    const inference = lowerInference(graph, weights, { batch: 'N' });
    const session = await createNodeSession(encodeModel(inference.model), { backend: 'wasm' });
    const want = await evaluateSplit(session, await trainer.split('test'), { input: inference.input, output: inference.output, classes: 2, batch: 5, normalisation: trainer.normalisation });
    await session.release();
    expect(got.confusion).toEqual(want.confusion);
    expect(got.correct).toBe(want.correct);
    expect(got.loss).toBeCloseTo(want.loss, 5);
    // A second evaluation reuses the compiled graph and gives the same figures.
    expect({ ...(await trainer.evaluate('test')), seconds: 0 }).toEqual({ ...got, seconds: 0 });
    await trainer.dispose();
  });
});
