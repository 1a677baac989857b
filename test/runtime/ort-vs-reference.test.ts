// Tiny hand-built models run through onnxruntime-web (wasm, in Node) must match the float64 reference interpreter.
// Each model exercises a case where implementations commonly differ.

import { afterAll, describe, expect, it } from 'vitest';
import { floatTensor, GraphBuilder, int64Vector, model } from '../../renderer/core/onnx/builder';
import { checkModel } from '../../renderer/core/onnx/checker';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType, elementCount, type Model } from '../../renderer/core/onnx/model';
import { refTensor, runReference } from '../../renderer/core/onnx/reference';
import { createNodeSession } from '../../renderer/runtime/ort-node';
import type { ModelSession } from '../../renderer/runtime/session';
import { randomValues } from '../core/onnx/random';

const sessions: ModelSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

/** Runs `m` on ORT and on the reference with the same seeded inputs; returns the largest absolute difference. */
async function compare(m: Model, inputDims: Record<string, number[]>, seed = 1): Promise<{ maxDiff: number; dims: number[][] }> {
  const session = await createNodeSession(encodeModel(m));
  sessions.push(session);
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {};
  let s = seed;
  for (const [name, dims] of Object.entries(inputDims)) feeds[name] = { data: randomValues(elementCount(dims), s++), dims };
  const ort = await session.runFloat32(feeds);
  const ref = runReference(
    m,
    Object.fromEntries(Object.entries(feeds).map(([name, { data, dims }]) => [name, refTensor(dims, data)])),
  );
  // The checker accepts the model, and its static shapes agree with what onnxruntime computed.
  const { issues, inference } = checkModel(m);
  expect(issues).toEqual([]);
  const symbols = new Map<string, number>();
  let maxDiff = 0;
  const dims: number[][] = [];
  for (const [name, expected] of Object.entries(ref)) {
    const actual = ort[name]!;
    expect(actual.dims, `dims of ${name}`).toEqual(expected.dims);
    const inferred = inference!.types.get(name)?.shape;
    expect(inferred, `inferred shape of ${name}`).toBeDefined();
    inferred!.forEach((d, i) => {
      if (typeof d === 'number') expect(d, `inferred dim ${i} of ${name}`).toBe(actual.dims[i]);
      else if (typeof d === 'string') {
        if (!symbols.has(d)) symbols.set(d, actual.dims[i]!);
        expect(actual.dims[i], `symbolic dim '${d}' of ${name}`).toBe(symbols.get(d));
      } else throw new Error(`dim ${i} of ${name} was not inferred`);
    });
    dims.push(actual.dims);
    for (let i = 0; i < expected.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(actual.data[i]! - expected.data[i]!));
  }
  return { maxDiff, dims };
}

function weights(b: GraphBuilder, name: string, dims: number[], seed: number, scale = 0.5): string {
  return b.initializer(floatTensor(name, dims, Array.from(randomValues(elementCount(dims), seed), (v) => v * scale)));
}

