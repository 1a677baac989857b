// Import → lower → run: an imported PyTorch model, compiled again by our own lowering, must give PyTorch's outputs in
// onnxruntime-web (wasm, in Node) and in the float64 reference; and export → import → export must give the same
// graph, bit-identical weights and the same bytes.
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../../../renderer/core/import/index';
import type { LayerGraph } from '../../../renderer/core/ir';
import { initialiseWeights, lowerInference } from '../../../renderer/core/lowering/index';
import { encodeModel } from '../../../renderer/core/onnx/codec';
import { refTensor, runReference } from '../../../renderer/core/onnx/reference';
import { createNodeSession } from '../../../renderer/runtime/ort-node';
import type { ModelSession } from '../../../renderer/runtime/session';
import { bits, fixture, fixtureBytes, importableFiles, maxAbsDiff } from './fixtures';

const sessions: ModelSession[] = [];
afterAll(async () => {
  for (const session of sessions) await session.release();
});

// Opsets 11 and 13 import to the same graphs as 17 (pytorch.test.ts checks each); here the opset-17 files, the
// fixed-batch, fused and traced-LocalResponseNorm variants, and AlexNet at opset 11.
const FILES = importableFiles().filter(({ file, info }) => info.opset === 17 || !info.dynamic_batch || info.batchnorm_fused || info.torch_lrn || file === 'alexnet_opset11.onnx');

describe.each(FILES)('$file', ({ model, file }) => {
  const imported = importOnnx(fixtureBytes(file));
  const lowered = lowerInference(imported.graph, imported.weights);
  const exported = encodeModel(lowered.model);
  const { input, output } = fixture(model);
  const x = Float32Array.from(input.data);

  it("lowered again, runs in onnxruntime-web with PyTorch's outputs", async () => {
    const session = await createNodeSession(exported);
    sessions.push(session);
    const result = await session.runFloat32({ [lowered.input]: { data: x, dims: input.dims } });
    const y = result[lowered.output]!;
    expect(y.dims).toEqual(output.dims);
    expect(maxAbsDiff(y.data, output.data)).toBeLessThan(1e-4);
  });

  it("lowered again, gives PyTorch's outputs in the float64 reference", () => {
    const y = runReference(lowered.model, { [lowered.input]: refTensor(input.dims, x) })[lowered.output]!;
    expect(maxAbsDiff(y.data, output.data)).toBeLessThan(1e-4);
  });

  it('export → import → export gives the same graph, bit-identical weights and the same bytes', () => {
    const again = importOnnx(exported);
    expect(again.graph).toEqual(imported.graph);
    expect([...again.weights.keys()].sort()).toEqual([...imported.weights.keys()].sort());
    for (const [name, tensor] of imported.weights) {
      expect(again.weights.get(name)!.dims, name).toEqual(tensor.dims);
      expect(bits(again.weights.get(name)!.data), name).toEqual(bits(tensor.data));
    }
    expect(again.notes.join(' ')).toMatch(/model_lab\.graph/);
    const reexported = encodeModel(lowerInference(again.graph, again.weights).model);
    expect(Buffer.from(reexported).equals(Buffer.from(exported))).toBe(true);
  });
});

describe('Model Lab exports', () => {
  it('come back from their metadata with blocks, classes and every weight bit; exporting again gives the same bytes', () => {
    const graph: LayerGraph = {
      format: 'model-lab/graph',
      version: 1,
      name: 'blocks',
      classes: ['a', 'b', 'c'],
      nodes: [
        { id: 'x', kind: 'Input', attrs: { channels: 3, height: 8, width: 8 }, inputs: [] },
        { id: 'features', kind: 'Block', block: 'VGG', params: { convs: 2, channels: 4, batchNorm: true }, repeat: 2, inputs: ['x'] },
        {
          id: 'head',
          kind: 'Block',
          block: 'Custom',
          params: {},
          inputs: ['features'],
          body: [
            { id: 'flat', kind: 'Flatten', attrs: {}, inputs: ['$in0'] },
            { id: 'fc', kind: 'Dense', attrs: { outFeatures: 3 }, inputs: ['flat'] },
          ],
          output: 'fc',
        },
      ],
    };
    const weights = initialiseWeights(graph, { seed: 7 });
    const exported = encodeModel(lowerInference(graph, weights).model);
    const imported = importOnnx(exported);
    expect(imported.graph).toEqual(graph);
    expect(imported.classes).toEqual(['a', 'b', 'c']);
    expect([...imported.weights.keys()].sort()).toEqual([...weights.keys()].sort());
    for (const [name, tensor] of weights) expect(bits(imported.weights.get(name)!.data), name).toEqual(bits(tensor.data));
    expect(Buffer.from(encodeModel(lowerInference(imported.graph, imported.weights).model)).equals(Buffer.from(exported))).toBe(true);
  });
});
