// Encode and decode ModelProto bytes. The wire format is handled by onnx-proto (protobufjs static code generated
// from the official onnx.proto of ONNX 1.10.2, IR version 8); this file converts between its messages and model.ts.
//
// What onnx-proto's schema (IR 8) does not know is skipped by protobufjs when decoding: IR 9/10 additions such as
// NodeProto.overload and the metadata_props of nodes and graphs (informational), and FLOAT8/INT4 data types (which
// we reject by name). int64 fields come back as Long objects in Node and as numbers in browser bundles (protobufjs
// finds the 'long' package only through require), so every int64 goes through `int64` below.

import * as onnxProtoModule from 'onnx-proto';
import { OnnxError } from './errors';
import {
  dataTypeName,
  elementCount,
  isSupportedDataType,
  numericLayout,
  DataType,
  type Attribute,
  type AttributeType,
  type Dim,
  type ExternalData,
  type FunctionDef,
  type Graph,
  type Model,
  type Node,
  type SparseTensor,
  type Tensor,
  type TensorValues,
  type TypeInfo,
  type ValueInfo,
} from './model';

type OnnxNamespace = typeof onnxProtoModule.onnx;
// onnx-proto is CommonJS (`module.exports = root`): Node's ESM loader exposes it as the default export only,
// bundlers as named exports too.
const onnxRoot = ((onnxProtoModule as unknown as { default?: { onnx: OnnxNamespace } }).default ?? onnxProtoModule) as {
  onnx: OnnxNamespace;
};
const pb = onnxRoot.onnx;

type P = typeof onnxProtoModule.onnx;
type IModelProto = onnxProtoModule.onnx.IModelProto;
type IGraphProto = onnxProtoModule.onnx.IGraphProto;
type INodeProto = onnxProtoModule.onnx.INodeProto;
type ITensorProto = onnxProtoModule.onnx.ITensorProto;
type ISparseTensorProto = onnxProtoModule.onnx.ISparseTensorProto;
type IAttributeProto = onnxProtoModule.onnx.IAttributeProto;
type IValueInfoProto = onnxProtoModule.onnx.IValueInfoProto;
type ITypeProto = onnxProtoModule.onnx.ITypeProto;
type IFunctionProto = onnxProtoModule.onnx.IFunctionProto;

/** The largest tensor we accept: 2^31 − 1 elements (8 GiB of float32, beyond any model this app handles). */
export const MAX_ELEMENTS = 2 ** 31 - 1;
/** The largest dimension we accept in a tensor or a declared shape. */
export const MAX_DIM = 2 ** 31 - 1;

// ---- int64 ------------------------------------------------------------------------------------------------

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

const TWO_32 = 4294967296n;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function int64Big(value: number | LongLike | null | undefined, unsigned = false): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'number') {
    // Without the 'long' package (browser bundles) protobufjs returns int64 as a double: beyond ±2^53 it is
    // rounded, and INT64_MAX (Slice's "to the end") arrives as 2^63. Clamp so the extremes stay the extremes.
    if (!Number.isFinite(value)) return value > 0 ? (unsigned ? 2n ** 64n - 1n : INT64_MAX) : unsigned ? 0n : INT64_MIN;
    const big = BigInt(Math.trunc(value));
    if (unsigned) return big >= 2n ** 64n ? 2n ** 64n - 1n : big < 0n ? BigInt.asUintN(64, big) : big;
    return big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
  }
  const big = BigInt(value.high) * TWO_32 + BigInt(value.low >>> 0);
  return unsigned ? BigInt.asUintN(64, big) : BigInt.asIntN(64, big);
}

function int64(value: number | LongLike | null | undefined): number {
  return Number(int64Big(value));
}

/** A number or a {low, high} pair that protobufjs writes exactly, with or without the 'long' package. */
function int64Out(value: number | bigint): number | LongLike {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  let big = typeof value === 'bigint' ? value : BigInt(Math.trunc(Number.isFinite(value) ? value : Math.sign(value) * 2 ** 63));
  if (big > INT64_MAX) big = INT64_MAX;
  if (big < INT64_MIN) big = INT64_MIN;
  const bits = BigInt.asUintN(64, big);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}

