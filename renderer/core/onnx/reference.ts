// A float64 reference interpreter for ONNX graphs: the independent oracle for forward passes and gradient checks.
// Written for obviousness, not speed: every op is a direct reading of the ONNX operator specification, computed in
// float64 whatever the declared type (FLOAT tensors are not rounded to float32; Cast to FLOAT16/BFLOAT16 does round).
// Integer and bool tensors are held as whole float64 values; Div on integer types truncates, Cast to an integer type
// truncates toward zero and wraps. Convolution and pooling are 1-D and 2-D.

import { AttributeReader } from './attributes';
import { describeNode, OnnxError } from './errors';
import { broadcastShapes, convTransposeGeometry, normaliseAxis, windowGeometry } from './geometry';
import { DataType, dataTypeName, elementCount, isFloatType, opsetVersion, type Graph, type Model, type Node, type SparseTensor, type Tensor } from './model';

export interface RefTensor {
  dataType: DataType;
  dims: number[];
  data: Float64Array;
}

export function refTensor(dims: readonly number[], data: ArrayLike<number>, dataType: DataType = DataType.FLOAT): RefTensor {
  if (data.length !== elementCount(dims)) {
    throw new OnnxError('onnx-run', `A tensor with dims [${dims.join(', ')}] needs ${elementCount(dims)} values, got ${data.length}.`);
  }
  return { dataType, dims: [...dims], data: Float64Array.from(data) };
}

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** A model tensor (initializer, Constant value) as a RefTensor. */
export function fromTensor(t: Tensor): RefTensor {
  if (t.storage === 'external' && elementCount(t.dims) > 0 && t.values.length === 0) {
    throw new OnnxError('onnx-run', `Tensor '${t.name}' keeps its data in '${t.external?.location}', which has not been loaded.`);
  }
  if (Array.isArray(t.values)) throw new OnnxError('onnx-run', `Tensor '${t.name}' holds strings; the reference interpreter is numeric only.`);
  const data = new Float64Array(t.values.length);
  const values = t.values;
  if (t.dataType === DataType.FLOAT16) for (let i = 0; i < data.length; i++) data[i] = halfToNumber(values[i] as number);
  else if (t.dataType === DataType.BFLOAT16) {
    const view = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < data.length; i++) {
      view.setUint32(0, (values[i] as number) << 16);
      data[i] = view.getFloat32(0);
    }
  } else for (let i = 0; i < data.length; i++) data[i] = Number(values[i]);
  if (data.length !== elementCount(t.dims)) {
    throw new OnnxError('onnx-run', `Tensor '${t.name}' has dims [${t.dims.join(', ')}] but ${data.length} values.`);
  }
  return { dataType: t.dataType, dims: [...t.dims], data };
}

/** A sparse tensor (COO, linear or per-axis indices) as a dense RefTensor. */
export function fromSparse(sparse: SparseTensor): RefTensor {
  const values = fromTensor(sparse.values);
  const indices = fromTensor(sparse.indices);
  const count = elementCount(sparse.dims);
  const data = new Float64Array(count);
  const nnz = values.data.length;
  const strides = stridesOf(sparse.dims);
  const rank = sparse.dims.length;
  const perAxis = indices.dims.length === 2;
  for (let k = 0; k < nnz; k++) {
    let flat = 0;
    if (perAxis) for (let a = 0; a < rank; a++) flat += indices.data[k * rank + a]! * strides[a]!;
    else flat = indices.data[k]!;
    if (flat < 0 || flat >= count) {
      throw new OnnxError('onnx-run', `Sparse tensor '${sparse.values.name}': index ${flat} is outside dims [${sparse.dims.join(', ')}].`);
    }
    data[flat] = values.data[k]!;
  }
  return { dataType: values.dataType, dims: [...sparse.dims], data };
}

// ---- index helpers ----------------------------------------------------------------------------------------

function stridesOf(dims: readonly number[]): number[] {
  const strides = Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * dims[i + 1]!;
  return strides;
}

/** For each output element, the flat index into `dims` broadcast to `outDims`. */
function broadcastIndex(dims: readonly number[], outDims: readonly number[]): Int32Array {
  const count = elementCount(outDims);
  const index = new Int32Array(count);
  const rank = outDims.length;
  const srcStrides = stridesOf(dims);
  const aligned = outDims.map((_, i) => {
    const j = i - (rank - dims.length);
    return j < 0 || dims[j] === 1 ? 0 : srcStrides[j]!;
  });
  const counter = Array<number>(rank).fill(0);
  for (let k = 0; k < count; k++) {
    let offset = 0;
    for (let i = 0; i < rank; i++) offset += counter[i]! * aligned[i]!;
    index[k] = offset;
    for (let i = rank - 1; i >= 0; i--) {
      if (++counter[i]! < outDims[i]!) break;
      counter[i] = 0;
    }
  }
  return index;
}

function unravel(flat: number, dims: readonly number[]): number[] {
  const out = Array<number>(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    out[i] = flat % dims[i]!;
    flat = Math.floor(flat / dims[i]!);
  }
  return out;
}

const isIntegerType = (t: DataType) => !isFloatType(t);

// ---- the interpreter --------------------------------------------------------------------------------------

export interface ReferenceOptions {
  /** Values to return; default the graph outputs. Any intermediate value name may be asked for. */
  outputs?: string[];
}

/** Runs the model's main graph on the feeds (by graph input name) and returns the requested values. */
export function runReference(model: Model, feeds: Readonly<Record<string, RefTensor>>, options: ReferenceOptions = {}): Record<string, RefTensor> {
  const opset = opsetVersion(model) ?? 0;
  if (opset === 0) throw new OnnxError('onnx-run', 'The model imports no default-domain opset.');
  return runGraph(model.graph, opset, feeds, options.outputs);
}

