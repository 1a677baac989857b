// ONNX forms PyTorch's exporter rarely writes but other exporters do (Gemm with transB = 0, MatMul + Add, Dropout
// nodes, auto_pad, asymmetric pads, explicit Pad nodes, Constant weights, Identity), built by hand: each must import
// to layers whose own lowering computes what the original computes; and every form without an exact layer equivalent
// must fail with an ImportError naming the node.
import { describe, expect, it } from 'vitest';
import type { LayerNode } from '../../../renderer/core/ir';
import { importOnnx, ImportError, type ImportResult } from '../../../renderer/core/import/index';
import { lowerInference } from '../../../renderer/core/lowering/index';
import { floatTensor, GraphBuilder, int64Vector, model as makeModel, tensor } from '../../../renderer/core/onnx/builder';
import { encodeModel } from '../../../renderer/core/onnx/codec';
import { DataType, type Dim, type Model } from '../../../renderer/core/onnx/model';
import { refTensor, runReference } from '../../../renderer/core/onnx/reference';
import { randomValues } from '../onnx/random';
import { bits, fixtureBytes, maxAbsDiff } from './fixtures';

let seed = 1;
const weights = (name: string, dims: number[]) => floatTensor(name, dims, randomValues(dims.reduce((a, b) => a * b, 1), seed++));

/** A model on input [batch, ...chw] built by `body`, which returns the output value. */
function build(chw: Dim[], body: (b: GraphBuilder, x: string) => string, options: { opset?: number; batch?: Dim; metadata?: Record<string, string> } = {}): Model {
  const b = new GraphBuilder('test');
  const x = b.input('input', DataType.FLOAT, [options.batch ?? 'N', ...chw]);
  const y = body(b, x);
  b.output(y, DataType.FLOAT);
  return makeModel(b.build(), { opset: options.opset ?? 17, ...(options.metadata ? { metadata: options.metadata } : {}) });
}

const importModel = (m: Model): ImportResult => importOnnx(encodeModel(m));

/** The imported graph, lowered again, computes what the original computes (float64 reference, same float32 weights). */
function expectSameFunction(m: Model, imported: ImportResult, chw: number[]): void {
  const dims = [2, ...chw];
  const x = randomValues(dims.reduce((a, b) => a * b, 1), 99);
  const original = runReference(m, { input: refTensor(dims, x) })[m.graph.outputs[0]!.name]!;
  const lowered = lowerInference(imported.graph, imported.weights);
  const again = runReference(lowered.model, { [lowered.input]: refTensor(dims, x) })[lowered.output]!;
  expect(again.dims).toEqual(original.dims);
  expect(maxAbsDiff(again.data, original.data)).toBeLessThan(1e-9);
}

const layer = (result: ImportResult, id: string) => (result.graph.nodes as LayerNode[]).find((n) => n.id === id);
const kinds = (result: ImportResult) => (result.graph.nodes as LayerNode[]).map((n) => n.kind);

describe('dense layers', () => {
  it('Gemm with transB = 0 stores [in, out]; the weight is transposed to [out, in] with its bit patterns kept', () => {
    const w = weights('w', [6, 4]);
    const raw = new Uint32Array((w.values as Float32Array).buffer);
    raw[5] = 0x7fc01234; // a NaN with a payload: a float copy could canonicalise it, a bit copy cannot
    const m = build([6, 1, 1], (b, x) => {
      b.initializer(w);
      b.initializer(weights('c', [4]));
      return b.add('Gemm', [b.add('Flatten', [x])[0]!, 'w', 'c'], { transB: 0 }, { name: 'fc' })[0]!;
    });
    const result = importModel(m);
    expect(kinds(result)).toEqual(['Input', 'Flatten', 'Dense']);
    expect(layer(result, 'fc')!.attrs).toEqual({ outFeatures: 4 });
    const stored = result.weights.get('fc.weight')!;
    expect(stored.dims).toEqual([4, 6]);
    const storedBits = bits(stored.data);
    for (let r = 0; r < 6; r++) for (let c = 0; c < 4; c++) expect(storedBits[c * 6 + r]).toBe(raw[r * 4 + c]);
    expect(result.notes.join(' ')).toMatch(/transposed/);
    raw[5] = 0x3f800000;
    expectSameFunction(m, importModel(m), [6, 1, 1]);
  });

  it('MatMul followed by an Add of a constant vector is one Dense with bias; a bare MatMul is a Dense without', () => {
    const m = build([5, 1, 1], (b, x) => {
      b.initializer(weights('w1', [5, 3]));
      b.initializer(weights('b1', [3]));
      b.initializer(weights('w2', [3, 2]));
      const h = b.add('MatMul', [b.add('Flatten', [x])[0]!, 'w1'], {}, { name: 'mm1' })[0]!;
      const hb = b.add('Add', [h, 'b1'], {}, { name: 'bias1' })[0]!;
      return b.add('MatMul', [b.add('Relu', [hb])[0]!, 'w2'], {}, { name: 'mm2' })[0]!;
    });
    const result = importModel(m);
    expect(kinds(result)).toEqual(['Input', 'Flatten', 'Dense', 'ReLU', 'Dense']);
    expect(layer(result, 'mm1')!.attrs).toEqual({ outFeatures: 3 });
    expect(layer(result, 'mm2')!.attrs).toEqual({ outFeatures: 2, bias: false });
    expect(bits(result.weights.get('mm1.bias')!.data)).toEqual(bits(m.graph.initializers[1]!.values as Float32Array));
    expectSameFunction(m, result, [5, 1, 1]);
  });
});

