import { describe, expect, it } from 'vitest';
import {
  attribute,
  floatTensor,
  graph,
  int64Tensor,
  model,
  node,
  sparseTensor,
  tensor,
  valueInfo,
} from '../../../renderer/core/onnx/builder';
import { decodeModel, encodeModel, onnxProto } from '../../../renderer/core/onnx/codec';
import { OnnxError } from '../../../renderer/core/onnx/errors';
import { DataType, type Model } from '../../../renderer/core/onnx/model';

function richModel(): Model {
  const w = floatTensor('w', [2, 1, 3, 3], Array.from({ length: 18 }, (_, i) => (i - 9) / 7));
  const typedFloats = floatTensor('typed_floats', [3], [0.5, -1.25, 3], 'typed');
  const shape = int64Tensor('shape', [3], [-1n, 2n ** 63n - 1n, -(2n ** 63n)], 'typed');
  const rawInt64 = int64Tensor('raw_int64', [2], [9007199254740993n, -5n]);
  const halves = tensor('halves', DataType.FLOAT16, [2], [0x3c00, 0xc000], 'typed');
  const bools = tensor('flags', DataType.BOOL, [3], [1, 0, 1], 'typed');
  const doubles = tensor('doubles', DataType.DOUBLE, [2], [Math.PI, -1e-300], 'typed');
  const u64 = tensor('u64', DataType.UINT64, [1], [2n ** 64n - 1n], 'typed');
  const u32 = tensor('u32', DataType.UINT32, [2], [4294967295, 7], 'typed');
  const strings = tensor('names', DataType.STRING, [2], ['cat', 'dög'], 'typed');
  const external = {
    ...floatTensor('big', [4], [0, 0, 0, 0]),
    values: new Float32Array(0),
    storage: 'external' as const,
    external: {
      location: 'weights.bin',
      offset: 128,
      length: 16,
      entries: [
        ['location', 'weights.bin'],
        ['offset', '128'],
        ['length', '16'],
      ] as Array<[string, string]>,
    },
  };
  const sparse = sparseTensor(floatTensor('sv', [2], [1.5, -2]), int64Tensor('si', [2], [1, 5]), [2, 3]);
  const body = graph({
    name: 'body',
    nodes: [node('Identity', ['b_in'], ['b_out'])],
    inputs: [valueInfo('b_in', DataType.FLOAT, [1])],
    outputs: [valueInfo('b_out', DataType.FLOAT, [1])],
  });
  const everyType = node('Identity', ['x'], ['probe'], {}, {
    name: 'every_attribute_type',
    domain: 'com.example',
    attributes: [
      attribute('f', 'float', 0.1),
      attribute('i', 'int', -3),
      attribute('big_i', 'int', 2 ** 63),
      attribute('s', 'string', 'hello ✓'),
      attribute('t', 'tensor', floatTensor('t', [2], [1, 2])),
      attribute('g', 'graph', body),
      attribute('st', 'sparse_tensor', sparse),
      attribute('tp', 'type_proto', { kind: 'sequence', elem: { kind: 'tensor', elemType: DataType.INT32, shape: [2, 'n', null] } }),
      attribute('fs', 'floats', [0, 1.5, -2]),
      attribute('is', 'ints', [0, -1, 2 ** 40]),
      attribute('ss', 'strings', ['a', '']),
      attribute('ts', 'tensors', [floatTensor('t1', [1], [4]), int64Tensor('t2', [1], [5])]),
      attribute('gs', 'graphs', [body, body]),
      attribute('sts', 'sparse_tensors', [sparse]),
      attribute('tps', 'type_protos', [
        { kind: 'optional', elem: { kind: 'tensor', elemType: DataType.FLOAT } },
        { kind: 'map', keyType: DataType.INT64, value: { kind: 'tensor', elemType: DataType.FLOAT }, denotation: 'm' },
      ]),
    ],
  });
  const g = graph({
    name: 'rich',
    nodes: [
      node('Conv', ['x', 'w'], ['c'], { kernel_shape: [3, 3], pads: [1, 0, 2, 1], group: 2, dilations: [2, 2] }, { name: 'conv' }),
      node('LeakyRelu', ['c'], ['y'], { alpha: 0 }, { name: 'leaky' }),
      everyType,
    ],
    inputs: [valueInfo('x', DataType.FLOAT, ['batch', 2, 8, 8])],
    outputs: [valueInfo('y', DataType.FLOAT, ['batch', 2, null, 6]), valueInfo('probe', DataType.FLOAT)],
    initializers: [w, typedFloats, shape, rawInt64, halves, bools, doubles, u64, u32, strings, external],
    sparseInitializers: [sparse],
    valueInfo: [valueInfo('c', DataType.FLOAT, ['batch', 2, 7, 6])],
    docString: 'a graph using every field we read',
  });
  return model(g, {
    opset: 18,
    producerVersion: '0.1.0',
    docString: 'round trip',
    metadata: [
      ['model_lab.graph', '{"format":"model-lab/graph"}'],
      ['classes', 'cat,dog'],
    ],
    extraOpsets: [{ domain: 'com.example', version: 1 }],
  });
}