function uint64Out(value: bigint): number | LongLike {
  const bits = BigInt.asUintN(64, value);
  if (bits <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(bits);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: true };
}

// ---- strings ----------------------------------------------------------------------------------------------

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();
const bytesToString = (bytes: Uint8Array | null | undefined): string => (bytes ? utf8Decoder.decode(bytes) : '');
const stringToBytes = (text: string): Uint8Array => utf8Encoder.encode(text);

/** Optional string fields: absent and '' are the same to us. */
const opt = (text: string | null | undefined): string | undefined => (text ? text : undefined);

// ---- decode -----------------------------------------------------------------------------------------------

/**
 * Decodes ONNX ModelProto bytes. Anything that is not a readable ONNX model (empty, truncated, another format)
 * throws an OnnxError starting "not an ONNX model:"; valid models using something we cannot represent throw an
 * OnnxError with code 'onnx-unsupported'.
 */
export function decodeModel(bytes: Uint8Array): Model {
  if (bytes.length === 0) throw new OnnxError('onnx-decode', 'not an ONNX model: the file is empty (0 bytes).');
  let proto: onnxProtoModule.onnx.ModelProto;
  try {
    proto = pb.ModelProto.decode(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OnnxError(
      'onnx-decode',
      `not an ONNX model: the protobuf data is unreadable (${reason}). ${describeBytes(bytes)} ` +
        'The file may be truncated or in another format.',
    );
  }
  try {
    return modelFromProto(proto, bytes);
  } catch (error) {
    if (error instanceof OnnxError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new OnnxError('onnx-decode', `not an ONNX model: its structure could not be read (${reason}). ${describeBytes(bytes)}`);
  }
}

function modelFromProto(proto: onnxProtoModule.onnx.ModelProto, bytes: Uint8Array): Model {
  if (!proto.graph) {
    throw new OnnxError('onnx-decode', `not an ONNX model: it has no graph. ${describeBytes(bytes)}`);
  }
  const irVersion = int64(proto.irVersion as number | LongLike);
  if (irVersion <= 0) {
    throw new OnnxError('onnx-decode', `not an ONNX model: it has no IR version. ${describeBytes(bytes)}`);
  }
  if (proto.trainingInfo && proto.trainingInfo.length > 0) {
    throw new OnnxError('onnx-unsupported', 'The model has training_info (ONNX training graphs), which Model Lab does not read.');
  }
  const model: Model = {
    irVersion,
    opsetImports: (proto.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: int64(o.version as number | LongLike) })),
    graph: decodeGraph(proto.graph, 'the main graph'),
    metadataProps: (proto.metadataProps ?? []).map((e) => [e.key ?? '', e.value ?? ''] as [string, string]),
    functions: (proto.functions ?? []).map(decodeFunction),
  };
  const producerName = opt(proto.producerName);
  if (producerName !== undefined) model.producerName = producerName;
  const producerVersion = opt(proto.producerVersion);
  if (producerVersion !== undefined) model.producerVersion = producerVersion;
  const domain = opt(proto.domain);
  if (domain !== undefined) model.domain = domain;
  if (Object.prototype.hasOwnProperty.call(proto, 'modelVersion')) model.modelVersion = int64(proto.modelVersion as number | LongLike);
  const docString = opt(proto.docString);
  if (docString !== undefined) model.docString = docString;
  return model;
}

/** Decodes a serialized TensorProto (the .pb files of ONNX test data). */
export function decodeTensorProto(bytes: Uint8Array, where = 'a TensorProto file'): Tensor {
  let proto: onnxProtoModule.onnx.TensorProto;
  try {
    proto = pb.TensorProto.decode(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OnnxError('onnx-decode', `not an ONNX tensor: the protobuf data is unreadable (${reason}). ${describeBytes(bytes)}`);
  }
  return decodeTensor(proto, where);
}

/** Encodes one tensor as a TensorProto. */
export function encodeTensorProto(tensor: Tensor): Uint8Array {
  return pb.TensorProto.encode(encodeTensor(tensor)).finish();
}

function describeBytes(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  const hex = Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const printable = head.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09);
  const text = printable ? ` ("${utf8Decoder.decode(head).replace(/\s+/g, ' ')}${bytes.length > 16 ? '…' : ''}")` : '';
  return `The file has ${bytes.length} bytes and starts with ${hex}${bytes.length > 16 ? ' …' : ''}${text}.`;
}