export function runGraph(graph: Graph, opset: number, feeds: Readonly<Record<string, RefTensor>>, wanted?: string[]): Record<string, RefTensor> {
  const values = new Map<string, RefTensor>();
  for (const t of graph.initializers) values.set(t.name, fromTensor(t));
  for (const t of graph.sparseInitializers) values.set(t.values.name, fromSparse(t));
  for (const input of graph.inputs) {
    const fed = feeds[input.name];
    if (fed) values.set(input.name, fed);
    else if (!values.has(input.name)) throw new OnnxError('onnx-run', `No value was given for the graph input '${input.name}'.`);
  }
  for (const name of Object.keys(feeds)) {
    if (!graph.inputs.some((i) => i.name === name)) throw new OnnxError('onnx-run', `'${name}' is not an input of the graph.`);
  }
  graph.nodes.forEach((node, index) => {
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = values.get(name);
      if (!v) throw new OnnxError('onnx-run', `${describeNode(node, index)}: its input '${name}' has not been computed (is the graph in topological order?).`);
      return v;
    });
    let outputs: Array<RefTensor | undefined>;
    try {
      outputs = runNode(node, inputs, opset);
    } catch (error) {
      if (error instanceof OnnxError) throw error;
      throw new OnnxError('onnx-run', `${describeNode(node, index)} failed: ${(error as Error).message}`);
    }
    node.outputs.forEach((name, i) => {
      const out = outputs[i];
      if (name !== '' && out) values.set(name, out);
    });
  });
  const result: Record<string, RefTensor> = {};
  for (const name of wanted ?? graph.outputs.map((o) => o.name)) {
    const v = values.get(name);
    if (!v) throw new OnnxError('onnx-run', `The value '${name}' was not computed by the graph.`);
    result[name] = v;
  }
  return result;
}

type Kernel = (node: Node, inputs: Array<RefTensor | undefined>, attrs: AttributeReader, opset: number) => Array<RefTensor | undefined>;

/** Runs one node. Missing optional inputs are undefined. */
export function runNode(node: Node, inputs: Array<RefTensor | undefined>, opset: number): Array<RefTensor | undefined> {
  if (node.domain !== '' && node.domain !== 'ai.onnx') {
    throw new OnnxError('onnx-run', `${describeNode(node)}: the reference interpreter has no ops of domain '${node.domain}'.`);
  }
  const kernel = KERNELS[node.opType];
  if (!kernel) throw new OnnxError('onnx-run', `${describeNode(node)}: the reference interpreter has no implementation of op '${node.opType}'.`);
  return kernel(node, inputs, new AttributeReader(node, opset), opset);
}

function need(node: Node, inputs: Array<RefTensor | undefined>, i: number): RefTensor {
  const t = inputs[i];
  if (!t) throw new OnnxError('onnx-run', `${describeNode(node)}: input #${i} is required but missing.`);
  return t;
}

function fail(node: Node, message: string): never {
  throw new OnnxError('onnx-run', `${describeNode(node)}: ${message}`);
}

function axisOf(node: Node, axis: number, rank: number): number {
  const a = normaliseAxis(axis, rank);
  if (a === undefined) fail(node, `axis ${axis} is out of range for rank ${rank}.`);
  return a;
}

/** Integer values of a 1-D (or scalar) int tensor input. */
function intsOf(t: RefTensor): number[] {
  return Array.from(t.data, (v) => Math.trunc(v));
}

// ---- elementwise --------------------------------------------------------------------------------------------

function unary(fn: (x: number) => number): Kernel {
  return (node, inputs) => {
    const x = need(node, inputs, 0);
    return [{ dataType: x.dataType, dims: [...x.dims], data: x.data.map(fn) }];
  };
}

function broadcastAll(node: Node, tensors: RefTensor[]): { dims: number[]; index: Int32Array[] } {
  let dims: number[] = [];
  for (const t of tensors) {
    const next = broadcastShapes(dims, t.dims);
    if (!next) fail(node, `shapes ${tensors.map((x) => `[${x.dims.join(', ')}]`).join(' and ')} do not broadcast.`);
    dims = next;
  }
  return { dims, index: tensors.map((t) => broadcastIndex(t.dims, dims)) };
}

function binary(fn: (a: number, b: number, type: DataType) => number, resultType?: DataType): Kernel {
  return (node, inputs) => {
    const a = need(node, inputs, 0);
    const b = need(node, inputs, 1);
    const { dims, index } = broadcastAll(node, [a, b]);
    const out = new Float64Array(elementCount(dims));
    for (let k = 0; k < out.length; k++) out[k] = fn(a.data[index[0]![k]!]!, b.data[index[1]![k]!]!, a.dataType);
    return [{ dataType: resultType ?? a.dataType, dims, data: out }];
  };
}

function variadic(fn: (a: number, b: number) => number): Kernel {
  return (node, inputs) => {
    const tensors = inputs.filter((t): t is RefTensor => t !== undefined);
    if (tensors.length === 0) fail(node, 'needs at least one input.');
    const { dims, index } = broadcastAll(node, tensors);
    const out = new Float64Array(elementCount(dims));
    for (let k = 0; k < out.length; k++) {
      let acc = tensors[0]!.data[index[0]![k]!]!;
      for (let j = 1; j < tensors.length; j++) acc = fn(acc, tensors[j]!.data[index[j]![k]!]!);
      out[k] = acc;
    }
    return [{ dataType: tensors[0]!.dataType, dims, data: out }];
  };
}

// Max/Min propagate NaN, so a NaN in a reference run is never hidden.
const max = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
const min = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));

