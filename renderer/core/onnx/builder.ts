// Builders for model.ts values. Attributes of known ops are typed by the schema table: `node('LeakyRelu', …,
// { alpha: 0 })` writes a FLOAT attribute although 0 is whole (onnxruntime rejects 0 stored as INT).

import { OnnxError } from './errors';
import {
  DataType,
  dataTypeName,
  elementCount,
  numericLayout,
  type Attribute,
  type AttributeType,
  type AttributeValueByType,
  type Dim,
  type Graph,
  type Model,
  type Node,
  type SparseTensor,
  type Tensor,
  type TensorStorage,
  type TensorValues,
  type ValueInfo,
} from './model';
import { attributeType, EXPORT_IR_VERSION, EXPORT_OPSET, isKnownOp, type OpAttrs, type OpType } from './schema';

/** A tensor from values; numbers are converted to the data type's array (float32 rounding for FLOAT). */
export function tensor(
  name: string,
  dataType: DataType,
  dims: readonly number[],
  values: TensorValues | ArrayLike<number> | ArrayLike<bigint>,
  storage: TensorStorage = 'raw',
): Tensor {
  const count = elementCount(dims);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new OnnxError('onnx-build', `Tensor '${name}': dims [${dims.join(', ')}] must be non-negative integers.`);
  }
  if (values.length !== count) {
    throw new OnnxError(
      'onnx-build',
      `Tensor '${name}': dims [${dims.join(', ')}] hold ${count} values, but ${values.length} were given.`,
    );
  }
  let typed: TensorValues;
  if (dataType === DataType.STRING) {
    if (storage === 'raw') storage = 'typed';
    typed = Array.from(values as ArrayLike<unknown>, String);
  } else {
    const layout = numericLayout(dataType);
    if (!layout) throw new OnnxError('onnx-build', `Tensor '${name}': data type ${dataTypeName(dataType)} is not supported.`);
    const out = layout.make(count);
    const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
    for (let i = 0; i < count; i++) {
      const v = (values as ArrayLike<number | bigint>)[i]!;
      if (big) (out as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
      else (out as Float32Array)[i] = dataType === DataType.BOOL ? (v ? 1 : 0) : Number(v);
    }
    typed = out;
  }
  return { name, dataType, dims: [...dims], values: typed, storage };
}

export const floatTensor = (name: string, dims: readonly number[], values: ArrayLike<number>, storage: TensorStorage = 'raw') =>
  tensor(name, DataType.FLOAT, dims, values, storage);

export const int64Tensor = (name: string, dims: readonly number[], values: ArrayLike<number> | ArrayLike<bigint>, storage: TensorStorage = 'raw') =>
  tensor(name, DataType.INT64, dims, values, storage);

/** A 1-D int64 tensor, the usual shape/axes operand. */
export const int64Vector = (name: string, values: readonly number[]) => int64Tensor(name, [values.length], values);

export function sparseTensor(values: Tensor, indices: Tensor, dims: readonly number[]): SparseTensor {
  return { values, indices, dims: [...dims] };
}

export function valueInfo(name: string, elemType: number, shape?: readonly Dim[]): ValueInfo {
  return shape ? { name, type: { kind: 'tensor', elemType, shape: [...shape] } } : { name, type: { kind: 'tensor', elemType } };
}

/** An attribute of an explicit type (for ops outside the schema table, or to force a type). */
export function attribute<T extends AttributeType>(name: string, type: T, value: AttributeValueByType[T]): Attribute {
  const normalised =
    type === 'float'
      ? Math.fround(value as number)
      : type === 'floats'
        ? (value as number[]).map(Math.fround)
        : value;
  return { name, type, value: normalised } as Attribute;
}

/** Why a plain value cannot be an attribute of this type, or undefined when it can. */
function attributeValueProblem(type: AttributeType, value: unknown): string | undefined {
  const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  const isFloat = (v: unknown) => typeof v === 'number';
  switch (type) {
    case 'int':
      return isInt(value) ? undefined : 'an integer';
    case 'float':
      return isFloat(value) ? undefined : 'a number';
    case 'ints':
      return Array.isArray(value) && value.every(isInt) ? undefined : 'a list of integers';
    case 'floats':
      return Array.isArray(value) && value.every(isFloat) ? undefined : 'a list of numbers';
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'a list of strings';
    case 'tensor':
      return typeof value === 'object' && value !== null && 'dataType' in value && 'dims' in value ? undefined : 'a tensor';
    default:
      return undefined;
  }
}

/** Attributes from plain values, typed by the op's schema. Undefined values are skipped. */
export function attributesFor(opType: string, values: Readonly<Record<string, unknown>>): Attribute[] {
  const out: Attribute[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const type = attributeType(opType, name);
    if (!type) {
      throw new OnnxError(
        'onnx-build',
        `${opType} has no attribute '${name}' in the schema table; pass it with attribute(name, type, value) if it is intended.`,
      );
    }
    const problem = attributeValueProblem(type, value);
    if (problem) {
      throw new OnnxError('onnx-build', `${opType} attribute '${name}' must be ${problem}, but it is ${JSON.stringify(value)}.`);
    }
    out.push(attribute(name, type, (Array.isArray(value) ? [...value] : value) as never));
  }
  return out;
}