describe('onnxruntime-web (wasm, Node) agrees with the float64 reference', () => {
  it('conv → relu → maxpool → flatten → gemm → softmax', async () => {
    const b = new GraphBuilder('small_cnn');
    const x = b.input('x', DataType.FLOAT, ['batch', 1, 8, 8]);
    const [c] = b.add('Conv', [x, weights(b, 'w1', [4, 1, 3, 3], 10), weights(b, 'b1', [4], 11)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const [r] = b.add('Relu', [c!]);
    const [p] = b.add('MaxPool', [r!], { kernel_shape: [2, 2], strides: [2, 2] });
    const [f] = b.add('Flatten', [p!], { axis: 1 });
    const [g] = b.add('Gemm', [f!, weights(b, 'w2', [10, 64], 12, 0.2), weights(b, 'b2', [10], 13)], { transB: 1 });
    b.add('Softmax', [g!], { axis: -1 }, { outputs: ['probs'] });
    b.output('probs', DataType.FLOAT, ['batch', 10]);
    const { maxDiff, dims } = await compare(model(b.build()), { x: [2, 1, 8, 8] });
    expect(dims).toEqual([[2, 10]]);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('grouped, dilated, strided Conv with asymmetric pads', async () => {
    const b = new GraphBuilder('grouped');
    const x = b.input('x', DataType.FLOAT, [1, 4, 9, 10]);
    b.add('Conv', [x, weights(b, 'w', [6, 2, 3, 2], 20), weights(b, 'bias', [6], 21)], {
      kernel_shape: [3, 2],
      group: 2,
      dilations: [2, 3],
      strides: [2, 1],
      pads: [1, 0, 2, 3],
    }, { outputs: ['y'] });
    b.output('y', DataType.FLOAT);
    const { maxDiff, dims } = await compare(model(b.build()), { x: [1, 4, 9, 10] });
    // H: ⌊(9 + 1 + 2 − 5) / 2⌋ + 1 = 4; W: 10 + 0 + 3 − 4 + 1 = 10.
    expect(dims).toEqual([[1, 6, 4, 10]]);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('LRN (AlexNet settings) and BatchNormalization', async () => {
    const b = new GraphBuilder('norms');
    const x = b.input('x', DataType.FLOAT, [2, 7, 3, 3]);
    const [l] = b.add('LRN', [x], { size: 5, alpha: 1e-4 * 5000, beta: 0.75, bias: 2 });
    const positive = b.initializer(floatTensor('var', [7], Array.from(randomValues(7, 31, 0.5, 2))));
    b.add('BatchNormalization', [l!, weights(b, 'scale', [7], 32), weights(b, 'shift', [7], 33), weights(b, 'mean', [7], 34), positive], { epsilon: 1e-3 }, { outputs: ['y'] });
    b.output('y', DataType.FLOAT);
    const { maxDiff } = await compare(model(b.build()), { x: [2, 7, 3, 3] });
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('ConvTranspose with groups, strides, pads and output_padding', async () => {
    const b = new GraphBuilder('deconv');
    const x = b.input('x', DataType.FLOAT, [1, 4, 3, 4]);
    b.add('ConvTranspose', [x, weights(b, 'w', [4, 3, 3, 3], 40), weights(b, 'bias', [6], 41)], {
      kernel_shape: [3, 3],
      group: 2,
      strides: [2, 3],
      pads: [1, 0, 0, 1],
      output_padding: [1, 2],
    }, { outputs: ['y'] });
    b.output('y', DataType.FLOAT);
    const { maxDiff, dims } = await compare(model(b.build()), { x: [1, 4, 3, 4] });
    // H: 2·(3−1) + 1 + 3 − 1 − 0 = 7; W: 3·(4−1) + 2 + 3 − 0 − 1 = 13.
    expect(dims).toEqual([[1, 6, 7, 13]]);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('pools in ceil mode: the dropped last window, count_include_pad, dilations', async () => {
    const b = new GraphBuilder('pools');
    const x = b.input('x', DataType.FLOAT, [1, 2, 5, 7]);
    b.add('MaxPool', [x], { kernel_shape: [2, 2], strides: [3, 3], pads: [0, 0, 1, 1], ceil_mode: 1 }, { outputs: ['max_drop'] });
    b.add('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], dilations: [1, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, { outputs: ['max_dil'] });
    b.add('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 }, { outputs: ['avg_incl'] });
    b.add('AveragePool', [x], { kernel_shape: [3, 2], strides: [2, 2], pads: [0, 1, 1, 0], ceil_mode: 1 }, { outputs: ['avg_excl'] });
    b.add('AveragePool', [x], { kernel_shape: [2, 2], auto_pad: 'SAME_UPPER', count_include_pad: 1 }, { outputs: ['avg_same'] });
    for (const o of ['max_drop', 'max_dil', 'avg_incl', 'avg_excl', 'avg_same']) b.output(o, DataType.FLOAT);
    const { maxDiff, dims } = await compare(model(b.build()), { x: [1, 2, 5, 7] });
    // H: ⌈(5 + 1 − 2) / 3⌉ + 1 = 3, but the third window would start at 6, past the input: dropped, as onnxruntime's
    // kernel and PyTorch do (onnxruntime's ONNX shape inference says 3 and logs a warning).
    expect(dims[0]).toEqual([1, 2, 2, 3]);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('Slice with negative steps, exclusive reverse CumSum, Pad reflect, reductions with axes inputs', async () => {
    const b = new GraphBuilder('data_movement');
    const x = b.input('x', DataType.FLOAT, [2, 3, 6]);
    const [starts, ends, axes, steps] = [
      int64Vector('starts', [-1, 5]),
      int64Vector('ends', [-1000, 0]),
      int64Vector('axes', [1, 2]),
      int64Vector('steps', [-1, -2]),
    ].map((t) => b.initializer(t));
    b.add('Slice', [x, starts!, ends!, axes!, steps!], {}, { outputs: ['sliced'] });
    b.add('CumSum', [x, b.initializer({ ...int64Vector('cum_axis', [2]), dims: [] })], { exclusive: 1, reverse: 1 }, { outputs: ['cumsum'] });
    b.add('Pad', [x, b.initializer(int64Vector('pads', [0, 1, 2, 0, 1, 1]))], { mode: 'reflect' }, { outputs: ['padded'] });
    b.add('ReduceMean', [x, b.initializer(int64Vector('rm_axes', [0, 2]))], { keepdims: 1 }, { outputs: ['mean'] });
    b.add('ReduceMax', [x, b.initializer(int64Vector('rx_axes', [-1]))], { keepdims: 0 }, { outputs: ['max'] });
    const [ls] = b.add('LogSoftmax', [x], { axis: 1 });
    b.add('Transpose', [ls!], { perm: [2, 0, 1] }, { outputs: ['logsoftmax_t'] });
    for (const o of ['sliced', 'cumsum', 'padded', 'mean', 'max', 'logsoftmax_t']) b.output(o, DataType.FLOAT);
    const { maxDiff, dims } = await compare(model(b.build()), { x: [2, 3, 6] });
    expect(dims[0]).toEqual([2, 3, 3]);
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('opset 11 forms: Softmax over the flattened tail, reductions and Unsqueeze with axes attributes', async () => {
    const b = new GraphBuilder('opset11');
    const x = b.input('x', DataType.FLOAT, [2, 3, 4]);
    b.add('Softmax', [x], { axis: 1 }, { outputs: ['softmax'] });
    const [s] = b.add('ReduceSum', [x], { axes: [1], keepdims: 0 });
    b.add('Unsqueeze', [s!], { axes: [0] }, { outputs: ['sum'] });
    for (const o of ['softmax', 'sum']) b.output(o, DataType.FLOAT);
    const { maxDiff, dims } = await compare(model(b.build(), { opset: 11, irVersion: 6 }), { x: [2, 3, 4] });
    expect(dims).toEqual([[2, 3, 4], [1, 2, 4]]);
    expect(maxDiff).toBeLessThan(1e-4);
  });
});