function decodeGraph(g: IGraphProto, where: string): Graph {
  const graph: Graph = {
    name: g.name ?? '',
    nodes: (g.node ?? []).map((n) => decodeNode(n)),
    inputs: (g.input ?? []).map((v) => decodeValueInfo(v, where)),
    outputs: (g.output ?? []).map((v) => decodeValueInfo(v, where)),
    initializers: (g.initializer ?? []).map((t) => decodeTensor(t, `initializer of ${where}`)),
    sparseInitializers: (g.sparseInitializer ?? []).map((s) => decodeSparse(s, `sparse initializer of ${where}`)),
    valueInfo: (g.valueInfo ?? []).map((v) => decodeValueInfo(v, where)),
  };
  const docString = opt(g.docString);
  if (docString !== undefined) graph.docString = docString;
  return graph;
}

function decodeNode(n: INodeProto): Node {
  const node: Node = {
    name: n.name ?? '',
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: [],
  };
  const where = `${node.opType} node '${node.name}'`;
  node.attributes = (n.attribute ?? []).map((a) => decodeAttribute(a, where));
  const docString = opt(n.docString);
  if (docString !== undefined) node.docString = docString;
  return node;
}

function decodeFunction(f: IFunctionProto): FunctionDef {
  const fn: FunctionDef = {
    name: f.name ?? '',
    domain: f.domain ?? '',
    inputs: [...(f.input ?? [])],
    outputs: [...(f.output ?? [])],
    attributes: [...(f.attribute ?? [])],
    nodes: (f.node ?? []).map((n) => decodeNode(n)),
    opsetImports: (f.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: int64(o.version as number | LongLike) })),
  };
  const docString = opt(f.docString);
  if (docString !== undefined) fn.docString = docString;
  return fn;
}

const ATTRIBUTE_TYPES: Record<number, AttributeType> = {
  1: 'float',
  2: 'int',
  3: 'string',
  4: 'tensor',
  5: 'graph',
  11: 'sparse_tensor',
  13: 'type_proto',
  6: 'floats',
  7: 'ints',
  8: 'strings',
  9: 'tensors',
  10: 'graphs',
  12: 'sparse_tensors',
  14: 'type_protos',
};
const ATTRIBUTE_CODES = Object.fromEntries(Object.entries(ATTRIBUTE_TYPES).map(([code, name]) => [name, Number(code)])) as Record<
  AttributeType,
  number
>;

function decodeAttribute(a: IAttributeProto, where: string): Attribute {
  const name = a.name ?? '';
  const type = ATTRIBUTE_TYPES[a.type ?? 0];
  if (!type) {
    throw new OnnxError('onnx-decode', `${where}: attribute '${name}' has unknown attribute type ${a.type ?? 0}.`);
  }
  const at = `${where}, attribute '${name}'`;
  let attribute: Attribute;
  switch (type) {
    case 'float':
      attribute = { name, type, value: a.f ?? 0 };
      break;
    case 'int':
      attribute = { name, type, value: int64(a.i as number | LongLike) };
      break;
    case 'string':
      attribute = { name, type, value: bytesToString(a.s) };
      break;
    case 'tensor':
      if (!a.t) throw new OnnxError('onnx-decode', `${at}: a TENSOR attribute without a tensor.`);
      attribute = { name, type, value: decodeTensor(a.t, at) };
      break;
    case 'graph':
      if (!a.g) throw new OnnxError('onnx-decode', `${at}: a GRAPH attribute without a graph.`);
      attribute = { name, type, value: decodeGraph(a.g, at) };
      break;
    case 'sparse_tensor':
      if (!a.sparseTensor) throw new OnnxError('onnx-decode', `${at}: a SPARSE_TENSOR attribute without a tensor.`);
      attribute = { name, type, value: decodeSparse(a.sparseTensor, at) };
      break;
    case 'type_proto':
      if (!a.tp) throw new OnnxError('onnx-decode', `${at}: a TYPE_PROTO attribute without a type.`);
      attribute = { name, type, value: decodeType(a.tp, at) };
      break;
    case 'floats':
      attribute = { name, type, value: [...(a.floats ?? [])] };
      break;
    case 'ints':
      attribute = { name, type, value: (a.ints ?? []).map((v) => int64(v as number | LongLike)) };
      break;
    case 'strings':
      attribute = { name, type, value: (a.strings ?? []).map(bytesToString) };
      break;
    case 'tensors':
      attribute = { name, type, value: (a.tensors ?? []).map((t) => decodeTensor(t, at)) };
      break;
    case 'graphs':
      attribute = { name, type, value: (a.graphs ?? []).map((g) => decodeGraph(g, at)) };
      break;
    case 'sparse_tensors':
      attribute = { name, type, value: (a.sparseTensors ?? []).map((s) => decodeSparse(s, at)) };
      break;
    case 'type_protos':
      attribute = { name, type, value: (a.typeProtos ?? []).map((t) => decodeType(t, at)) };
      break;
  }
  const docString = opt(a.docString);
  if (docString !== undefined) attribute.docString = docString;
  const ref = opt(a.refAttrName);
  if (ref !== undefined) attribute.refAttrName = ref;
  return attribute;
}

