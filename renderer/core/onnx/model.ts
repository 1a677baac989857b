// A plain TypeScript model of ONNX: what a ModelProto says, with protobuf details (Long, bytes, oneofs) gone.
// codec.ts converts between this and the wire format; builder.ts makes these; checker.ts and reference.ts read them.

/** TensorProto.DataType, numbered as in onnx.proto. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

const DATA_TYPE_NAMES = new Map<number, string>(Object.entries(DataType).map(([name, code]) => [code, name]));

/** 'FLOAT' for 1; 'data type 42' for codes we do not know. */
export function dataTypeName(code: number): string {
  return DATA_TYPE_NAMES.get(code) ?? `data type ${code}`;
}

/**
 * Tensor values in memory. FLOAT16 and BFLOAT16 hold their bit patterns in a Uint16Array; BOOL holds 0/1 in a
 * Uint8Array; STRING holds strings. Complex types are not supported.
 */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A supported numeric type's element size and typed-array constructor. */
interface NumericLayout {
  bytes: number;
  make: (length: number) => Exclude<TensorValues, string[]>;
}

const NUMERIC_LAYOUT: Partial<Record<DataType, NumericLayout>> = {
  [DataType.FLOAT]: { bytes: 4, make: (n) => new Float32Array(n) },
  [DataType.DOUBLE]: { bytes: 8, make: (n) => new Float64Array(n) },
  [DataType.INT8]: { bytes: 1, make: (n) => new Int8Array(n) },
  [DataType.UINT8]: { bytes: 1, make: (n) => new Uint8Array(n) },
  [DataType.BOOL]: { bytes: 1, make: (n) => new Uint8Array(n) },
  [DataType.INT16]: { bytes: 2, make: (n) => new Int16Array(n) },
  [DataType.UINT16]: { bytes: 2, make: (n) => new Uint16Array(n) },
  [DataType.FLOAT16]: { bytes: 2, make: (n) => new Uint16Array(n) },
  [DataType.BFLOAT16]: { bytes: 2, make: (n) => new Uint16Array(n) },
  [DataType.INT32]: { bytes: 4, make: (n) => new Int32Array(n) },
  [DataType.UINT32]: { bytes: 4, make: (n) => new Uint32Array(n) },
  [DataType.INT64]: { bytes: 8, make: (n) => new BigInt64Array(n) },
  [DataType.UINT64]: { bytes: 8, make: (n) => new BigUint64Array(n) },
};

/** Layout of a numeric data type, or undefined for STRING and unsupported types. */
export function numericLayout(dataType: number): NumericLayout | undefined {
  return NUMERIC_LAYOUT[dataType as DataType];
}

export function isSupportedDataType(dataType: number): dataType is DataType {
  return dataType === DataType.STRING || numericLayout(dataType) !== undefined;
}

export function isFloatType(dataType: number): boolean {
  return (
    dataType === DataType.FLOAT ||
    dataType === DataType.DOUBLE ||
    dataType === DataType.FLOAT16 ||
    dataType === DataType.BFLOAT16
  );
}

/** Where a tensor's values live in the file; kept so that a decoded model encodes to the same bytes. */
export type TensorStorage = 'raw' | 'typed' | 'external';

/** A tensor whose data is in a separate file (TensorProto.data_location = EXTERNAL). */
export interface ExternalData {
  location: string;
  offset: number;
  /** Byte length; absent means "to the end of the file". */
  length?: number;
  /** All key/value entries in file order (location, offset, length, checksum, …). */
  entries: Array<[string, string]>;
}

export interface Tensor {
  name: string;
  dataType: DataType;
  dims: number[];
  /** The values, row-major; empty for an external tensor whose data has not been loaded. */
  values: TensorValues;
  storage: TensorStorage;
  external?: ExternalData;
  docString?: string;
}

/** A COO sparse tensor: `values` (1-D) at `indices` ([NNZ] linearised or [NNZ, rank]). */
export interface SparseTensor {
  values: Tensor;
  indices: Tensor;
  dims: number[];
}

/** A dimension: a size, a symbolic name (dim_param, e.g. 'batch'), or unknown (null). */
export type Dim = number | string | null;

export type TypeInfo =
  | { kind: 'tensor'; elemType: number; shape?: Dim[]; denotation?: string }
  | { kind: 'sparse_tensor'; elemType: number; shape?: Dim[]; denotation?: string }
  | { kind: 'sequence'; elem: TypeInfo; denotation?: string }
  | { kind: 'optional'; elem: TypeInfo; denotation?: string }
  | { kind: 'map'; keyType: number; value: TypeInfo; denotation?: string };

export interface ValueInfo {
  name: string;
  type?: TypeInfo;
  docString?: string;
}

export type AttributeType =
  | 'float'
  | 'int'
  | 'string'
  | 'tensor'
  | 'graph'
  | 'sparse_tensor'
  | 'type_proto'
  | 'floats'
  | 'ints'
  | 'strings'
  | 'tensors'
  | 'graphs'
  | 'sparse_tensors'
  | 'type_protos';

export interface AttributeValueByType {
  float: number;
  int: number;
  string: string;
  tensor: Tensor;
  graph: Graph;
  sparse_tensor: SparseTensor;
  type_proto: TypeInfo;
  floats: number[];
  ints: number[];
  strings: string[];
  tensors: Tensor[];
  graphs: Graph[];
  sparse_tensors: SparseTensor[];
  type_protos: TypeInfo[];
}

/** A node attribute, discriminated by `type`. Integers beyond ±2^53 are rounded (and clamped to int64 on encode). */
export type Attribute = {
  [T in AttributeType]: {
    name: string;
    type: T;
    value: AttributeValueByType[T];
    docString?: string;
    /** Inside a function body: the name of the function attribute this one refers to. */
    refAttrName?: string;
  };
}[AttributeType];

export interface Node {
  name: string;
  opType: string;
  /** '' is the default ONNX domain (ai.onnx). */
  domain: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Attribute[];
  docString?: string;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Tensor[];
  sparseInitializers: SparseTensor[];
  valueInfo: ValueInfo[];
  docString?: string;
}

export interface OpsetImport {
  domain: string;
  version: number;
}

/** A model-local function (FunctionProto). */
export interface FunctionDef {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: string[];
  nodes: Node[];
  opsetImports: OpsetImport[];
  docString?: string;
}

export interface Model {
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: Graph;
  metadataProps: Array<[string, string]>;
  functions: FunctionDef[];
}

/** Number of elements of a tensor with these dims (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const d of dims) count *= d;
  return count;
}

/** The opset version the model imports for a domain ('' and 'ai.onnx' are the same), or undefined. */
export function opsetVersion(model: Pick<Model, 'opsetImports'>, domain = ''): number | undefined {
  const wanted = domain === 'ai.onnx' ? '' : domain;
  for (const o of model.opsetImports) {
    const d = o.domain === 'ai.onnx' ? '' : o.domain;
    if (d === wanted) return o.version;
  }
  return undefined;
}

export function findAttribute(node: Node, name: string): Attribute | undefined {
  return node.attributes.find((a) => a.name === name);
}