export interface NodeOptions {
  name?: string;
  domain?: string;
  /** Extra attributes, already typed (ops outside the table). */
  attributes?: Attribute[];
}

/** A node of a known op with schema-typed attributes. */
export function node<Op extends OpType>(
  opType: Op,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: OpAttrs<Op> = {} as OpAttrs<Op>,
  options: NodeOptions = {},
): Node {
  const result: Node = {
    name: options.name ?? '',
    opType,
    domain: options.domain ?? '',
    inputs: [...inputs],
    outputs: [...outputs],
    attributes: [...attributesFor(opType, attrs as Record<string, unknown>), ...(options.attributes ?? [])],
  };
  return result;
}

/** A node of any op (e.g. another domain); attributes must be typed. */
export function customNode(opType: string, inputs: readonly string[], outputs: readonly string[], options: NodeOptions = {}): Node {
  return {
    name: options.name ?? '',
    opType,
    domain: options.domain ?? '',
    inputs: [...inputs],
    outputs: [...outputs],
    attributes: [...(options.attributes ?? [])],
  };
}

export interface GraphParts {
  name?: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Tensor[];
  sparseInitializers?: SparseTensor[];
  valueInfo?: ValueInfo[];
  docString?: string;
}

export function graph(parts: GraphParts): Graph {
  const g: Graph = {
    name: parts.name ?? 'main',
    nodes: parts.nodes,
    inputs: parts.inputs,
    outputs: parts.outputs,
    initializers: parts.initializers ?? [],
    sparseInitializers: parts.sparseInitializers ?? [],
    valueInfo: parts.valueInfo ?? [],
  };
  if (parts.docString !== undefined) g.docString = parts.docString;
  return g;
}

export interface ModelOptions {
  opset?: number;
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string> | Array<[string, string]>;
  /** Opsets of other domains, e.g. [{ domain: 'com.example', version: 1 }]. */
  extraOpsets?: Array<{ domain: string; version: number }>;
}

export function model(g: Graph, options: ModelOptions = {}): Model {
  const m: Model = {
    irVersion: options.irVersion ?? EXPORT_IR_VERSION,
    opsetImports: [{ domain: '', version: options.opset ?? EXPORT_OPSET }, ...(options.extraOpsets ?? [])],
    producerName: options.producerName ?? 'Model Lab',
    graph: g,
    metadataProps: Array.isArray(options.metadata) ? options.metadata : Object.entries(options.metadata ?? {}),
    functions: [],
  };
  if (options.producerVersion !== undefined) m.producerVersion = options.producerVersion;
  if (options.docString !== undefined) m.docString = options.docString;
  return m;
}

/**
 * Builds a graph node by node, naming outputs uniquely. `add` returns the output names:
 *   const y = b.add('Relu', [x])[0];
 */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers: Tensor[] = [];
  /** Value names (inputs, initializers, node outputs); node names are a separate namespace in ONNX. */
  private readonly used = new Set<string>();
  private readonly nodeNames = new Set<string>();

  constructor(readonly name = 'main') {}

  /** A fresh name based on `base` ('conv', 'conv_1', …). */
  fresh(base: string): string {
    let candidate = base;
    for (let i = 1; this.used.has(candidate); i++) candidate = `${base}_${i}`;
    this.used.add(candidate);
    return candidate;
  }

  input(name: string, elemType: number, shape?: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  initializer(t: Tensor): string {
    this.claim(t.name);
    this.initializers.push(t);
    return t.name;
  }

  add<Op extends OpType>(
    opType: Op,
    inputs: readonly string[],
    attrs: OpAttrs<Op> = {} as OpAttrs<Op>,
    options: NodeOptions & { outputs?: readonly string[]; outputCount?: number } = {},
  ): string[] {
    if (!isKnownOp(opType)) throw new OnnxError('onnx-build', `Unknown op '${opType}'.`);
    let nodeName = options.name;
    if (nodeName === undefined) {
      const base = opType.toLowerCase();
      nodeName = base;
      for (let i = 1; this.nodeNames.has(nodeName); i++) nodeName = `${base}_${i}`;
    } else if (this.nodeNames.has(nodeName)) {
      throw new OnnxError('onnx-build', `Two nodes are named '${nodeName}' in graph '${this.name}'.`);
    }
    this.nodeNames.add(nodeName);
    const outputs =
      options.outputs?.map((o) => (this.claim(o), o)) ??
      Array.from({ length: options.outputCount ?? 1 }, (_, i) => this.fresh(i === 0 ? `${nodeName}_out` : `${nodeName}_out${i}`));
    this.nodes.push(node(opType, inputs, outputs, attrs, { ...options, name: nodeName }));
    return outputs;
  }

  output(name: string, elemType: number, shape?: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, shape));
  }

  build(): Graph {
    return graph({ name: this.name, nodes: this.nodes, inputs: this.inputs, outputs: this.outputs, initializers: this.initializers });
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new OnnxError('onnx-build', `The name '${name}' is already used in graph '${this.name}'.`);
    this.used.add(name);
  }
}