function decodeDims(dims: ReadonlyArray<number | LongLike> | null | undefined, where: string): number[] {
  return (dims ?? []).map((d) => {
    const value = int64(d);
    if (value < 0 || value > MAX_DIM) {
      throw new OnnxError('onnx-decode', `${where}: dimension ${int64Big(d)} is out of range (0 to ${MAX_DIM}).`);
    }
    return value;
  });
}

function decodeTensor(t: ITensorProto, where: string): Tensor {
  const name = t.name ?? '';
  const at = name ? `tensor '${name}' (${where})` : `a tensor in ${where}`;
  const dataType = t.dataType ?? 0;
  if (!isSupportedDataType(dataType) || dataType === DataType.UNDEFINED) {
    throw new OnnxError('onnx-unsupported', `${at} has data type ${dataTypeName(dataType)}, which Model Lab does not support.`);
  }
  const dims = decodeDims(t.dims as Array<number | LongLike>, at);
  const count = elementCount(dims);
  if (count > MAX_ELEMENTS) {
    throw new OnnxError('onnx-decode', `${at} has dims [${dims.join(', ')}]: ${count} elements is more than ${MAX_ELEMENTS}.`);
  }
  const tensor: Tensor = { name, dataType, dims, values: new Float32Array(0), storage: 'typed' };
  const docString = opt(t.docString);
  if (docString !== undefined) tensor.docString = docString;

  if (t.dataLocation === pb.TensorProto.DataLocation.EXTERNAL) {
    tensor.storage = 'external';
    tensor.external = decodeExternal(t.externalData ?? [], at);
    tensor.values = dataType === DataType.STRING ? [] : numericLayout(dataType)!.make(0);
    return tensor;
  }
  if (Object.prototype.hasOwnProperty.call(t, 'rawData') && t.rawData) {
    if (dataType === DataType.STRING) throw new OnnxError('onnx-decode', `${at}: a STRING tensor cannot use raw_data.`);
    tensor.storage = 'raw';
    tensor.values = valuesFromRaw(t.rawData, dataType, at);
    return tensor;
  }
  tensor.values = valuesFromFields(t, dataType);
  return tensor;
}

function decodeExternal(entries: ReadonlyArray<{ key?: string | null; value?: string | null }>, at: string): ExternalData {
  const pairs = entries.map((e) => [e.key ?? '', e.value ?? ''] as [string, string]);
  const get = (key: string) => pairs.find(([k]) => k === key)?.[1];
  const location = get('location');
  if (!location) throw new OnnxError('onnx-decode', `${at} keeps its data externally but names no location.`);
  const number = (key: string): number | undefined => {
    const text = get(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new OnnxError('onnx-decode', `${at}: external data ${key} "${text}" is not a byte count.`);
    }
    return value;
  };
  const external: ExternalData = { location, offset: number('offset') ?? 0, entries: pairs };
  const length = number('length');
  if (length !== undefined) external.length = length;
  return external;
}

