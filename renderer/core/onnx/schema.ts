// The ONNX operators we emit and import (default domain), as the ONNX operator specification defines them:
// per version, the arity and the attributes with their types and defaults. One table, read by the builder (to type
// attributes: a float attribute is FLOAT even when its value is whole), the checker, shape inference and the
// reference interpreter. Only versions whose arity or attributes changed are listed; type-only revisions are not.

import type { AttributeType, Tensor } from './model';

/** The ONNX IR version we write, and the range we read. */
export const EXPORT_IR_VERSION = 8;
export const MIN_IR_VERSION = 3;
export const MAX_IR_VERSION = 10;

/** We export at opset 18 (17 is the oldest the product promises) and import opsets 11 to 21. */
export const EXPORT_OPSET = 18;
export const MIN_OPSET = 11;
export const MAX_OPSET = 21;

export interface AttrSpec {
  type: AttributeType;
  required?: true;
  default?: number | string | readonly number[];
}

export interface OpVersion {
  since: number;
  /** [min, max] counts; Infinity for variadic. Optional inputs count towards max only. */
  inputs: readonly [number, number];
  outputs: readonly [number, number];
  attrs: Readonly<Record<string, AttrSpec>>;
}

export interface OpSchema {
  versions: readonly OpVersion[];
}

const V = Infinity;
const none = {} as const;
const unary = [{ since: 6, inputs: [1, 1], outputs: [1, 1], attrs: none }] as const;
const binary = [{ since: 7, inputs: [2, 2], outputs: [1, 1], attrs: none }] as const;
const autoPad = { type: 'string', default: 'NOTSET' } as const;
const ints = { type: 'ints' } as const;