/** Rounds to the nearest float16 value (ties to even), with overflow to infinity. */
function roundToHalf(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const sign = value < 0 ? -1 : 1;
  const a = Math.abs(value);
  if (a >= 65520) return sign * Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const quantum = 2 ** (Math.max(e, -14) - 10);
  const m = a / quantum;
  const floor = Math.floor(m);
  const rounded = m - floor > 0.5 || (m - floor === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return sign * rounded * quantum;
}

/** Rounds to the nearest bfloat16 value (ties to even) through float32's bits. */
function roundToBfloat16(value: number): number {
  if (!Number.isFinite(value)) return value;
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  const bits = view.getUint32(0);
  const rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000;
  view.setUint32(0, rounded >>> 0);
  return view.getFloat32(0);
}

function castTo(value: number, to: DataType): number {
  switch (to) {
    case DataType.BOOL:
      return value !== 0 && !Number.isNaN(value) ? 1 : 0;
    case DataType.FLOAT16:
      return roundToHalf(value);
    case DataType.BFLOAT16:
      return roundToBfloat16(value);
    case DataType.FLOAT:
    case DataType.DOUBLE:
      return value;
    default: {
      if (!Number.isFinite(value)) return 0;
      const t = Math.trunc(value);
      const wrap = (bits: number, signed: boolean) => {
        const big = BigInt(t);
        return Number(signed ? BigInt.asIntN(bits, big) : BigInt.asUintN(bits, big));
      };
      switch (to) {
        case DataType.INT8:
          return wrap(8, true);
        case DataType.UINT8:
          return wrap(8, false);
        case DataType.INT16:
          return wrap(16, true);
        case DataType.UINT16:
          return wrap(16, false);
        case DataType.INT32:
          return wrap(32, true);
        case DataType.UINT32:
          return wrap(32, false);
        default:
          return t;
      }
    }
  }
}

// ---- convolution and pooling ----------------------------------------------------------------------------------

/** Spatial dims as 2-D (a 1-D op gets height 1) so one loop serves both. */
function spatial2d(node: Node, dims: readonly number[]): { h: number; w: number; rank: number } {
  const rank = dims.length - 2;
  if (rank === 1) return { h: 1, w: dims[2]!, rank };
  if (rank === 2) return { h: dims[2]!, w: dims[3]!, rank };
  return fail(node, `tensors with ${rank} spatial dimensions are not supported (only 1-D and 2-D).`);
}

/** Pads/kernel/strides lists of a 1-D op turned into 2-D ones. */
function as2d(values: number[], rank: number, fill: number): number[] {
  return rank === 2 ? values : [fill, values[0]!];
}
function pads2d(pads: number[], rank: number): number[] {
  return rank === 2 ? pads : [0, pads[0]!, 0, pads[1]!];
}

const conv: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const w = need(node, inputs, 1);
  const bias = inputs[2];
  const { h: H, w: W, rank } = spatial2d(node, x.dims);
  const [N, C] = x.dims as [number, number];
  const [M, Cg] = w.dims as [number, number];
  const group = attrs.int('group', 1);
  if (C !== Cg * group) fail(node, `input has ${C} channels but weights [${w.dims.join(', ')}] with group ${group} expect ${Cg * group}.`);
  if (M % group !== 0) fail(node, `${M} output channels are not divisible by group ${group}.`);
  const g = windowGeometry(node, attrs, x.dims.slice(2), w.dims.slice(2), false);
  const [KH, KW] = as2d(g.kernel, rank, 1) as [number, number];
  const [SH, SW] = as2d(g.strides, rank, 1) as [number, number];
  const [DH, DW] = as2d(g.dilations, rank, 1) as [number, number];
  const [PT, PL] = pads2d(g.pads, rank) as [number, number];
  const [OH, OW] = as2d(g.output, rank, 1) as [number, number];
  const Mg = M / group;
  const out = new Float64Array(N * M * OH * OW);
  // y[n, m, oh, ow] = b[m] + Σ_c,kh,kw x[n, g·Cg + c, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW] · w[m, c, kh, kw],
  // taps outside the input reading zero. Looped tap by tap so the innermost loop runs along an output row.
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      const gi = Math.floor(m / Mg);
      const outBase = (n * M + m) * OH * OW;
      if (bias) out.fill(bias.data[m]!, outBase, outBase + OH * OW);
      for (let c = 0; c < Cg; c++) {
        const xBase = (n * C + gi * Cg + c) * H * W;
        const wBase = (m * Cg + c) * KH * KW;
        for (let kh = 0; kh < KH; kh++) {
          const ohFirst = Math.max(0, Math.ceil((PT - kh * DH) / SH));
          const ohLast = Math.min(OH - 1, Math.floor((H - 1 + PT - kh * DH) / SH));
          for (let kw = 0; kw < KW; kw++) {
            const wv = w.data[wBase + kh * KW + kw]!;
            const owFirst = Math.max(0, Math.ceil((PL - kw * DW) / SW));
            const owLast = Math.min(OW - 1, Math.floor((W - 1 + PL - kw * DW) / SW));
            for (let oh = ohFirst; oh <= ohLast; oh++) {
              const xRow = xBase + (oh * SH - PT + kh * DH) * W - PL + kw * DW;
              const oRow = outBase + oh * OW;
              for (let ow = owFirst; ow <= owLast; ow++) out[oRow + ow]! += wv * x.data[xRow + ow * SW]!;
            }
          }
        }
      }
    }
  return [{ dataType: x.dataType, dims: [N, M, ...g.output], data: out }];
};

const convTranspose: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const w = need(node, inputs, 1);
  const bias = inputs[2];
  const { h: H, w: W, rank } = spatial2d(node, x.dims);
  const [N, C] = x.dims as [number, number];
  const group = attrs.int('group', 1);
  if (w.dims[0] !== C) fail(node, `input has ${C} channels but weights [${w.dims.join(', ')}] expect ${w.dims[0]}.`);
  const Mg = w.dims[1]!;
  const M = Mg * group;
  const Cg = C / group;
  const g = convTransposeGeometry(node, attrs, x.dims.slice(2), w.dims.slice(2));
  const [KH, KW] = as2d(g.kernel, rank, 1) as [number, number];
  const [SH, SW] = as2d(g.strides, rank, 1) as [number, number];
  const [DH, DW] = as2d(g.dilations, rank, 1) as [number, number];
  const [PT, PL] = pads2d(g.pads, rank) as [number, number];
  const [OH, OW] = as2d(g.output, rank, 1) as [number, number];
  const out = new Float64Array(N * M * OH * OW);
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      const plane = (n * M + m) * OH * OW;
      if (bias) out.fill(bias.data[m]!, plane, plane + OH * OW);
    }
  // y[n, g·Mg + mo, ih·SH − PT + kh·DH, iw·SW − PL + kw·DW] += x[n, c, ih, iw] · w[c, mo, kh, kw] (c in group g).
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const gi = Math.floor(c / Cg);
      const xBase = (n * C + c) * H * W;
      for (let mo = 0; mo < Mg; mo++) {
        const outBase = (n * M + gi * Mg + mo) * OH * OW;
        const wBase = (c * Mg + mo) * KH * KW;
        for (let kh = 0; kh < KH; kh++) {
          const ihFirst = Math.max(0, Math.ceil((PT - kh * DH) / SH));
          const ihLast = Math.min(H - 1, Math.floor((OH - 1 + PT - kh * DH) / SH));
          for (let kw = 0; kw < KW; kw++) {
            const wv = w.data[wBase + kh * KW + kw]!;
            const iwFirst = Math.max(0, Math.ceil((PL - kw * DW) / SW));
            const iwLast = Math.min(W - 1, Math.floor((OW - 1 + PL - kw * DW) / SW));
            for (let ih = ihFirst; ih <= ihLast; ih++) {
              const oRow = outBase + (ih * SH - PT + kh * DH) * OW - PL + kw * DW;
              const xRow = xBase + ih * W;
              for (let iw = iwFirst; iw <= iwLast; iw++) out[oRow + iw * SW]! += wv * x.data[xRow + iw]!;
            }
          }
        }
      }
    }
  return [{ dataType: x.dataType, dims: [N, M, ...g.output], data: out }];
};

