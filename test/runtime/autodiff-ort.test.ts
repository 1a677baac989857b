// Every gradient case's backward graph runs in onnxruntime-web (wasm, in Node) and gives the reference's gradients:
// proof that ORT accepts every op and attribute the rules emit, not only that the math is right.
import { afterAll, describe, expect, it } from 'vitest';
import { model } from '../../renderer/core/onnx/builder';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { refTensor, runGraph } from '../../renderer/core/onnx/reference';
import { createNodeSession } from '../../renderer/runtime/ort-node';
import type { ModelSession } from '../../renderer/runtime/session';
import { gradientCases } from '../core/autodiff/cases';
import { gradientGraph, OPSET } from '../core/autodiff/gradcheck';

const sessions: ModelSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

describe('backward graphs in onnxruntime-web (wasm)', () => {
  for (const c of gradientCases) {
    it(c.name, async () => {
      const testCase = c.make();
      // Float32-rounded inputs for both, so only the arithmetic differs.
      for (const p of Object.values(testCase.params)) p.values = Array.from(Float32Array.from(p.values));
      const { graph, gradients } = gradientGraph(testCase);
      const session = await createNodeSession(encodeModel(model(graph, { opset: OPSET })));
      sessions.push(session);
      const feeds = Object.fromEntries(Object.entries(testCase.params).map(([name, p]) => [name, { data: Float32Array.from(p.values), dims: p.dims }]));
      const ort = await session.runFloat32(feeds);
      const reference = runGraph(graph, OPSET, Object.fromEntries(Object.entries(testCase.params).map(([n, p]) => [n, refTensor(p.dims, p.values)])), [...gradients.values()]);
      for (const [param, gradient] of gradients) {
        const expected = reference[gradient]!;
        const actual = ort[gradient]!;
        expect(actual.dims, `shape of d/d${param}`).toEqual(expected.dims);
        for (let i = 0; i < expected.data.length; i++) {
          const error = Math.abs(actual.data[i]! - expected.data[i]!) / Math.max(1, Math.abs(expected.data[i]!));
          if (error > 1e-4) expect.fail(`d/d${param}[${i}]: onnxruntime ${actual.data[i]}, reference ${expected.data[i]}`);
        }
      }
    });
  }
});
