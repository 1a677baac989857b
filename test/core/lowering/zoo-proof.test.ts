// Proof for every zoo model: the exported forward model passes the ONNX checker's rules, every layer's ONNX shape
// equals the analysis's, and onnxruntime-web (wasm, in Node) gives the outputs of an independent float64 reference.
import { afterAll, describe, expect, it } from 'vitest';
import { zoo } from '../../../models/index';
import { analyse } from '../../../renderer/core/analysis';
import { initialiseWeights, lowerInference } from '../../../renderer/core/lowering/index';
import { checkModel } from '../../../renderer/core/onnx/checker';
import { encodeModel } from '../../../renderer/core/onnx/codec';
import { refTensor, runReference } from '../../../renderer/core/onnx/reference';
import { inferShapes } from '../../../renderer/core/onnx/shape-inference';
import { createNodeSession } from '../../../renderer/runtime/ort-node';
import type { ModelSession } from '../../../renderer/runtime/session';

/** Small inputs keep the float64 reference quick; each is large enough for the model's downsampling. */
const SMALL_INPUT: Record<string, [number, number, number]> = {
  lenet5: [1, 28, 28],
  'lenet5-relu': [1, 28, 28],
  alexnet: [3, 64, 64],
  'alexnet-paper': [3, 67, 67],
  'alexnet-d2l': [1, 96, 96],
  vgg11: [3, 32, 32],
  vgg16: [3, 32, 32],
  'vgg11-bn': [3, 32, 32],
  'vgg16-bn': [3, 32, 32],
  nin: [1, 96, 96],
  googlenet: [3, 64, 64],
  'inception-v2': [3, 96, 96],
  'inception-v3': [3, 96, 96],
  resnet18: [3, 64, 64],
  resnet50: [3, 64, 64],
  densenet121: [3, 64, 64],
};

const sessions: ModelSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

describe('every zoo model exports with proof', () => {
  it('has a small input for every zoo model', () => expect(Object.keys(SMALL_INPUT).sort()).toEqual(zoo.map((z) => z.id).sort()));

  for (const entry of zoo) {
    it(entry.id, { timeout: 240_000 }, async () => {
      const input = SMALL_INPUT[entry.id]!;
      const graph = entry.build({ input, classes: 10 });
      const analysis = analyse(graph);
      expect(analysis.issues).toEqual([]);
      const { model, output } = lowerInference(graph, initialiseWeights(graph, { seed: 7 }), { batch: 2 });

      expect(checkModel(model).issues).toEqual([]);
      const types = inferShapes(model).types;
      // Each layer's output value is named after it (pass-through layers such as inference-time Dropout have none).
      let checked = 0;
      for (const layer of analysis.layers) {
        const value = types.get(layer.name);
        if (!value) continue;
        expect(value.shape, `shape of layer '${layer.name}'`).toEqual([2, ...(layer.outputShape ?? [])]);
        checked++;
      }
      expect(checked).toBeGreaterThan(analysis.layers.length * 0.8);
      expect(types.get(output)!.shape).toEqual([2, ...(analysis.layers.at(-1)!.outputShape ?? [])]);

      const data = Float32Array.from({ length: 2 * input[0] * input[1] * input[2] }, (_, i) => Math.sin(i * 0.37));
      const session = await createNodeSession(encodeModel(model));
      sessions.push(session);
      const ort = (await session.runFloat32({ input: { data, dims: [2, ...input] } }))[output]!;
      const reference = runReference(model, { input: refTensor([2, ...input], data) })[output]!;
      expect(ort.dims).toEqual([2, 10]);
      for (let i = 0; i < reference.data.length; i++) {
        const error = Math.abs(ort.data[i]! - reference.data[i]!) / Math.max(1, Math.abs(reference.data[i]!));
        if (error > 1e-4) expect.fail(`output[${i}]: onnxruntime ${ort.data[i]}, reference ${reference.data[i]}`);
      }
    });
  }
});