export const OPS = {
  Abs: { versions: unary },
  Neg: { versions: unary },
  Exp: { versions: unary },
  Log: { versions: unary },
  Sqrt: { versions: unary },
  Relu: { versions: unary },
  Sigmoid: { versions: unary },
  Tanh: { versions: unary },
  Not: { versions: [{ since: 1, inputs: [1, 1], outputs: [1, 1], attrs: none }] },
  Identity: { versions: [{ since: 1, inputs: [1, 1], outputs: [1, 1], attrs: none }] },
  Add: { versions: binary },
  Sub: { versions: binary },
  Mul: { versions: binary },
  Div: { versions: binary },
  Pow: { versions: binary },
  Equal: { versions: binary },
  Greater: { versions: binary },
  Less: { versions: binary },
  And: { versions: binary },
  Max: { versions: [{ since: 8, inputs: [1, V], outputs: [1, 1], attrs: none }] },
  Min: { versions: [{ since: 8, inputs: [1, V], outputs: [1, 1], attrs: none }] },
  Where: { versions: [{ since: 9, inputs: [3, 3], outputs: [1, 1], attrs: none }] },
  LeakyRelu: {
    versions: [{ since: 6, inputs: [1, 1], outputs: [1, 1], attrs: { alpha: { type: 'float', default: 0.01 } } }],
  },
  Clip: { versions: [{ since: 11, inputs: [1, 3], outputs: [1, 1], attrs: none }] },
  Cast: {
    versions: [
      { since: 6, inputs: [1, 1], outputs: [1, 1], attrs: { to: { type: 'int', required: true } } },
      {
        since: 19,
        inputs: [1, 1],
        outputs: [1, 1],
        attrs: { to: { type: 'int', required: true }, saturate: { type: 'int', default: 1 } },
      },
    ],
  },
  Softmax: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, 1], attrs: { axis: { type: 'int', default: 1 } } },
      { since: 13, inputs: [1, 1], outputs: [1, 1], attrs: { axis: { type: 'int', default: -1 } } },
    ],
  },
  LogSoftmax: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, 1], attrs: { axis: { type: 'int', default: 1 } } },
      { since: 13, inputs: [1, 1], outputs: [1, 1], attrs: { axis: { type: 'int', default: -1 } } },
    ],
  },
  Conv: {
    versions: [
      {
        since: 11,
        inputs: [2, 3],
        outputs: [1, 1],
        attrs: {
          auto_pad: autoPad,
          dilations: ints,
          group: { type: 'int', default: 1 },
          kernel_shape: ints,
          pads: ints,
          strides: ints,
        },
      },
    ],
  },
  ConvTranspose: {
    versions: [
      {
        since: 11,
        inputs: [2, 3],
        outputs: [1, 1],
        attrs: {
          auto_pad: autoPad,
          dilations: ints,
          group: { type: 'int', default: 1 },
          kernel_shape: ints,
          output_padding: ints,
          output_shape: ints,
          pads: ints,
          strides: ints,
        },
      },
    ],
  },
  MaxPool: {
    versions: [
      {
        since: 10,
        inputs: [1, 1],
        outputs: [1, 2],
        attrs: {
          auto_pad: autoPad,
          ceil_mode: { type: 'int', default: 0 },
          dilations: ints,
          kernel_shape: { type: 'ints', required: true },
          pads: ints,
          storage_order: { type: 'int', default: 0 },
          strides: ints,
        },
      },
    ],
  },
  AveragePool: {
    versions: [
      {
        since: 10,
        inputs: [1, 1],
        outputs: [1, 1],
        attrs: {
          auto_pad: autoPad,
          ceil_mode: { type: 'int', default: 0 },
          count_include_pad: { type: 'int', default: 0 },
          kernel_shape: { type: 'ints', required: true },
          pads: ints,
          strides: ints,
        },
      },
      {
        since: 19,
        inputs: [1, 1],
        outputs: [1, 1],
        attrs: {
          auto_pad: autoPad,
          ceil_mode: { type: 'int', default: 0 },
          count_include_pad: { type: 'int', default: 0 },
          dilations: ints,
          kernel_shape: { type: 'ints', required: true },
          pads: ints,
          strides: ints,
        },
      },
    ],
  },
  GlobalAveragePool: { versions: [{ since: 1, inputs: [1, 1], outputs: [1, 1], attrs: none }] },
  Gemm: {
    versions: [
      {
        since: 11,
        inputs: [2, 3],
        outputs: [1, 1],
        attrs: {
          alpha: { type: 'float', default: 1 },
          beta: { type: 'float', default: 1 },
          transA: { type: 'int', default: 0 },
          transB: { type: 'int', default: 0 },
        },
      },
    ],
  },
  MatMul: { versions: [{ since: 1, inputs: [2, 2], outputs: [1, 1], attrs: none }] },
  BatchNormalization: {
    versions: [
      {
        since: 9,
        inputs: [5, 5],
        outputs: [1, 5],
        attrs: { epsilon: { type: 'float', default: 1e-5 }, momentum: { type: 'float', default: 0.9 } },
      },
      {
        since: 14,
        inputs: [5, 5],
        outputs: [1, 3],
        attrs: {
          epsilon: { type: 'float', default: 1e-5 },
          momentum: { type: 'float', default: 0.9 },
          training_mode: { type: 'int', default: 0 },
        },
      },
    ],
  },
  LRN: {
    versions: [
      {
        since: 1,
        inputs: [1, 1],
        outputs: [1, 1],
        attrs: {
          alpha: { type: 'float', default: 1e-4 },
          beta: { type: 'float', default: 0.75 },
          bias: { type: 'float', default: 1 },
          size: { type: 'int', required: true },
        },
      },
    ],
  },
  Dropout: {
    versions: [
      { since: 10, inputs: [1, 1], outputs: [1, 2], attrs: { ratio: { type: 'float', default: 0.5 } } },
      { since: 12, inputs: [1, 3], outputs: [1, 2], attrs: { seed: { type: 'int' } } },
    ],
  },
  Concat: {
    versions: [{ since: 4, inputs: [1, V], outputs: [1, 1], attrs: { axis: { type: 'int', required: true } } }],
  },
  Flatten: { versions: [{ since: 1, inputs: [1, 1], outputs: [1, 1], attrs: { axis: { type: 'int', default: 1 } } }] },
  Reshape: {
    versions: [
      { since: 5, inputs: [2, 2], outputs: [1, 1], attrs: none },
      { since: 14, inputs: [2, 2], outputs: [1, 1], attrs: { allowzero: { type: 'int', default: 0 } } },
    ],
  },
  Transpose: { versions: [{ since: 1, inputs: [1, 1], outputs: [1, 1], attrs: { perm: ints } }] },
  Constant: {
    versions: [
      { since: 11, inputs: [0, 0], outputs: [1, 1], attrs: { value: { type: 'tensor' }, sparse_value: { type: 'sparse_tensor' } } },
      {
        since: 12,
        inputs: [0, 0],
        outputs: [1, 1],
        attrs: {
          value: { type: 'tensor' },
          sparse_value: { type: 'sparse_tensor' },
          value_float: { type: 'float' },
          value_floats: { type: 'floats' },
          value_int: { type: 'int' },
          value_ints: { type: 'ints' },
          value_string: { type: 'string' },
          value_strings: { type: 'strings' },
        },
      },
    ],
  },
  ConstantOfShape: {
    versions: [{ since: 9, inputs: [1, 1], outputs: [1, 1], attrs: { value: { type: 'tensor' } } }],
  },
  Shape: {
    versions: [
      { since: 1, inputs: [1, 1], outputs: [1, 1], attrs: none },
      { since: 15, inputs: [1, 1], outputs: [1, 1], attrs: { start: { type: 'int', default: 0 }, end: { type: 'int' } } },
    ],
  },
  Gather: { versions: [{ since: 1, inputs: [2, 2], outputs: [1, 1], attrs: { axis: { type: 'int', default: 0 } } }] },
  GatherElements: {
    versions: [{ since: 11, inputs: [2, 2], outputs: [1, 1], attrs: { axis: { type: 'int', default: 0 } } }],
  },
  ScatterElements: {
    versions: [
      { since: 11, inputs: [3, 3], outputs: [1, 1], attrs: { axis: { type: 'int', default: 0 } } },
      {
        since: 16,
        inputs: [3, 3],
        outputs: [1, 1],
        attrs: { axis: { type: 'int', default: 0 }, reduction: { type: 'string', default: 'none' } },
      },
    ],
  },
  Unsqueeze: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, 1], attrs: { axes: { type: 'ints', required: true } } },
      { since: 13, inputs: [2, 2], outputs: [1, 1], attrs: none },
    ],
  },
  Squeeze: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, 1], attrs: { axes: ints } },
      { since: 13, inputs: [1, 2], outputs: [1, 1], attrs: none },
    ],
  },
  Slice: { versions: [{ since: 10, inputs: [3, 5], outputs: [1, 1], attrs: none }] },
  Pad: {
    versions: [
      { since: 11, inputs: [2, 3], outputs: [1, 1], attrs: { mode: { type: 'string', default: 'constant' } } },
      { since: 18, inputs: [2, 4], outputs: [1, 1], attrs: { mode: { type: 'string', default: 'constant' } } },
    ],
  },
  ReduceSum: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, 1], attrs: { axes: ints, keepdims: { type: 'int', default: 1 } } },
      {
        since: 13,
        inputs: [1, 2],
        outputs: [1, 1],
        attrs: { keepdims: { type: 'int', default: 1 }, noop_with_empty_axes: { type: 'int', default: 0 } },
      },
    ],
  },
  ReduceMean: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, 1], attrs: { axes: ints, keepdims: { type: 'int', default: 1 } } },
      {
        since: 18,
        inputs: [1, 2],
        outputs: [1, 1],
        attrs: { keepdims: { type: 'int', default: 1 }, noop_with_empty_axes: { type: 'int', default: 0 } },
      },
    ],
  },
  ReduceMax: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, 1], attrs: { axes: ints, keepdims: { type: 'int', default: 1 } } },
      {
        since: 18,
        inputs: [1, 2],
        outputs: [1, 1],
        attrs: { keepdims: { type: 'int', default: 1 }, noop_with_empty_axes: { type: 'int', default: 0 } },
      },
    ],
  },
  ArgMax: {
    versions: [
      {
        since: 11,
        inputs: [1, 1],
        outputs: [1, 1],
        attrs: { axis: { type: 'int', default: 0 }, keepdims: { type: 'int', default: 1 } },
      },
      {
        since: 12,
        inputs: [1, 1],
        outputs: [1, 1],
        attrs: {
          axis: { type: 'int', default: 0 },
          keepdims: { type: 'int', default: 1 },
          select_last_index: { type: 'int', default: 0 },
        },
      },
    ],
  },
  CumSum: {
    versions: [
      {
        since: 11,
        inputs: [2, 2],
        outputs: [1, 1],
        attrs: { exclusive: { type: 'int', default: 0 }, reverse: { type: 'int', default: 0 } },
      },
    ],
  },
  Expand: { versions: [{ since: 8, inputs: [2, 2], outputs: [1, 1], attrs: none }] },
  Tile: { versions: [{ since: 6, inputs: [2, 2], outputs: [1, 1], attrs: none }] },
  Split: {
    versions: [
      { since: 11, inputs: [1, 1], outputs: [1, V], attrs: { axis: { type: 'int', default: 0 }, split: ints } },
      { since: 13, inputs: [1, 2], outputs: [1, V], attrs: { axis: { type: 'int', default: 0 } } },
      {
        since: 18,
        inputs: [1, 2],
        outputs: [1, V],
        attrs: { axis: { type: 'int', default: 0 }, num_outputs: { type: 'int' } },
      },
    ],
  },
} as const satisfies Record<string, OpSchema>;

