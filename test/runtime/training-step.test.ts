// The compiled training step runs in onnxruntime-web (wasm, in Node): one step equals the float64 reference, and
// feeding outputs back as inputs trains a small CNN on a learnable task.
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType } from '../../renderer/core/onnx/model';
import { refTensor, runGraph, type RefTensor } from '../../renderer/core/onnx/reference';
import { compileTrainingStep } from '../../renderer/core/training/step';
import { createNodeSession } from '../../renderer/runtime/ort-node';
import type { ModelSession } from '../../renderer/runtime/session';
import { OPSET } from '../core/autodiff/gradcheck';
import { tinyBatch, tinyParams, tinyProgram, TINY } from '../core/training/tiny-program';

const sessions: ModelSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

const options = { optimizer: { kind: 'sgd' as const, momentum: 0.9 }, normalisation: { mean: [0.5], std: [0.25] } };

async function runStep(session: ModelSession, feeds: Record<string, unknown>) {
  const tensors: Record<string, Parameters<ModelSession['run']>[0][string]> = {};
  for (const [name, value] of Object.entries(feeds)) {
    const v = value as { data: Float32Array | Uint8Array | Int32Array; dims: number[] };
    const type = v.data instanceof Uint8Array ? 'uint8' : v.data instanceof Int32Array ? 'int32' : 'float32';
    tensors[name] = new session.ort.Tensor(type, v.data, v.dims);
  }
  return session.run(tensors);
}

describe('training step in onnxruntime-web', () => {
  it('computes one SGD step as the float64 reference does', async () => {
    const step = compileTrainingStep(tinyProgram(), options);
    const session = await createNodeSession(encodeModel(step.model));
    sessions.push(session);
    const params = tinyParams();
    const { pixels, labels } = tinyBatch(1);
    const feeds: Record<string, { data: Float32Array | Uint8Array | Int32Array; dims: number[] }> = {
      batch: { data: pixels, dims: [TINY.batch, 1, 8, 8] },
      labels: { data: labels, dims: [TINY.batch] },
      'optimizer.lr': { data: Float32Array.of(0.1), dims: [] },
      ...params,
    };
    for (const s of step.inputs.state) feeds[s.input] = { data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)).fill(0.01), dims: [...s.shape] };
    const ort = await runStep(session, feeds);
    const refFeeds: Record<string, RefTensor> = {};
    for (const [name, v] of Object.entries(feeds)) {
      refFeeds[name] = refTensor(v.dims, v.data, v.data instanceof Uint8Array ? DataType.UINT8 : v.data instanceof Int32Array ? DataType.INT32 : DataType.FLOAT);
    }
    const names = step.model.graph.outputs.map((o) => o.name);
    const reference = runGraph(step.model.graph, OPSET, refFeeds, names);
    for (const name of names) {
      const expected = reference[name]!.data;
      const actual = (await ort[name]!.getData()) as Float32Array;
      for (let i = 0; i < expected.length; i++) {
        if (Math.abs(actual[i]! - expected[i]!) > 1e-4 * Math.max(1, Math.abs(expected[i]!))) expect.fail(`${name}[${i}]: onnxruntime ${actual[i]}, reference ${expected[i]}`);
      }
    }
  });

  it('learns: loss falls and the batches come out right after 40 steps of Adam', async () => {
    const step = compileTrainingStep(tinyProgram(), { ...options, optimizer: { kind: 'adam' } });
    const session = await createNodeSession(encodeModel(step.model));
    sessions.push(session);
    let values: Record<string, { data: Float32Array; dims: number[] }> = { ...tinyParams() };
    for (const s of step.inputs.state) values[s.input] = { data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)), dims: [...s.shape] };
    const losses: number[] = [];
    let lastCorrect = 0;
    for (let t = 1; t <= 40; t++) {
      const { pixels, labels } = tinyBatch(100 + t);
      const out = await runStep(session, {
        ...values,
        batch: { data: pixels, dims: [TINY.batch, 1, 8, 8] },
        labels: { data: labels, dims: [TINY.batch] },
        'optimizer.lr': { data: Float32Array.of(0.01), dims: [] },
        'optimizer.bias_correction1': { data: Float32Array.of(1 / (1 - 0.9 ** t)), dims: [] },
        'optimizer.bias_correction2': { data: Float32Array.of(1 / (1 - 0.999 ** t)), dims: [] },
      });
      losses.push(((await out.loss!.getData()) as Float32Array)[0]!);
      lastCorrect = ((await out.correct!.getData()) as Float32Array)[0]!;
      const next: typeof values = {};
      for (const [input, output] of [...step.outputs.params, ...step.outputs.state]) next[input] = { data: (await out[output]!.getData()) as Float32Array, dims: [...out[output]!.dims] };
      values = next;
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses[0]! * 0.3);
    expect(lastCorrect).toBe(TINY.batch);
  });
});