describe('convolutions and padding', () => {
  it.each([
    ['SAME_UPPER', 1, 'same'],
    ['SAME_LOWER', 2, [2, 2, 1, 1]],
  ] as const)('Conv with auto_pad %s (stride %d) pads as ONNX does: %j', (autoPad, stride, padding) => {
    const m = build([2, 9, 9], (b, x) => {
      b.initializer(weights('k', [3, 2, 4, 4]));
      return b.add('Conv', [x, 'k'], { auto_pad: autoPad, strides: [stride, stride] }, { name: 'conv' })[0]!;
    });
    const result = importModel(m);
    expect(layer(result, 'conv')!.attrs).toEqual({ outChannels: 3, kernel: 4, stride, padding, bias: false });
    expectSameFunction(m, result, [2, 9, 9]);
  });

  it('asymmetric Conv pads become [top, left, bottom, right], and a zero Pad node before a Conv folds into it', () => {
    const m = build([2, 8, 8], (b, x) => {
      b.initializer(weights('k1', [4, 2, 3, 3]));
      b.initializer(weights('k2', [2, 4, 2, 2]));
      b.initializer(int64Vector('pads', [0, 0, 1, 0, 0, 0, 0, 2]));
      const c1 = b.add('Conv', [x, 'k1'], { pads: [0, 1, 2, 1] }, { name: 'c1' })[0]!;
      const padded = b.add('Pad', [c1, 'pads'], {}, { name: 'zeropad' })[0]!;
      return b.add('Conv', [padded, 'k2'], { pads: [1, 1, 1, 1] }, { name: 'c2' })[0]!;
    });
    const result = importModel(m);
    expect(kinds(result)).toEqual(['Input', 'Conv2d', 'Conv2d']);
    expect(layer(result, 'c1')!.attrs).toMatchObject({ padding: [0, 1, 2, 1] });
    expect(layer(result, 'c2')!.attrs).toMatchObject({ padding: [2, 1, 1, 3] });
    expectSameFunction(m, result, [2, 8, 8]);
  });

  it('weights held by a Constant node and an Identity between layers import like initializers', () => {
    const k = weights('k', [3, 1, 3, 3]);
    const m = build([1, 6, 6], (b, x) => {
      const kv = b.add('Constant', [], { value: k }, { name: 'const_k' })[0]!;
      const same = b.add('Identity', [x], {}, { name: 'alias' })[0]!;
      return b.add('Conv', [same, kv], {}, { name: 'conv' })[0]!;
    });
    const result = importModel(m);
    expect(kinds(result)).toEqual(['Input', 'Conv2d']);
    expect(bits(result.weights.get('conv.weight')!.data)).toEqual(bits(k.values as Float32Array));
    expectSameFunction(m, result, [1, 6, 6]);
  });

  it('a zero Pad before an AveragePool counts the padding (count_include_pad), as torch exports AvgPool2d(padding=1)', () => {
    const m = build([2, 7, 7], (b, x) => {
      b.initializer(int64Vector('pads', [0, 0, 1, 1, 0, 0, 1, 1]));
      const padded = b.add('Pad', [x, 'pads'], {}, { name: 'pad' })[0]!;
      return b.add('AveragePool', [padded], { kernel_shape: [3, 3], strides: [2, 2] }, { name: 'pool' })[0]!;
    });
    const result = importModel(m);
    expect(layer(result, 'pool')!.attrs).toEqual({ kernel: 3, stride: 2, padding: 1, countIncludePad: true });
    expectSameFunction(m, result, [2, 7, 7]);
  });
});