describe('ONNX codec', () => {
  it('encodes and decodes a model losslessly, and re-encodes to identical bytes', () => {
    const original = richModel();
    const bytes = encodeModel(original);
    const decoded = decodeModel(bytes);
    const { big_i: _big, ...rest } = Object.fromEntries(decoded.graph.nodes[2]!.attributes.map((a) => [a.name, a]));
    expect(Object.keys(rest)).toHaveLength(14);
    // 2^63 is clamped to int64's maximum on the wire; every other value survives exactly.
    const expected = structuredClone(original);
    expect(decoded).toEqual(expected);
    expect(encodeModel(decoded)).toEqual(bytes);
  });

  it('keeps int64 extremes and unsigned 64-bit values exact', () => {
    const decoded = decodeModel(encodeModel(richModel()));
    const find = (name: string) => decoded.graph.initializers.find((t) => t.name === name)!;
    expect(Array.from(find('shape').values as BigInt64Array)).toEqual([-1n, 2n ** 63n - 1n, -(2n ** 63n)]);
    expect(Array.from(find('raw_int64').values as BigInt64Array)).toEqual([9007199254740993n, -5n]);
    expect(Array.from(find('u64').values as BigUint64Array)).toEqual([2n ** 64n - 1n]);
    expect(find('w').storage).toBe('raw');
    expect(find('typed_floats').storage).toBe('typed');
  });

  it('writes what onnx.proto says: FLOAT for a whole float attribute, raw_data, metadata, opsets', () => {
    const proto = onnxProto.ModelProto.decode(encodeModel(richModel()));
    const leaky = proto.graph!.node!.find((n) => n.opType === 'LeakyRelu')!;
    expect(leaky.attribute![0]!.type).toBe(onnxProto.AttributeProto.AttributeType.FLOAT);
    expect(leaky.attribute![0]!.f).toBe(0);
    const conv = proto.graph!.node!.find((n) => n.opType === 'Conv')!;
    const group = conv.attribute!.find((a) => a.name === 'group')!;
    expect(group.type).toBe(onnxProto.AttributeProto.AttributeType.INT);
    const w = proto.graph!.initializer!.find((t) => t.name === 'w')!;
    expect(w.rawData!.length).toBe(18 * 4);
    expect(w.floatData).toHaveLength(0);
    expect(new DataView(w.rawData!.buffer, w.rawData!.byteOffset).getFloat32(0, true)).toBeCloseTo(-9 / 7, 6);
    expect(proto.metadataProps.map((p) => p.key)).toEqual(['model_lab.graph', 'classes']);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 18],
      ['com.example', 1],
    ]);
    expect(Number(proto.irVersion)).toBe(8);
    const big = proto.graph!.initializer!.find((t) => t.name === 'big')!;
    expect(big.dataLocation).toBe(onnxProto.TensorProto.DataLocation.EXTERNAL);
  });

  it('rejects empty bytes', () => {
    expect(() => decodeModel(new Uint8Array(0))).toThrow(/not an ONNX model: the file is empty/);
  });

  it('rejects a truncated model with the reason and the first bytes', () => {
    const bytes = encodeModel(richModel());
    for (const cut of [bytes.length - 3, Math.floor(bytes.length / 2), 7]) {
      let error: unknown;
      try {
        decodeModel(bytes.subarray(0, cut));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OnnxError);
      expect((error as OnnxError).message).toMatch(/^not an ONNX model: /);
      expect((error as OnnxError).message).toContain(`The file has ${cut} bytes`);
      expect((error as OnnxError).code).toBe('onnx-decode');
    }
  });

  it('rejects other formats, quoting what was found', () => {
    const json = new TextEncoder().encode('{"format":"model-lab/graph","nodes":[]}');
    expect(() => decodeModel(json)).toThrow(/not an ONNX model: .*\("\{"format":"model…"\)/);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(() => decodeModel(png)).toThrow(/not an ONNX model: .*starts with 89 50 4e 47/);
    let seed = 12345;
    const garbage = Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed >>> 24));
    expect(() => decodeModel(garbage)).toThrow(OnnxError);
    expect(() => decodeModel(garbage)).toThrow(/^not an ONNX model: /);
  });

  it('rejects a well-formed protobuf that is not a model', () => {
    const tensorBytes = onnxProto.TensorProto.encode({ name: 'x', dataType: 1, dims: [1], floatData: [1] }).finish();
    expect(() => decodeModel(tensorBytes)).toThrow(/not an ONNX model/);
  });

  it('rejects absurd dimensions and unsupported data types', () => {
    const withDims = (dims: number[], dataType = 1) =>
      onnxProto.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 18 }],
        graph: { name: 'g', initializer: [{ name: 'huge', dataType, dims, rawData: new Uint8Array(4) }] },
      }).finish();
    expect(() => decodeModel(withDims([1e12]))).toThrow(/tensor 'huge'.*dimension 1000000000000 is out of range/);
    expect(() => decodeModel(withDims([65536, 65536]))).toThrow(/dims \[65536, 65536\]: 4294967296 elements/);
    expect(() => decodeModel(withDims([-1]))).toThrow(/dimension -1 is out of range/);
    expect(() => decodeModel(withDims([1], 14))).toThrow(/COMPLEX64, which Model Lab does not support/);
    expect(() => decodeModel(withDims([1], 19))).toThrow(/data type 19, which Model Lab does not support/);
  });

  it('turns a stack overflow on absurdly nested graphs into an OnnxError', () => {
    const varint = (n: number) => {
      const out: number[] = [];
      while (n > 127) {
        out.push((n & 127) | 128);
        n >>>= 7;
      }
      out.push(n);
      return out;
    };
    // GraphProto.node(1) → NodeProto.attribute(5) → AttributeProto.g(6) → GraphProto …, 20,000 levels deep. Every
    // level is only headers, so the bytes are the headers from the outside in; lengths are summed from the inside out.
    const headers: number[][] = [];
    let inner = 0;
    for (let depth = 0; depth < 20000; depth++) {
      for (const number of [6, 5, 1]) {
        const header = [(number << 3) | 2, ...varint(inner)];
        headers.push(header);
        inner += header.length;
      }
    }
    headers.push([(7 << 3) | 2, ...varint(inner)], [0x08, 0x08]);
    const modelBytes = Uint8Array.from(headers.reverse().flat());
    expect(() => decodeModel(modelBytes)).toThrow(OnnxError);
    expect(() => decodeModel(modelBytes)).toThrow(/^not an ONNX model: .*(call stack|unreadable)/);
  });

  it('rejects raw_data whose length does not fit the element size', () => {
    const bytes = onnxProto.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 18 }],
      graph: { name: 'g', initializer: [{ name: 'odd', dataType: 1, dims: [2], rawData: new Uint8Array(7) }] },
    }).finish();
    expect(() => decodeModel(bytes)).toThrow(/tensor 'odd'.*raw_data has 7 bytes, not a multiple of 4 \(the size of FLOAT\)/);
  });
});
