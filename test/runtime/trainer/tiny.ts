// The hand-built tiny CNN (test/core/training/tiny-program.ts) as a trainer input: a data source of its learnable
// task, its initial weights, and its inference model (same layers, symbolic batch, weights as initializers).
import type { LayerGraph } from '../../../renderer/core/ir';
import { GraphBuilder, floatTensor, model as makeModel } from '../../../renderer/core/onnx/builder';
import { DataType } from '../../../renderer/core/onnx/model';
import { EXPORT_OPSET } from '../../../renderer/core/onnx/schema';
import type { WeightStore } from '../../../renderer/core/weights';
import { MemoryDataSource } from '../../../renderer/runtime/trainer/data';
import { seededRandom } from '../../../renderer/runtime/trainer/random';
import type { InferenceBuilder } from '../../../renderer/runtime/trainer/trainer';
import { tinyParams } from '../../core/training/tiny-program';

/** n samples of the tiny task: class 1 is bright in the top half, class 0 in the bottom half. */
export function tinySamples(n: number, seed: number): { pixels: Uint8Array; labels: Uint16Array } {
  const next = seededRandom(seed);
  const pixels = new Uint8Array(n * 64);
  const labels = new Uint16Array(n);
  for (let s = 0; s < n; s++) {
    labels[s] = next() < 0.5 ? 0 : 1;
    for (let i = 0; i < 64; i++) pixels[s * 64 + i] = Math.floor(((labels[s] === 1) === i < 32 ? 150 : 30) + next() * 100);
  }
  return { pixels, labels };
}

export function tinySource(counts: { train: number; val?: number; test?: number }, shardSize?: number): MemoryDataSource {
  const split = (n: number | undefined, seed: number) => (n ? { ...tinySamples(n, seed), ...(shardSize ? { shardSize } : {}) } : undefined);
  const splits = { train: split(counts.train, 11), val: split(counts.val, 12), test: split(counts.test, 13) };
  return new MemoryDataSource({
    name: 'tiny',
    shape: [1, 8, 8],
    classes: ['bottom', 'top'],
    splits: Object.fromEntries(Object.entries(splits).filter(([, v]) => v)) as never,
  });
}

export function tinyWeights(seed = 3): WeightStore {
  return new Map(Object.entries(tinyParams(seed)).map(([name, t]) => [name, { dims: t.dims, data: t.data }]));
}

export const tinyInference: InferenceBuilder = (weights) => {
  const b = new GraphBuilder('tiny_inference');
  const x = b.input('input', DataType.FLOAT, ['N', 1, 8, 8]);
  for (const [name, t] of weights) b.initializers.push(floatTensor(name, t.dims, t.data));
  const conv = b.add('Conv', [x, 'conv.weight', 'conv.bias'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' })[0]!;
  const relu = b.add('Relu', [conv], {}, { name: 'relu' })[0]!;
  const pool = b.add('MaxPool', [relu], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'pool' })[0]!;
  const flat = b.add('Flatten', [pool], { axis: 1 }, { name: 'flatten' })[0]!;
  const logits = b.add('Gemm', [flat, 'fc.weight', 'fc.bias'], { transB: 1 }, { name: 'fc' })[0]!;
  b.output(logits, DataType.FLOAT, ['N', 2]);
  return { model: makeModel(b.build(), { opset: EXPORT_OPSET }), input: x, output: logits };
};

/** A small convolutional layer graph (1×8×8 → 2 classes), for runs that go through the lowering. */
export const smallGraph: LayerGraph = {
  format: 'model-lab/graph',
  version: 1,
  name: 'small',
  nodes: [
    { id: 'input', kind: 'Input', attrs: { channels: 1, height: 8, width: 8 }, inputs: [] },
    { id: 'conv', kind: 'Conv2d', attrs: { outChannels: 4, kernel: 3, padding: 1 }, inputs: ['input'] },
    { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['conv'] },
    { id: 'flatten', kind: 'Flatten', attrs: {}, inputs: ['relu'] },
    { id: 'fc', kind: 'Dense', attrs: { outFeatures: 2 }, inputs: ['flatten'] },
  ],
};