describe('dropout, softmax, batch norm attributes', () => {
  it.each([11, 13])('Dropout at opset %d keeps its ratio as p and does nothing at inference', (opset) => {
    const m = build(
      [4, 2, 2],
      (b, x) => {
        if (opset >= 12) {
          b.initializer(tensor('ratio', DataType.FLOAT, [], [0.3]));
          return b.add('Dropout', [x, 'ratio'], {}, { name: 'drop' })[0]!;
        }
        return b.add('Dropout', [x], { ratio: 0.3 }, { name: 'drop' })[0]!;
      },
      { opset },
    );
    const result = importModel(m);
    expect(layer(result, 'drop')!.attrs).toEqual({ p: 0.3 });
    expectSameFunction(m, result, [4, 2, 2]);
  });

  it('Softmax over the channels of N×C×H×W (opset 13 axis 1) maps; over the width it is refused', () => {
    const ok = build([3, 2, 2], (b, x) => b.add('Softmax', [x], { axis: 1 }, { name: 'sm' })[0]!);
    expect(kinds(importModel(ok))).toEqual(['Input', 'Softmax']);
    expectSameFunction(ok, importModel(ok), [3, 2, 2]);
    const bad = build([3, 2, 2], (b, x) => b.add('Softmax', [x], {}, { name: 'sm' })[0]!);
    expect(() => importModel(bad)).toThrow(/Softmax node 'sm'.*axis -1 of a 4-D tensor/);
  });
});