/** Reads little-endian raw_data into a fresh typed array. */
export function valuesFromRaw(raw: Uint8Array, dataType: DataType, where: string): TensorValues {
  const layout = numericLayout(dataType);
  if (!layout) throw new OnnxError('onnx-unsupported', `${where}: raw data of type ${dataTypeName(dataType)} is not supported.`);
  if (raw.length % layout.bytes !== 0) {
    throw new OnnxError(
      'onnx-decode',
      `${where}: raw_data has ${raw.length} bytes, not a multiple of ${layout.bytes} (the size of ${dataTypeName(dataType)}).`,
    );
  }
  const values = layout.make(raw.length / layout.bytes);
  // Copy byte-wise: the source may be unaligned inside the file buffer. Typed arrays use the platform's byte
  // order, little-endian on every platform a browser or Node runs on.
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength).set(raw);
  return values;
}

function valuesFromFields(t: ITensorProto, dataType: DataType): TensorValues {
  const layout = numericLayout(dataType);
  switch (dataType) {
    case DataType.FLOAT:
      return Float32Array.from(t.floatData ?? []);
    case DataType.DOUBLE:
      return Float64Array.from(t.doubleData ?? []);
    case DataType.INT64:
      return BigInt64Array.from((t.int64Data ?? []) as Array<number | LongLike>, (v) => int64Big(v));
    case DataType.UINT64:
      return BigUint64Array.from((t.uint64Data ?? []) as Array<number | LongLike>, (v) => int64Big(v, true));
    case DataType.UINT32: {
      const source = (t.uint64Data ?? []) as Array<number | LongLike>;
      return Uint32Array.from(source, (v) => Number(int64Big(v, true)));
    }
    case DataType.STRING:
      return (t.stringData ?? []).map(bytesToString);
    default: {
      // INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16 live in int32_data.
      const source = t.int32Data ?? [];
      const values = layout!.make(source.length) as Exclude<TensorValues, string[] | BigInt64Array | BigUint64Array>;
      for (let i = 0; i < source.length; i++) values[i] = source[i]!;
      return values;
    }
  }
}

function decodeSparse(s: ISparseTensorProto, where: string): SparseTensor {
  if (!s.values || !s.indices) throw new OnnxError('onnx-decode', `a sparse tensor in ${where} lacks values or indices.`);
  return {
    values: decodeTensor(s.values, where),
    indices: decodeTensor(s.indices, where),
    dims: decodeDims(s.dims as Array<number | LongLike>, `a sparse tensor in ${where}`),
  };
}

function decodeValueInfo(v: IValueInfoProto, where: string): ValueInfo {
  const info: ValueInfo = { name: v.name ?? '' };
  if (v.type) info.type = decodeType(v.type, `value '${info.name}' of ${where}`);
  const docString = opt(v.docString);
  if (docString !== undefined) info.docString = docString;
  return info;
}

function decodeType(t: ITypeProto, where: string): TypeInfo {
  let type: TypeInfo;
  const shapeOf = (shape: onnxProtoModule.onnx.ITensorShapeProto | null | undefined): Dim[] | undefined => {
    if (!shape) return undefined;
    return (shape.dim ?? []).map((d) => {
      if (d.dimParam) return d.dimParam;
      if (d.dimValue === null || d.dimValue === undefined || !Object.prototype.hasOwnProperty.call(d, 'dimValue')) return null;
      const value = int64(d.dimValue as number | LongLike);
      if (value < 0 || value > MAX_DIM) {
        throw new OnnxError('onnx-decode', `${where}: declared dimension ${int64Big(d.dimValue as number | LongLike)} is out of range.`);
      }
      return value;
    });
  };
  if (t.tensorType) {
    type = { kind: 'tensor', elemType: t.tensorType.elemType ?? 0 };
    const shape = shapeOf(t.tensorType.shape);
    if (shape) type.shape = shape;
  } else if (t.sparseTensorType) {
    type = { kind: 'sparse_tensor', elemType: t.sparseTensorType.elemType ?? 0 };
    const shape = shapeOf(t.sparseTensorType.shape);
    if (shape) type.shape = shape;
  } else if (t.sequenceType?.elemType) {
    type = { kind: 'sequence', elem: decodeType(t.sequenceType.elemType, where) };
  } else if (t.optionalType?.elemType) {
    type = { kind: 'optional', elem: decodeType(t.optionalType.elemType, where) };
  } else if (t.mapType?.valueType) {
    type = { kind: 'map', keyType: t.mapType.keyType ?? 0, value: decodeType(t.mapType.valueType, where) };
  } else {
    throw new OnnxError('onnx-unsupported', `${where}: a type this schema does not know (no tensor, sequence, map or optional type).`);
  }
  const denotation = opt(t.denotation);
  if (denotation !== undefined) type.denotation = denotation;
  return type;
}

