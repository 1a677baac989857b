import { describe, expect, it } from 'vitest';
import { floatTensor, graph, int64Tensor, model, node, sparseTensor, valueInfo } from '../../../renderer/core/onnx/builder';
import { decodeModel, encodeModel } from '../../../renderer/core/onnx/codec';
import { externalTensors, loadExternalData } from '../../../renderer/core/onnx/external-data';
import { DataType, type Model, type Tensor } from '../../../renderer/core/onnx/model';
import { refTensor, runReference } from '../../../renderer/core/onnx/reference';

function externalModel(location: string, offset: number, length?: number): Model {
  const entries: Array<[string, string]> = [
    ['location', location],
    ['offset', String(offset)],
  ];
  if (length !== undefined) entries.push(['length', String(length)]);
  const w: Tensor = {
    ...floatTensor('w', [4], [0, 0, 0, 0]),
    values: new Float32Array(0),
    storage: 'external',
    external: { location, offset, ...(length !== undefined ? { length } : {}), entries },
  };
  return model(
    graph({
      nodes: [node('Add', ['x', 'w'], ['y'], {}, { name: 'add' })],
      inputs: [valueInfo('x', DataType.FLOAT, [4])],
      outputs: [valueInfo('y', DataType.FLOAT, [4])],
      initializers: [w],
    }),
  );
}

const file = () => {
  const bytes = new Uint8Array(8 + 16);
  new Float32Array(bytes.buffer, 8, 4).set([1, 2, 3, 4]);
  return bytes;
};

describe('external data', () => {
  it('is kept as a reference by the codec and loaded on request', async () => {
    const decoded = decodeModel(encodeModel(externalModel('weights.bin', 8, 16)));
    expect(externalTensors(decoded).map((t) => t.name)).toEqual(['w']);
    expect(() => runReference(decoded, { x: refTensor([4], [0, 0, 0, 0]) })).toThrow(/'w' keeps its data in 'weights.bin', which has not been loaded/);
    const asked: string[] = [];
    const loaded = await loadExternalData(decoded, async (location) => (asked.push(location), file()));
    expect(asked).toEqual(['weights.bin']);
    const y = runReference(loaded, { x: refTensor([4], [10, 10, 10, 10]) }).y!;
    expect(Array.from(y.data)).toEqual([11, 12, 13, 14]);
    expect(loaded.graph.initializers[0]!.storage).toBe('raw');
  });

  it('rejects locations outside the model folder and files that are too short', async () => {
    await expect(loadExternalData(externalModel('../secret.bin', 0), async () => file())).rejects.toThrow(/points outside the model's folder: "..\/secret.bin"/);
    await expect(loadExternalData(externalModel('weights.bin', 16), async () => file())).rejects.toThrow(/wants bytes 16 to 32 of "weights.bin", which has only 24/);
  });
});

describe('sparse initializers', () => {
  it('densify in the reference, with linear and per-axis indices', () => {
    const linear = sparseTensor(floatTensor('s', [2], [5, 7]), int64Tensor('si', [2], [1, 4]), [2, 3]);
    const perAxis = sparseTensor(floatTensor('p', [2], [5, 7]), int64Tensor('pi', [2, 2], [0, 1, 1, 1]), [2, 3]);
    for (const sparse of [linear, perAxis]) {
      const m = model(
        graph({
          nodes: [node('Add', ['x', sparse.values.name], ['y'])],
          inputs: [valueInfo('x', DataType.FLOAT, [2, 3])],
          outputs: [valueInfo('y', DataType.FLOAT, [2, 3])],
          sparseInitializers: [sparse],
        }),
      );
      const y = runReference(decodeModel(encodeModel(m)), { x: refTensor([2, 3], [1, 1, 1, 1, 1, 1]) }).y!;
      expect(Array.from(y.data)).toEqual([1, 6, 1, 1, 8, 1]);
    }
  });
});