function expectImportError(bytesOrModel: Uint8Array | Model, message: RegExp): void {
  const bytes = bytesOrModel instanceof Uint8Array ? bytesOrModel : encodeModel(bytesOrModel);
  let caught: unknown;
  try {
    importOnnx(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ImportError);
  expect((caught as ImportError).code).toBe('onnx-import');
  expect((caught as ImportError).message).toMatch(message);
}

describe('refusals: clear errors, never a half-imported or different graph', () => {
  it('bytes that are not an ONNX model: empty, truncated, text', () => {
    expectImportError(new Uint8Array(0), /not an ONNX model: the file is empty/);
    const lenet = fixtureBytes('lenet_opset17.onnx');
    expectImportError(lenet.subarray(0, Math.floor(lenet.length / 2)), /not an ONNX model/);
    expectImportError(new TextEncoder().encode('{"format": "model-lab/graph", "nodes": []}'), /not an ONNX model/);
  });

  it.each([9, 22])('opset %d is outside 11 to 21', (opset) => {
    expectImportError(build([4], (b, x) => b.add('Relu', [x])[0]!, { opset }), new RegExp(`opset ${opset}; Model Lab imports opsets 11 to 21`));
  });

  it('absurd or non-image inputs', () => {
    expectImportError(build([3, 100000, 100000], (b, x) => b.add('Relu', [x])[0]!), /100000×100000, far larger/);
    expectImportError(build([3, 'H', 8], (b, x) => b.add('Relu', [x])[0]!), /height and width must be fixed numbers/);
  });

  it('ops without a layer, named with the node and op', () => {
    expectImportError(
      build([4, 2, 2], (b, x) => {
        b.initializer(floatTensor('two', [], [2]));
        return b.add('Mul', [x, 'two'], {}, { name: 'scale' })[0]!;
      }),
      /Cannot import Mul node 'scale': Model Lab has no layer for the Mul operator/,
    );
    const foreign = build([4, 2, 2], (b, x) => b.add('Relu', [x], {}, { name: 'r', domain: 'com.example' })[0]!);
    expectImportError(foreign, /Relu node 'r': it is an operator of the 'com.example' domain/);
  });

  it('mappings that would change the function', () => {
    expectImportError(
      build([2, 4, 4], (b, x) => {
        b.initializer(int64Vector('shape', [0, 2, -1]));
        return b.add('Reshape', [x, 'shape'], {}, { name: 'view' })[0]!;
      }),
      /Reshape node 'view': it reshapes \[2, 2, 4, 4\] to \[0, 2, -1\]; only a reshape to \[N, -1\]/,
    );
    expectImportError(build([6, 4, 4], (b, x) => b.add('LRN', [x], { size: 4 }, { name: 'lrn' })[0]!), /LRN node 'lrn': its size is 4/);
    expectImportError(build([2, 4, 4], (b, x) => b.add('Concat', [x, x], { axis: 2 }, { name: 'cat' })[0]!), /Concat node 'cat'.*axis 2/);
    expectImportError(
      build([2, 4, 4], (b, x) => {
        const [y, indices] = b.add('MaxPool', [x], { kernel_shape: [2, 2] }, { name: 'pool', outputCount: 2 });
        b.output(indices!, DataType.INT64);
        return y!;
      }),
      /MaxPool node 'pool': its output .* is used, which no layer produces/,
    );
    expectImportError(
      build([2, 4, 4], (b, x) => {
        b.initializer(int64Vector('pads', [0, 0, 1, 1, 0, 0, 1, 1]));
        return b.add('MaxPool', [b.add('Pad', [x, 'pads'], {}, { name: 'pad' })[0]!], { kernel_shape: [3, 3] })[0]!;
      }),
      /Pad node 'pad': it pads \[0, 0, 1, 1, 0, 0, 1, 1\]/,
    );
    expectImportError(
      build([2, 4, 4], (b, x) => {
        const y = b.add('Relu', [x], {}, { name: 'r' })[0]!;
        b.output(b.add('Sigmoid', [x])[0]!, DataType.FLOAT);
        return y;
      }),
      /the graph has 2 outputs/,
    );
  });

  it('float16 weights are refused rather than converted', () => {
    const m = build([1, 4, 4], (b, x) => {
      b.initializer(tensor('k', DataType.FLOAT16, [1, 1, 1, 1], [0x3c00]));
      return b.add('Conv', [x, 'k'], {}, { name: 'conv' })[0]!;
    });
    expectImportError(m, /Conv node 'conv': its weight 'k' is FLOAT16; Model Lab imports float32 weights only/);
  });
});

describe('metadata from Model Lab exports', () => {
  const graphJson = JSON.stringify({
    format: 'model-lab/graph',
    version: 1,
    name: 'tiny',
    nodes: [
      { id: 'x', kind: 'Input', attrs: { channels: 2, height: 4, width: 4 }, inputs: [] },
      { id: 'conv', kind: 'Conv2d', attrs: { outChannels: 3, kernel: 3, padding: 1 }, inputs: ['x'] },
    ],
  });
  const withMetadata = (initializers: Array<[string, number[]]>, metadata: Record<string, string>) =>
    build(
      [2, 4, 4],
      (b, x) => {
        for (const [name, dims] of initializers) b.initializer(weights(name, dims));
        return b.add('Conv', [x, initializers[0]![0], initializers[1]?.[0] ?? ''], { pads: [1, 1, 1, 1] })[0]!;
      },
      { metadata },
    );

  it('takes the graph and class names from the metadata and the weights from the initializers', () => {
    const m = withMetadata([['conv.weight', [3, 2, 3, 3]], ['conv.bias', [3]]], { 'model_lab.graph': graphJson, 'model_lab.classes': '["a","b","c"]' });
    const result = importModel(m);
    expect(result.graph.nodes.map((n) => n.id)).toEqual(['x', 'conv']);
    expect(result.classes).toEqual(['a', 'b', 'c']);
    expect(bits(result.weights.get('conv.bias')!.data)).toEqual(bits(m.graph.initializers[1]!.values as Float32Array));
  });

  it('refuses metadata whose parameters the initializers do not cover, or that is not a graph', () => {
    expectImportError(withMetadata([['conv.weight', [3, 2, 3, 3]]], { 'model_lab.graph': graphJson }), /parameter 'conv.bias', but the ONNX graph has no initializer/);
    expectImportError(
      withMetadata([['conv.weight', [3, 2, 1, 1]], ['conv.bias', [3]]], { 'model_lab.graph': graphJson }),
      /'conv.weight' has dims \[3, 2, 1, 1\], but the layer graph in the metadata needs \[3, 2, 3, 3\]/,
    );
    expectImportError(withMetadata([['conv.weight', [3, 2, 3, 3]]], { 'model_lab.graph': '{"nodes": 1}' }), /metadata is not a valid layer graph/);
    const declaredOutput = withMetadata([['conv.weight', [3, 2, 3, 3]], ['conv.bias', [3]]], { 'model_lab.graph': graphJson });
    declaredOutput.graph.outputs[0]!.type = { kind: 'tensor', elemType: DataType.FLOAT, shape: ['N', 5, 4, 4] };
    expectImportError(declaredOutput, /gives 3×4×4 per image, but the ONNX graph's output is 5×4×4/);
  });
});

describe('dead ends', () => {
  it('leaves out layers that do not feed the output, with their weights only', () => {
    const m = build([2, 4, 4], (b, x) => {
      b.initializer(weights('head.weight', [3, 2, 1, 1]));
      b.initializer(weights('head.1.weight', [3, 2, 1, 1]));
      b.add('Conv', [x, 'head.weight'], {}, { name: 'aux' });
      return b.add('Conv', [x, 'head.1.weight'], {}, { name: 'main' })[0]!;
    });
    const result = importModel(m);
    expect(result.graph.nodes.map((n) => n.id)).toEqual(['input', 'head.1']);
    expect([...result.weights.keys()]).toEqual(['head.1.weight']);
    expect(result.notes.join(' ')).toMatch(/1 layer not feeding the output was left out: 'head'/);
  });
});

describe('naming', () => {
  it('sanitises node names into unique ids and keeps the Input named after the graph input', () => {
    const m = build([4, 2, 2], (b, x) => {
      const a = b.add('Relu', [x], {}, { name: 'act/1 (relu)' })[0]!;
      return b.add('Sigmoid', [a], {}, { name: 'input' })[0]!;
    });
    const ids = importModel(m).graph.nodes.map((n) => n.id);
    expect(ids).toEqual(['input', 'act_1_relu', 'input_2']);
  });
});