// ---- encode -----------------------------------------------------------------------------------------------

/** Encodes a model to ModelProto bytes. Fields are written in field-number order, as the ONNX C++ writer does. */
export function encodeModel(model: Model): Uint8Array {
  const proto: IModelProto = {
    irVersion: int64Out(model.irVersion) as number,
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: int64Out(o.version) as number })),
    graph: encodeGraph(model.graph),
  };
  if (model.producerName !== undefined) proto.producerName = model.producerName;
  if (model.producerVersion !== undefined) proto.producerVersion = model.producerVersion;
  if (model.domain !== undefined) proto.domain = model.domain;
  if (model.modelVersion !== undefined) proto.modelVersion = int64Out(model.modelVersion) as number;
  if (model.docString !== undefined) proto.docString = model.docString;
  if (model.metadataProps.length > 0) proto.metadataProps = model.metadataProps.map(([key, value]) => ({ key, value }));
  if (model.functions.length > 0) proto.functions = model.functions.map(encodeFunction);
  return pb.ModelProto.encode(proto).finish();
}

function encodeGraph(graph: Graph): IGraphProto {
  const g: IGraphProto = { node: graph.nodes.map(encodeNode) };
  if (graph.name) g.name = graph.name;
  if (graph.initializers.length > 0) g.initializer = graph.initializers.map(encodeTensor);
  if (graph.sparseInitializers.length > 0) g.sparseInitializer = graph.sparseInitializers.map(encodeSparse);
  if (graph.docString !== undefined) g.docString = graph.docString;
  g.input = graph.inputs.map(encodeValueInfo);
  g.output = graph.outputs.map(encodeValueInfo);
  if (graph.valueInfo.length > 0) g.valueInfo = graph.valueInfo.map(encodeValueInfo);
  return g;
}

function encodeNode(node: Node): INodeProto {
  const n: INodeProto = { input: node.inputs, output: node.outputs, opType: node.opType };
  if (node.name) n.name = node.name;
  if (node.attributes.length > 0) n.attribute = node.attributes.map(encodeAttribute);
  if (node.docString !== undefined) n.docString = node.docString;
  if (node.domain) n.domain = node.domain;
  return n;
}

function encodeFunction(fn: FunctionDef): IFunctionProto {
  const f: IFunctionProto = {
    name: fn.name,
    input: fn.inputs,
    output: fn.outputs,
    attribute: fn.attributes,
    node: fn.nodes.map(encodeNode),
    opsetImport: fn.opsetImports.map((o) => ({ domain: o.domain, version: int64Out(o.version) as number })),
    domain: fn.domain,
  };
  if (fn.docString !== undefined) f.docString = fn.docString;
  return f;
}

function encodeAttribute(attribute: Attribute): IAttributeProto {
  const a: IAttributeProto = { name: attribute.name, type: ATTRIBUTE_CODES[attribute.type] };
  if (attribute.refAttrName !== undefined) a.refAttrName = attribute.refAttrName;
  if (attribute.docString !== undefined) a.docString = attribute.docString;
  switch (attribute.type) {
    case 'float':
      a.f = attribute.value;
      break;
    case 'int':
      a.i = int64Out(attribute.value) as number;
      break;
    case 'string':
      a.s = stringToBytes(attribute.value);
      break;
    case 'tensor':
      a.t = encodeTensor(attribute.value);
      break;
    case 'graph':
      a.g = encodeGraph(attribute.value);
      break;
    case 'sparse_tensor':
      a.sparseTensor = encodeSparse(attribute.value);
      break;
    case 'type_proto':
      a.tp = encodeType(attribute.value);
      break;
    case 'floats':
      a.floats = attribute.value;
      break;
    case 'ints':
      a.ints = attribute.value.map((v) => int64Out(v) as number);
      break;
    case 'strings':
      a.strings = attribute.value.map(stringToBytes);
      break;
    case 'tensors':
      a.tensors = attribute.value.map(encodeTensor);
      break;
    case 'graphs':
      a.graphs = attribute.value.map(encodeGraph);
      break;
    case 'sparse_tensors':
      a.sparseTensors = attribute.value.map(encodeSparse);
      break;
    case 'type_protos':
      a.typeProtos = attribute.value.map(encodeType);
      break;
  }
  return a;
}