export type OpType = keyof typeof OPS;

export function isKnownOp(opType: string): opType is OpType {
  return Object.prototype.hasOwnProperty.call(OPS, opType);
}

/** The schema version in force at an opset: the newest with since ≤ opset; undefined if the op is newer. */
export function opVersion(opType: string, opset: number): OpVersion | undefined {
  if (!isKnownOp(opType)) return undefined;
  const versions: readonly OpVersion[] = OPS[opType].versions;
  let found: OpVersion | undefined;
  for (const v of versions) if (v.since <= opset) found = v;
  return found;
}

/** The type of an attribute in any version of the op's schema. */
export function attributeType(opType: string, name: string): AttributeType | undefined {
  if (!isKnownOp(opType)) return undefined;
  const versions: readonly OpVersion[] = OPS[opType].versions;
  for (let i = versions.length - 1; i >= 0; i--) {
    const spec = versions[i]!.attrs[name];
    if (spec) return spec.type;
  }
  return undefined;
}

// ---- TypeScript view of the table: builder arguments typed per op -------------------------------------------

type AttrTsType<T extends AttributeType> = T extends 'float' | 'int'
  ? number
  : T extends 'floats' | 'ints'
    ? readonly number[]
    : T extends 'string'
      ? string
      : T extends 'strings'
        ? readonly string[]
        : T extends 'tensor'
          ? Tensor
          : never;

type AttrRecordsOf<Op extends OpType> = (typeof OPS)[Op]['versions'][number]['attrs'];
type AttrNamesOf<Op extends OpType> = AttrRecordsOf<Op> extends infer R ? (R extends unknown ? keyof R : never) : never;
type SpecOf<Op extends OpType, K> = Extract<AttrRecordsOf<Op>, Record<K & PropertyKey, unknown>>[K & keyof Extract<AttrRecordsOf<Op>, Record<K & PropertyKey, unknown>>];

/** The attributes an op accepts, with TypeScript types from the schema: `OpAttrs<'Conv'>['group']` is number. */
export type OpAttrs<Op extends OpType> = [AttrNamesOf<Op>] extends [never]
  ? Record<string, never>
  : { [K in AttrNamesOf<Op>]?: SpecOf<Op, K> extends { type: infer T extends AttributeType } ? AttrTsType<T> : never };