function pool(kind: 'max' | 'average'): Kernel {
  return (node, inputs, attrs) => {
    const x = need(node, inputs, 0);
    const { h: H, w: W, rank } = spatial2d(node, x.dims);
    const [N, C] = x.dims as [number, number];
    const ceil = attrs.int('ceil_mode', 0) === 1;
    const g = windowGeometry(node, attrs, x.dims.slice(2), undefined, ceil);
    const [KH, KW] = as2d(g.kernel, rank, 1) as [number, number];
    const [SH, SW] = as2d(g.strides, rank, 1) as [number, number];
    const [DH, DW] = as2d(g.dilations, rank, 1) as [number, number];
    const [PT, PL, PB, PR] = pads2d(g.pads, rank) as [number, number, number, number];
    const [OH, OW] = as2d(g.output, rank, 1) as [number, number];
    const includePad = attrs.int('count_include_pad', 0) === 1;
    if (kind === 'max' && node.outputs.length > 1 && node.outputs[1] !== '') fail(node, 'the Indices output is not supported.');
    const out = new Float64Array(N * C * OH * OW);
    for (let nc = 0; nc < N * C; nc++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let count = 0;
          let padded = 0;
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * SH - PT + kh * DH;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * SW - PL + kw * DW;
              // count_include_pad counts window positions inside the padded input, not beyond it (ceil mode).
              if (ih >= -PT && ih < H + PB && iw >= -PL && iw < W + PR) padded++;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              const v = x.data[(nc * H + ih) * W + iw]!;
              if (kind === 'max') acc = v > acc || Number.isNaN(v) ? v : acc;
              else acc += v;
              count++;
            }
          }
          out[(nc * OH + oh) * OW + ow] = kind === 'max' ? acc : acc / (includePad ? padded : count);
        }
    return [{ dataType: x.dataType, dims: [N, C, ...g.output], data: out }];
  };
}

const globalAveragePool: Kernel = (node, inputs) => {
  const x = need(node, inputs, 0);
  const [N, C] = x.dims as [number, number];
  const size = elementCount(x.dims.slice(2));
  const out = new Float64Array(N * C);
  for (let nc = 0; nc < N * C; nc++) {
    let acc = 0;
    for (let i = 0; i < size; i++) acc += x.data[nc * size + i]!;
    out[nc] = acc / size;
  }
  return [{ dataType: x.dataType, dims: [N, C, ...x.dims.slice(2).map(() => 1)], data: out }];
};

// ---- linear algebra and normalisation -------------------------------------------------------------------------

const gemm: Kernel = (node, inputs, attrs) => {
  const a = need(node, inputs, 0);
  const b = need(node, inputs, 1);
  const c = inputs[2];
  if (a.dims.length !== 2 || b.dims.length !== 2) fail(node, `A [${a.dims.join(', ')}] and B [${b.dims.join(', ')}] must be 2-D.`);
  const transA = attrs.int('transA', 0) === 1;
  const transB = attrs.int('transB', 0) === 1;
  const alpha = attrs.float('alpha', 1);
  const beta = attrs.float('beta', 1);
  const [M, K] = transA ? [a.dims[1]!, a.dims[0]!] : [a.dims[0]!, a.dims[1]!];
  const [K2, N] = transB ? [b.dims[1]!, b.dims[0]!] : [b.dims[0]!, b.dims[1]!];
  if (K !== K2) fail(node, `inner dimensions differ: A gives ${K}, B gives ${K2}.`);
  const cIndex = c ? broadcastIndex(c.dims, [M, N]) : undefined;
  if (c && !broadcastShapes(c.dims, [M, N])?.every((d, i) => d === [M, N][i])) fail(node, `C [${c.dims.join(', ')}] does not broadcast to [${M}, ${N}].`);
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a.data[transA ? k * M + i : i * K + k]! * b.data[transB ? j * K + k : k * N + j]!;
      out[i * N + j] = alpha * acc + (c ? beta * c.data[cIndex![i * N + j]!]! : 0);
    }
  return [{ dataType: a.dataType, dims: [M, N], data: out }];
};

const matmul: Kernel = (node, inputs) => {
  const a0 = need(node, inputs, 0);
  const b0 = need(node, inputs, 1);
  const a = a0.dims.length === 1 ? { ...a0, dims: [1, a0.dims[0]!] } : a0;
  const b = b0.dims.length === 1 ? { ...b0, dims: [b0.dims[0]!, 1] } : b0;
  const M = a.dims[a.dims.length - 2]!;
  const K = a.dims[a.dims.length - 1]!;
  const N = b.dims[b.dims.length - 1]!;
  if (b.dims[b.dims.length - 2] !== K) fail(node, `shapes [${a0.dims.join(', ')}] and [${b0.dims.join(', ')}] cannot be multiplied.`);
  const batchA = a.dims.slice(0, -2);
  const batchB = b.dims.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  if (!batch) fail(node, `batch dimensions [${batchA.join(', ')}] and [${batchB.join(', ')}] do not broadcast.`);
  const ia = broadcastIndex(batchA, batch);
  const ib = broadcastIndex(batchB, batch);
  const count = elementCount(batch);
  const out = new Float64Array(count * M * N);
  for (let t = 0; t < count; t++) {
    const oa = ia[t]! * M * K;
    const ob = ib[t]! * K * N;
    for (let i = 0; i < M; i++) {
      const row = (t * M + i) * N;
      for (let k = 0; k < K; k++) {
        const av = a.data[oa + i * K + k]!;
        const bRow = ob + k * N;
        for (let j = 0; j < N; j++) out[row + j]! += av * b.data[bRow + j]!;
      }
    }
  }
  const dims = [...batch, ...(a0.dims.length === 1 ? [] : [M]), ...(b0.dims.length === 1 ? [] : [N])];
  return [{ dataType: a0.dataType, dims, data: out }];
};