function encodeTensor(tensor: Tensor): ITensorProto {
  const t: ITensorProto = { dims: tensor.dims.map((d) => int64Out(d) as number), dataType: tensor.dataType };
  if (tensor.name) t.name = tensor.name;
  if (tensor.docString !== undefined) t.docString = tensor.docString;
  const values = tensor.values;
  if (tensor.storage === 'external') {
    if (!tensor.external) throw new OnnxError('onnx-build', `Tensor '${tensor.name}' is marked external but has no location.`);
    t.externalData = tensor.external.entries.map(([key, value]) => ({ key, value }));
    t.dataLocation = pb.TensorProto.DataLocation.EXTERNAL;
    return t;
  }
  if (tensor.storage === 'raw') {
    if (Array.isArray(values)) throw new OnnxError('onnx-build', `Tensor '${tensor.name}': STRING tensors cannot use raw_data.`);
    t.rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    return t;
  }
  switch (tensor.dataType) {
    case DataType.FLOAT:
      t.floatData = Array.from(values as Float32Array);
      break;
    case DataType.DOUBLE:
      t.doubleData = Array.from(values as Float64Array);
      break;
    case DataType.INT64:
      t.int64Data = Array.from(values as BigInt64Array, (v) => int64Out(v) as number);
      break;
    case DataType.UINT64:
      t.uint64Data = Array.from(values as BigUint64Array, (v) => uint64Out(v) as number);
      break;
    case DataType.UINT32:
      t.uint64Data = Array.from(values as Uint32Array);
      break;
    case DataType.STRING:
      t.stringData = (values as string[]).map(stringToBytes);
      break;
    default:
      t.int32Data = Array.from(values as Int32Array);
  }
  return t;
}

function encodeSparse(sparse: SparseTensor): ISparseTensorProto {
  return {
    values: encodeTensor(sparse.values),
    indices: encodeTensor(sparse.indices),
    dims: sparse.dims.map((d) => int64Out(d) as number),
  };
}

function encodeValueInfo(info: ValueInfo): IValueInfoProto {
  const v: IValueInfoProto = { name: info.name };
  if (info.type) v.type = encodeType(info.type);
  if (info.docString !== undefined) v.docString = info.docString;
  return v;
}

function encodeShape(shape: Dim[]): onnxProtoModule.onnx.ITensorShapeProto {
  return {
    dim: shape.map((d) => {
      if (typeof d === 'number') return { dimValue: int64Out(d) as number };
      if (typeof d === 'string') return { dimParam: d };
      return {};
    }),
  };
}

function encodeType(type: TypeInfo): ITypeProto {
  const t: ITypeProto = {};
  switch (type.kind) {
    case 'tensor':
      t.tensorType = { elemType: type.elemType };
      if (type.shape) t.tensorType.shape = encodeShape(type.shape);
      break;
    case 'sparse_tensor':
      t.sparseTensorType = { elemType: type.elemType };
      if (type.shape) t.sparseTensorType.shape = encodeShape(type.shape);
      break;
    case 'sequence':
      t.sequenceType = { elemType: encodeType(type.elem) };
      break;
    case 'optional':
      t.optionalType = { elemType: encodeType(type.elem) };
      break;
    case 'map':
      t.mapType = { keyType: type.keyType, valueType: encodeType(type.value) };
      break;
  }
  if (type.denotation !== undefined) t.denotation = type.denotation;
  return t;
}

/** Exposed for tests: the protobufjs namespace generated from onnx.proto. */
export const onnxProto: P = pb;