const batchNormalization: Kernel = (node, inputs, attrs) => {
  const [x, scale, bias, mean, variance] = [0, 1, 2, 3, 4].map((i) => need(node, inputs, i)) as RefTensor[];
  const epsilon = attrs.float('epsilon', 1e-5);
  const C = x!.dims[1]!;
  const inner = elementCount(x!.dims.slice(2));
  const training = attrs.int('training_mode', 0) === 1;
  let useMean = mean!.data;
  let useVar = variance!.data;
  const extra: RefTensor[] = [];
  if (training) {
    // Batch statistics over every axis but the channel (population variance); running statistics are blended:
    // running = input · momentum + batch · (1 − momentum).
    const momentum = attrs.float('momentum', 0.9);
    const count = x!.data.length / C;
    const batchMean = new Float64Array(C);
    const batchVar = new Float64Array(C);
    for (let i = 0; i < x!.data.length; i++) batchMean[Math.floor(i / inner) % C]! += x!.data[i]! / count;
    for (let i = 0; i < x!.data.length; i++) {
      const c = Math.floor(i / inner) % C;
      batchVar[c]! += (x!.data[i]! - batchMean[c]!) ** 2 / count;
    }
    useMean = batchMean;
    useVar = batchVar;
    const blend = (running: Float64Array, batch: Float64Array) => running.map((r, c) => r * momentum + batch[c]! * (1 - momentum));
    extra.push({ dataType: mean!.dataType, dims: [C], data: blend(mean!.data, batchMean) });
    extra.push({ dataType: variance!.dataType, dims: [C], data: blend(variance!.data, batchVar) });
  }
  const out = new Float64Array(x!.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / inner) % C;
    out[i] = (scale!.data[c]! * (x!.data[i]! - useMean[c]!)) / Math.sqrt(useVar[c]! + epsilon) + bias!.data[c]!;
  }
  return [{ dataType: x!.dataType, dims: [...x!.dims], data: out }, ...extra];
};

const lrn: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const size = attrs.int('size');
  if (size === undefined || size < 1) fail(node, `size ${size} must be a positive integer.`);
  const alpha = attrs.float('alpha', 1e-4);
  const beta = attrs.float('beta', 0.75);
  const bias = attrs.float('bias', 1);
  const [N, C] = x.dims as [number, number];
  const inner = elementCount(x.dims.slice(2));
  const below = Math.floor((size - 1) / 2);
  const above = Math.ceil((size - 1) / 2);
  const out = new Float64Array(x.data.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < inner; p++) {
        let sum = 0;
        for (let j = Math.max(0, c - below); j <= Math.min(C - 1, c + above); j++) sum += x.data[(n * C + j) * inner + p]! ** 2;
        const i = (n * C + c) * inner + p;
        out[i] = x.data[i]! / (bias + (alpha / size) * sum) ** beta;
      }
  return [{ dataType: x.dataType, dims: [...x.dims], data: out }];
};

function softmaxLike(log: boolean): Kernel {
  return (node, inputs, attrs, opset) => {
    const x = need(node, inputs, 0);
    const rank = x.dims.length;
    const axis = axisOf(node, attrs.int('axis', opset >= 13 ? -1 : 1), rank);
    // Before opset 13 the input is coerced to 2-D at `axis`; from 13 the reduction is over that one axis.
    const outer = elementCount(x.dims.slice(0, axis));
    const length = opset >= 13 ? x.dims[axis]! : elementCount(x.dims.slice(axis));
    const inner = opset >= 13 ? elementCount(x.dims.slice(axis + 1)) : 1;
    const out = new Float64Array(x.data.length);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const at = (k: number) => (o * length + k) * inner + i;
        let m = -Infinity;
        for (let k = 0; k < length; k++) m = Math.max(m, x.data[at(k)]!);
        let sum = 0;
        for (let k = 0; k < length; k++) sum += Math.exp(x.data[at(k)]! - m);
        for (let k = 0; k < length; k++) out[at(k)] = log ? x.data[at(k)]! - m - Math.log(sum) : Math.exp(x.data[at(k)]! - m) / sum;
      }
    return [{ dataType: x.dataType, dims: [...x.dims], data: out }];
  };
}

// ---- reductions ------------------------------------------------------------------------------------------------

function reduce(kind: 'sum' | 'mean' | 'max', axesBecameInput: number): Kernel {
  return (node, inputs, attrs, opset) => {
    const x = need(node, inputs, 0);
    const rank = x.dims.length;
    let axes: number[] | undefined;
    if (opset >= axesBecameInput) axes = inputs[1] ? intsOf(inputs[1]) : undefined;
    else axes = attrs.ints('axes');
    const keepdims = attrs.int('keepdims', 1) === 1;
    if (!axes || axes.length === 0) {
      if (opset >= axesBecameInput && attrs.int('noop_with_empty_axes', 0) === 1) return [{ ...x, dims: [...x.dims] }];
      axes = x.dims.map((_, i) => i);
    }
    const reduced = new Set(axes.map((a) => axisOf(node, a, rank)));
    const outDimsKeep = x.dims.map((d, i) => (reduced.has(i) ? 1 : d));
    const outStrides = stridesOf(outDimsKeep);
    const count = elementCount(outDimsKeep);
    const acc = new Float64Array(count).fill(kind === 'max' ? -Infinity : 0);
    const n = x.data.length / Math.max(count, 1);
    for (let flat = 0; flat < x.data.length; flat++) {
      const idx = unravel(flat, x.dims);
      let o = 0;
      for (let i = 0; i < rank; i++) if (!reduced.has(i)) o += idx[i]! * outStrides[i]!;
      const v = x.data[flat]!;
      if (kind === 'max') acc[o] = Number.isNaN(v) || v > acc[o]! ? v : acc[o]!;
      else acc[o]! += v;
    }
    if (kind === 'mean') for (let i = 0; i < count; i++) acc[i]! /= n;
    const dims = keepdims ? outDimsKeep : x.dims.filter((_, i) => !reduced.has(i));
    return [{ dataType: x.dataType, dims, data: acc }];
  };
}

const argMax: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  const axis = axisOf(node, attrs.int('axis', 0), rank);
  const keepdims = attrs.int('keepdims', 1) === 1;
  const last = attrs.int('select_last_index', 0) === 1;
  const outer = elementCount(x.dims.slice(0, axis));
  const length = x.dims[axis]!;
  const inner = elementCount(x.dims.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let k = 1; k < length; k++) {
        const v = x.data[(o * length + k) * inner + i]!;
        const b = x.data[(o * length + best) * inner + i]!;
        if (v > b || (last && v === b)) best = k;
      }
      out[o * inner + i] = best;
    }
  const dims = keepdims ? x.dims.map((d, i) => (i === axis ? 1 : d)) : x.dims.filter((_, i) => i !== axis);
  return [{ dataType: DataType.INT64, dims, data: out }];
};

const cumSum: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const axis = axisOf(node, intsOf(need(node, inputs, 1))[0]!, x.dims.length);
  const exclusive = attrs.int('exclusive', 0) === 1;
  const reverse = attrs.int('reverse', 0) === 1;
  const outer = elementCount(x.dims.slice(0, axis));
  const length = x.dims[axis]!;
  const inner = elementCount(x.dims.slice(axis + 1));
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let step = 0; step < length; step++) {
        const k = reverse ? length - 1 - step : step;
        const at = (o * length + k) * inner + i;
        if (exclusive) {
          out[at] = acc;
          acc += x.data[at]!;
        } else {
          acc += x.data[at]!;
          out[at] = acc;
        }
      }
    }
  return [{ dataType: x.dataType, dims: [...x.dims], data: out }];
};

// ---- shape and data movement ------------------------------------------------------------------------------------

function reshapeTo(x: RefTensor, dims: number[]): RefTensor {
  return { dataType: x.dataType, dims, data: x.data };
}

const reshape: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const shape = intsOf(need(node, inputs, 1));
  const allowZero = attrs.int('allowzero', 0) === 1;
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? x.dims[i] ?? fail(node, `shape [${shape.join(', ')}] copies dim ${i}, which the input lacks.`) : d));
  const unknown = dims.indexOf(-1);
  if (dims.filter((d) => d === -1).length > 1 || dims.some((d) => d < -1)) fail(node, `shape [${shape.join(', ')}] is invalid.`);
  if (unknown >= 0) {
    const known = elementCount(dims.filter((d) => d !== -1));
    if (known === 0 || x.data.length % known !== 0) fail(node, `cannot infer -1 in [${shape.join(', ')}] for ${x.data.length} elements.`);
    dims[unknown] = x.data.length / known;
  }
  if (elementCount(dims) !== x.data.length) {
    fail(node, `cannot reshape [${x.dims.join(', ')}] (${x.data.length} elements) to [${shape.join(', ')}].`);
  }
  return [reshapeTo(x, dims)];
};

const flatten: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  let axis = attrs.int('axis', 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) fail(node, `axis ${attrs.int('axis', 1)} is out of range for rank ${rank}.`);
  return [reshapeTo(x, [elementCount(x.dims.slice(0, axis)), elementCount(x.dims.slice(axis))])];
};

const transpose: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  const perm = attrs.ints('perm') ?? x.dims.map((_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail(node, `perm [${perm.join(', ')}] is not a permutation of ${rank} axes.`);
  const dims = perm.map((p) => x.dims[p]!);
  const srcStrides = stridesOf(x.dims);
  const out = new Float64Array(x.data.length);
  for (let k = 0; k < out.length; k++) {
    const idx = unravel(k, dims);
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i]! * srcStrides[perm[i]!]!;
    out[k] = x.data[src]!;
  }
  return [{ dataType: x.dataType, dims, data: out }];
};

function concatTensors(node: Node, tensors: RefTensor[], axisAttr: number): RefTensor {
  const first = tensors[0]!;
  const rank = first.dims.length;
  const axis = axisOf(node, axisAttr, rank);
  for (const t of tensors) {
    if (t.dims.length !== rank || t.dims.some((d, i) => i !== axis && d !== first.dims[i])) {
      fail(node, `inputs [${tensors.map((x) => x.dims.join('×')).join('], [')}] differ outside axis ${axis}.`);
    }
  }
  const outer = elementCount(first.dims.slice(0, axis));
  const inner = elementCount(first.dims.slice(axis + 1));
  const total = tensors.reduce((s, t) => s + t.dims[axis]!, 0);
  const out = new Float64Array(outer * total * inner);
  let offset = 0;
  for (const t of tensors) {
    const len = t.dims[axis]! * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * len, (o + 1) * len), o * total * inner + offset);
    offset += len;
  }
  const dims = [...first.dims];
  dims[axis] = total;
  return { dataType: first.dataType, dims, data: out };
}

const concat: Kernel = (node, inputs, attrs) => {
  const tensors = inputs.filter((t): t is RefTensor => t !== undefined);
  const axis = attrs.int('axis');
  if (axis === undefined) fail(node, "the required attribute 'axis' is missing.");
  return [concatTensors(node, tensors, axis)];
};

/** The element at `index` (per-axis) of x; used by Slice, Pad, Tile, Expand. */
function gatherBy(x: RefTensor, dims: number[], source: (idx: number[]) => number | undefined, fill = 0): RefTensor {
  const srcStrides = stridesOf(x.dims);
  const out = new Float64Array(elementCount(dims));
  for (let k = 0; k < out.length; k++) {
    const idx = unravel(k, dims);
    let src = 0;
    let inside = true;
    for (let i = 0; i < dims.length; i++) {
      const s = source([i, idx[i]!]);
      if (s === undefined) {
        inside = false;
        break;
      }
      src += s * srcStrides[i]!;
    }
    out[k] = inside ? x.data[src]! : fill;
  }
  return { dataType: x.dataType, dims, data: out };
}

const slice: Kernel = (node, inputs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  const starts = intsOf(need(node, inputs, 1));
  const ends = intsOf(need(node, inputs, 2));
  const axes = inputs[3] ? intsOf(inputs[3]) : starts.map((_, i) => i);
  const steps = inputs[4] ? intsOf(inputs[4]) : starts.map(() => 1);
  const begin = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const dims = [...x.dims];
  axes.forEach((a, j) => {
    const axis = axisOf(node, a, rank);
    const d = x.dims[axis]!;
    const s = steps[j]!;
    if (s === 0) fail(node, `step 0 on axis ${a}.`);
    let start = starts[j]!;
    let end = ends[j]!;
    if (start < 0) start += d;
    if (end < 0) end += d;
    if (s > 0) {
      start = Math.min(Math.max(start, 0), d);
      end = Math.min(Math.max(end, 0), d);
      dims[axis] = Math.max(0, Math.ceil((end - start) / s));
    } else {
      start = Math.min(Math.max(start, 0), d - 1);
      end = Math.min(Math.max(end, -1), d - 1);
      dims[axis] = Math.max(0, Math.ceil((start - end) / -s));
    }
    begin[axis] = start;
    step[axis] = s;
  });
  return [gatherBy(x, dims, ([axis, i]) => begin[axis]! + i * step[axis]!)];
};

const pad: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  const padsIn = intsOf(need(node, inputs, 1));
  const value = inputs[2] && inputs[2].data.length > 0 ? inputs[2].data[0]! : 0;
  const axes = inputs[3] ? intsOf(inputs[3]).map((a) => axisOf(node, a, rank)) : x.dims.map((_, i) => i);
  if (padsIn.length !== 2 * axes.length) fail(node, `pads [${padsIn.join(', ')}] should have ${2 * axes.length} values.`);
  const before = x.dims.map(() => 0);
  const after = x.dims.map(() => 0);
  axes.forEach((a, j) => {
    before[a] = padsIn[j]!;
    after[a] = padsIn[j + axes.length]!;
  });
  const mode = attrs.string('mode', 'constant');
  const dims = x.dims.map((d, i) => d + before[i]! + after[i]!);
  if (dims.some((d) => d < 0)) fail(node, `pads [${padsIn.join(', ')}] crop more than the input [${x.dims.join(', ')}] has.`);
  return [
    gatherBy(
      x,
      dims,
      ([axis, i]) => {
        const d = x.dims[axis]!;
        let s = i - before[axis]!;
        if (s >= 0 && s < d) return s;
        if (mode === 'constant') return undefined;
        if (mode === 'edge') return Math.min(Math.max(s, 0), d - 1);
        if (mode === 'wrap') return ((s % d) + d) % d;
        if (mode === 'reflect') {
          if (d === 1) return 0;
          const period = 2 * (d - 1);
          s = ((s % period) + period) % period;
          return s < d ? s : period - s;
        }
        return fail(node, `mode "${mode}" is not one of constant, reflect, edge, wrap.`);
      },
      value,
    ),
  ];
};

const expand: Kernel = (node, inputs) => {
  const x = need(node, inputs, 0);
  const shape = intsOf(need(node, inputs, 1));
  const dims = broadcastShapes(x.dims, shape);
  if (!dims) fail(node, `[${x.dims.join(', ')}] cannot be expanded to [${shape.join(', ')}].`);
  const index = broadcastIndex(x.dims, dims);
  return [{ dataType: x.dataType, dims, data: Float64Array.from(index, (i) => x.data[i]!) }];
};

const tile: Kernel = (node, inputs) => {
  const x = need(node, inputs, 0);
  const repeats = intsOf(need(node, inputs, 1));
  if (repeats.length !== x.dims.length) fail(node, `repeats [${repeats.join(', ')}] should have ${x.dims.length} values.`);
  const dims = x.dims.map((d, i) => d * repeats[i]!);
  return [gatherBy(x, dims, ([axis, i]) => i % x.dims[axis]!)];
};

const split: Kernel = (node, inputs, attrs, opset) => {
  const x = need(node, inputs, 0);
  const axis = axisOf(node, attrs.int('axis', 0), x.dims.length);
  const d = x.dims[axis]!;
  const count = node.outputs.length;
  let sizes: number[];
  if (opset >= 13 && inputs[1]) sizes = intsOf(inputs[1]);
  else if (opset < 13 && attrs.ints('split')) sizes = attrs.ints('split')!;
  else {
    const parts = attrs.int('num_outputs') ?? count;
    const chunk = Math.ceil(d / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
  }
  if (sizes.reduce((s, v) => s + v, 0) !== d) fail(node, `split sizes [${sizes.join(', ')}] do not add up to ${d}.`);
  let start = 0;
  return sizes.map((size) => {
    const dims = [...x.dims];
    dims[axis] = size;
    const from = start;
    start += size;
    return gatherBy(x, dims, ([a, i]) => (a === axis ? from + i : i));
  });
};

const gather: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const indices = need(node, inputs, 1);
  const axis = axisOf(node, attrs.int('axis', 0), x.dims.length);
  const d = x.dims[axis]!;
  const outer = elementCount(x.dims.slice(0, axis));
  const inner = elementCount(x.dims.slice(axis + 1));
  const n = indices.data.length;
  const out = new Float64Array(outer * n * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < n; j++) {
      let k = indices.data[j]!;
      if (k < 0) k += d;
      if (k < 0 || k >= d) fail(node, `index ${indices.data[j]} is out of range for axis ${axis} of size ${d}.`);
      for (let i = 0; i < inner; i++) out[(o * n + j) * inner + i] = x.data[(o * d + k) * inner + i]!;
    }
  const dims = [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)];
  return [{ dataType: x.dataType, dims, data: out }];
};

function elementsOp(scatter: boolean): Kernel {
  return (node, inputs, attrs) => {
    const x = need(node, inputs, 0);
    const indices = need(node, inputs, 1);
    const rank = x.dims.length;
    const axis = axisOf(node, attrs.int('axis', 0), rank);
    if (indices.dims.length !== rank) fail(node, `indices [${indices.dims.join(', ')}] must have rank ${rank}.`);
    const strides = stridesOf(x.dims);
    const d = x.dims[axis]!;
    const target = (k: number): number => {
      const idx = unravel(k, indices.dims);
      let j = indices.data[k]!;
      if (j < 0) j += d;
      if (j < 0 || j >= d) fail(node, `index ${indices.data[k]} is out of range for axis ${axis} of size ${d}.`);
      idx[axis] = j;
      return idx.reduce((s, v, i) => s + v * strides[i]!, 0);
    };
    if (!scatter) {
      const out = Float64Array.from({ length: indices.data.length }, (_, k) => x.data[target(k)]!);
      return [{ dataType: x.dataType, dims: [...indices.dims], data: out }];
    }
    const updates = need(node, inputs, 2);
    const reduction = attrs.string('reduction', 'none');
    const out = Float64Array.from(x.data);
    for (let k = 0; k < indices.data.length; k++) {
      const t = target(k);
      const u = updates.data[k]!;
      if (reduction === 'none') out[t] = u;
      else if (reduction === 'add') out[t]! += u;
      else if (reduction === 'mul') out[t]! *= u;
      else if (reduction === 'max') out[t] = Math.max(out[t]!, u);
      else if (reduction === 'min') out[t] = Math.min(out[t]!, u);
      else fail(node, `reduction "${reduction}" is not one of none, add, mul, max, min.`);
    }
    return [{ dataType: x.dataType, dims: [...x.dims], data: out }];
  };
}

function axesFrom(inputs: Array<RefTensor | undefined>, attrs: AttributeReader, opset: number): number[] | undefined {
  return opset >= 13 ? (inputs[1] ? intsOf(inputs[1]) : undefined) : attrs.ints('axes');
}

const unsqueeze: Kernel = (node, inputs, attrs, opset) => {
  const x = need(node, inputs, 0);
  const axes = axesFrom(inputs, attrs, opset);
  if (!axes) fail(node, 'axes are required.');
  const rank = x.dims.length + axes.length;
  const set = new Set(axes.map((a) => axisOf(node, a, rank)));
  if (set.size !== axes.length) fail(node, `axes [${axes.join(', ')}] repeat an axis.`);
  const dims: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) dims.push(set.has(i) ? 1 : x.dims[j++]!);
  return [reshapeTo(x, dims)];
};

const squeeze: Kernel = (node, inputs, attrs, opset) => {
  const x = need(node, inputs, 0);
  const axes = axesFrom(inputs, attrs, opset);
  const set = axes ? new Set(axes.map((a) => axisOf(node, a, x.dims.length))) : new Set(x.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const a of set) if (x.dims[a] !== 1) fail(node, `axis ${a} has size ${x.dims[a]}, not 1.`);
  return [reshapeTo(x, x.dims.filter((_, i) => !set.has(i)))];
};

const constant: Kernel = (node, _inputs, attrs) => {
  const t = attrs.tensor('value');
  if (t) return [fromTensor(t)];
  const sparse = node.attributes.find((a) => a.name === 'sparse_value');
  if (sparse?.type === 'sparse_tensor') return [fromSparse(sparse.value)];
  const f = node.attributes.find((a) => a.name === 'value_float');
  if (f) return [refTensor([], [attrs.float('value_float')!], DataType.FLOAT)];
  const fs = attrs.floats('value_floats');
  if (fs) return [refTensor([fs.length], fs, DataType.FLOAT)];
  const i = node.attributes.find((a) => a.name === 'value_int');
  if (i) return [refTensor([], [attrs.int('value_int')!], DataType.INT64)];
  const is = node.attributes.find((a) => a.name === 'value_ints');
  if (is) {
    const values = attrs.ints('value_ints')!;
    return [refTensor([values.length], values, DataType.INT64)];
  }
  return fail(node, 'has no numeric value attribute (value, value_float(s), value_int(s)).');
};

const constantOfShape: Kernel = (node, inputs, attrs) => {
  const dims = intsOf(need(node, inputs, 0));
  const t = attrs.tensor('value');
  const value = t ? fromTensor(t) : refTensor([1], [0], DataType.FLOAT);
  return [{ dataType: value.dataType, dims, data: new Float64Array(elementCount(dims)).fill(value.data[0] ?? 0) }];
};

const shape: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const rank = x.dims.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(attrs.int('start', 0));
  const end = clamp(attrs.int('end') ?? rank);
  const dims = x.dims.slice(start, end);
  return [refTensor([dims.length], dims, DataType.INT64)];
};

const clip: Kernel = (node, inputs) => {
  const x = need(node, inputs, 0);
  const lo = inputs[1] ? inputs[1].data[0]! : -Infinity;
  const hi = inputs[2] ? inputs[2].data[0]! : Infinity;
  return [{ dataType: x.dataType, dims: [...x.dims], data: x.data.map((v) => Math.min(Math.max(v, lo), hi)) }];
};

const where: Kernel = (node, inputs) => {
  const [c, a, b] = [0, 1, 2].map((i) => need(node, inputs, i)) as [RefTensor, RefTensor, RefTensor];
  const { dims, index } = broadcastAll(node, [c, a, b]);
  const out = new Float64Array(elementCount(dims));
  for (let k = 0; k < out.length; k++) out[k] = c.data[index[0]![k]!] ? a.data[index[1]![k]!]! : b.data[index[2]![k]!]!;
  return [{ dataType: a.dataType, dims, data: out }];
};

const cast: Kernel = (node, inputs, attrs) => {
  const x = need(node, inputs, 0);
  const to = attrs.int('to');
  if (to === undefined) fail(node, "the required attribute 'to' is missing.");
  if (to === DataType.STRING || to === DataType.UNDEFINED || !(to in DATA_TYPE_CODES)) fail(node, `cannot cast to ${dataTypeName(to)}.`);
  return [{ dataType: to as DataType, dims: [...x.dims], data: x.data.map((v) => castTo(v, to as DataType)) }];
};
const DATA_TYPE_CODES = Object.fromEntries(Object.values(DataType).map((v) => [v, true]));

const dropout: Kernel = (node, inputs) => {
  const x = need(node, inputs, 0);
  const training = inputs[2] ? inputs[2].data[0] !== 0 : false;
  if (training) fail(node, 'training_mode = true is not supported; feed dropout masks as inputs instead.');
  const mask = { dataType: DataType.BOOL, dims: [...x.dims], data: new Float64Array(x.data.length).fill(1) };
  return [{ ...x, dims: [...x.dims] }, mask];
};

const divide = (a: number, b: number, type: DataType) => (isIntegerType(type) ? Math.trunc(a / b) : a / b);

const KERNELS: Record<string, Kernel> = {
  Abs: unary(Math.abs),
  Neg: unary((v) => -v),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Sqrt: unary(Math.sqrt),
  Relu: unary((v) => (v > 0 ? v : 0)),
  Sigmoid: unary((v) => 1 / (1 + Math.exp(-v))),
  Tanh: unary(Math.tanh),
  Not: (node, inputs) => {
    const x = need(node, inputs, 0);
    return [{ dataType: DataType.BOOL, dims: [...x.dims], data: x.data.map((v) => (v ? 0 : 1)) }];
  },
  Identity: (node, inputs) => [need(node, inputs, 0)],
  LeakyRelu: (node, inputs, attrs) => {
    const alpha = attrs.float('alpha', 0.01);
    return unary((v) => (v >= 0 ? v : alpha * v))(node, inputs, attrs, 0);
  },
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary(divide),
  Pow: binary((a, b) => a ** b),
  Equal: binary((a, b) => (a === b ? 1 : 0), DataType.BOOL),
  Greater: binary((a, b) => (a > b ? 1 : 0), DataType.BOOL),
  Less: binary((a, b) => (a < b ? 1 : 0), DataType.BOOL),
  And: binary((a, b) => (a && b ? 1 : 0), DataType.BOOL),
  Max: variadic(max),
  Min: variadic(min),
  Where: where,
  Clip: clip,
  Cast: cast,
  Softmax: softmaxLike(false),
  LogSoftmax: softmaxLike(true),
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('max'),
  AveragePool: pool('average'),
  GlobalAveragePool: globalAveragePool,
  Gemm: gemm,
  MatMul: matmul,
  BatchNormalization: batchNormalization,
  LRN: lrn,
  Dropout: dropout,
  Concat: concat,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Shape: shape,
  Gather: gather,
  GatherElements: elementsOp(false),
  ScatterElements: elementsOp(true),
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Slice: slice,
  Pad: pad,
  ReduceSum: reduce('sum', 13),
  ReduceMean: reduce('mean', 18),
  ReduceMax: reduce('max', 18),
  ArgMax: argMax,
  CumSum: cumSum,
  Expand: expand,
  Tile: tile,
  Split: split,
};

/** The ops the reference interpreter runs. */
export const REFERENCE_OPS: readonly string[] = Object.keys(KERNELS);
