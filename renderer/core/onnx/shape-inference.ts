// Static type and shape inference for the ops in schema.ts. Dimensions may be symbolic ('batch'), and small integer
// tensors that are known statically (initializers, Constant, Shape of static dims, and ops over those) are folded with
// the reference interpreter, so Reshape/Slice/Unsqueeze operands computed by shape subgraphs are known too.

import { AttributeReader } from './attributes';
import { describeNode, OnnxError } from './errors';
import { convTransposeGeometry, normaliseAxis, windowGeometry } from './geometry';
import { DataType, elementCount, opsetVersion, type Dim, type Graph, type Model, type Node, type Tensor } from './model';
import { fromTensor, runNode, type RefTensor } from './reference';

export interface ValueType {
  elemType: number;
  /** Undefined when the rank is unknown; a null entry is an unknown dimension. */
  shape?: Dim[];
}

export interface InferenceResult {
  types: Map<string, ValueType>;
  /** Statically known values of small integer/float tensors. */
  constants: Map<string, RefTensor>;
}

/** Largest tensor folded as a constant. */
const MAX_FOLD_ELEMENTS = 4096;

function isFoldable(t: Tensor): boolean {
  return t.storage !== 'external' && !Array.isArray(t.values) && elementCount(t.dims) <= MAX_FOLD_ELEMENTS;
}

/** Infers every value's type and shape in the model's main graph. Throws OnnxError naming the first failing node. */
export function inferShapes(model: Model): InferenceResult {
  const opset = opsetVersion(model) ?? 0;
  return inferGraph(model.graph, opset);
}

export function inferGraph(graph: Graph, opset: number): InferenceResult {
  const types = new Map<string, ValueType>();
  const constants = new Map<string, RefTensor>();
  for (const input of graph.inputs) {
    if (input.type?.kind === 'tensor') {
      const t: ValueType = { elemType: input.type.elemType };
      if (input.type.shape) t.shape = [...input.type.shape];
      types.set(input.name, t);
    }
  }
  for (const init of graph.initializers) {
    types.set(init.name, { elemType: init.dataType, shape: [...init.dims] });
    if (isFoldable(init) && !graph.inputs.some((i) => i.name === init.name)) constants.set(init.name, fromTensor(init));
  }
  graph.nodes.forEach((node, index) => {
    const outputs = inferNode(node, index, opset, types, constants);
    node.outputs.forEach((name, i) => {
      const out = outputs[i];
      if (name !== '' && out) types.set(name, out);
    });
  });
  return { types, constants };
}

const sameAsInput = new Set([
  'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Identity', 'Clip', 'Softmax', 'LogSoftmax',
  'BatchNormalization', 'LRN', 'CumSum', 'ScatterElements',
]);
const broadcasting = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Greater', 'Less', 'And', 'Max', 'Min', 'Where']);
const boolResult = new Set(['Equal', 'Greater', 'Less', 'And', 'Not']);

function inferNode(
  node: Node,
  index: number,
  opset: number,
  types: Map<string, ValueType>,
  constants: Map<string, RefTensor>,
): Array<ValueType | undefined> {
  const where = describeNode(node, index);
  const fail = (message: string): never => {
    throw new OnnxError('onnx-invalid', `${where}: ${message}`);
  };
  const inputs = node.inputs.map((name) => (name === '' ? undefined : types.get(name)));
  const attrs = new AttributeReader(node, opset);

  // Fold nodes whose inputs are all known constants (shape arithmetic) with the reference interpreter.
  const known = node.inputs.map((name) => (name === '' ? undefined : constants.get(name)));
  const foldable =
    node.domain === '' &&
    node.opType !== 'Dropout' &&
    node.inputs.every((name, i) => name === '' || known[i] !== undefined) &&
    (node.inputs.length > 0 || node.opType === 'Constant');
  if (foldable) {
    try {
      const results = runNode(node, known, opset);
      return results.map((r, i) => {
        if (!r) return undefined;
        if (r.data.length <= MAX_FOLD_ELEMENTS && node.outputs[i]) constants.set(node.outputs[i]!, r);
        return { elemType: r.dataType, shape: [...r.dims] };
      });
    } catch (error) {
      if (error instanceof OnnxError) throw new OnnxError('onnx-invalid', error.message);
      throw error;
    }
  }

  const x = inputs[0];
  const elemType = x?.elemType ?? DataType.UNDEFINED;
  const shape = x?.shape;
  const value = (i: number): number[] | undefined => {
    const c = known[i];
    return c ? Array.from(c.data, Math.trunc) : undefined;
  };
  const rankOr = (s: Dim[] | undefined) => s?.length;

  if (node.opType === 'Shape') {
    const rank = rankOr(shape);
    if (rank === undefined) return [{ elemType: DataType.INT64, shape: [null] }];
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const start = clamp(attrs.int('start', 0));
    const end = clamp(attrs.int('end') ?? rank);
    const dims = shape!.slice(start, end);
    if (dims.every((d) => typeof d === 'number')) constants.set(node.outputs[0]!, { dataType: DataType.INT64, dims: [dims.length], data: Float64Array.from(dims as number[]) });
    return [{ elemType: DataType.INT64, shape: [dims.length] }];
  }
  if (node.opType === 'BatchNormalization' && node.outputs.length > 1) {
    // Training mode: Y, then the running mean and variance, one value per channel.
    const stats = withShape(inputs[3]?.elemType ?? elemType, shape && shape.length > 1 ? [shape[1]!] : inputs[3]?.shape);
    return [withShape(elemType, shape), stats, stats];
  }
  if (sameAsInput.has(node.opType)) {
    return [withShape(elemType, shape)];
  }
  if (node.opType === 'Not') return [withShape(DataType.BOOL, shape)];
  if (node.opType === 'Dropout') return [withShape(elemType, shape), withShape(DataType.BOOL, shape)];
  if (node.opType === 'Cast') {
    const to = attrs.int('to');
    if (to === undefined) fail("the required attribute 'to' is missing.");
    return [withShape(to!, shape)];
  }
  if (broadcasting.has(node.opType)) {
    const operands = inputs.filter((t): t is ValueType => t !== undefined);
    let out: Dim[] | undefined = [];
    for (const t of operands) out = out && t.shape ? broadcastDims(out, t.shape, where) : undefined;
    const type = boolResult.has(node.opType) ? DataType.BOOL : node.opType === 'Where' ? (inputs[1]?.elemType ?? elemType) : elemType;
    return [withShape(type, out)];
  }
  if (!shape) return node.outputs.map(() => ({ elemType }));

  switch (node.opType) {
    case 'Conv': {
      const w = inputs[1]?.shape;
      if (!w) return [{ elemType }];
      const group = attrs.int('group', 1);
      if (typeof shape[1] === 'number' && typeof w[1] === 'number' && shape[1] !== w[1] * group) {
        fail(`the input has ${shape[1]} channels, but the weights [${w.join(', ')}] with group ${group} expect ${w[1] * group}.`);
      }
      const spatial = spatialOut(node, attrs, shape.slice(2), w.slice(2), false);
      return [{ elemType, shape: [shape[0]!, w[0]!, ...spatial] }];
    }
    case 'ConvTranspose': {
      const w = inputs[1]?.shape;
      if (!w) return [{ elemType }];
      const group = attrs.int('group', 1);
      const m = typeof w[1] === 'number' ? w[1] * group : null;
      const input = shape.slice(2);
      const kernel = w.slice(2);
      let spatial: Dim[] = input.map(() => null);
      if (input.every((d) => typeof d === 'number') && kernel.every((d) => typeof d === 'number')) {
        spatial = convTransposeGeometry(node, attrs, input as number[], kernel as number[]).output;
      }
      return [{ elemType, shape: [shape[0]!, m, ...spatial] }];
    }
    case 'MaxPool':
    case 'AveragePool': {
      const spatial = spatialOut(node, attrs, shape.slice(2), undefined, attrs.int('ceil_mode', 0) === 1);
      const out: ValueType = { elemType, shape: [shape[0]!, shape[1]!, ...spatial] };
      return node.outputs.length > 1 ? [out, { elemType: DataType.INT64, shape: out.shape! }] : [out];
    }
    case 'GlobalAveragePool':
      return [{ elemType, shape: [shape[0]!, shape[1]!, ...shape.slice(2).map(() => 1)] }];
    case 'Gemm': {
      const b = inputs[1]?.shape;
      if (!b) return [{ elemType }];
      if (shape.length !== 2 || b.length !== 2) fail(`A [${shape.join(', ')}] and B [${b.join(', ')}] must be 2-D.`);
      const [m, ka] = attrs.int('transA', 0) ? [shape[1]!, shape[0]!] : [shape[0]!, shape[1]!];
      const [kb, n] = attrs.int('transB', 0) ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
      if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) fail(`A gives inner dimension ${ka} but B gives ${kb}.`);
      return [{ elemType, shape: [m, n] }];
    }
    case 'MatMul': {
      const b = inputs[1]?.shape;
      if (!b) return [{ elemType }];
      const a2 = shape.length === 1 ? [1, shape[0]!] : shape;
      const b2 = b.length === 1 ? [b[0]!, 1] : b;
      const ka = a2[a2.length - 1]!;
      const kb = b2[b2.length - 2]!;
      if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) fail(`shapes [${shape.join(', ')}] and [${b.join(', ')}] cannot be multiplied.`);
      const batch = broadcastDims(a2.slice(0, -2), b2.slice(0, -2), where);
      return [{ elemType, shape: [...batch, ...(shape.length === 1 ? [] : [a2[a2.length - 2]!]), ...(b.length === 1 ? [] : [b2[b2.length - 1]!])] }];
    }
    case 'Flatten': {
      let axis = attrs.int('axis', 1);
      if (axis < 0) axis += shape.length;
      if (axis < 0 || axis > shape.length) fail(`axis ${attrs.int('axis', 1)} is out of range for rank ${shape.length}.`);
      return [{ elemType, shape: [product(shape.slice(0, axis)), product(shape.slice(axis))] }];
    }
    case 'Concat': {
      const axis = axisIn(attrs.int('axis') ?? fail("the required attribute 'axis' is missing."), shape.length, fail);
      const operands = inputs.filter((t): t is ValueType => t !== undefined);
      if (operands.some((t) => !t.shape)) return [{ elemType }];
      const out = [...shape];
      let total: Dim = 0;
      for (const t of operands) {
        if (t.shape!.length !== shape.length) fail(`inputs have different ranks: ${operands.map((o) => `[${o.shape!.join(', ')}]`).join(', ')}.`);
        t.shape!.forEach((d, i) => {
          if (i !== axis && typeof d === 'number' && typeof out[i] === 'number' && d !== out[i]) {
            fail(`inputs ${operands.map((o) => `[${o.shape!.join(', ')}]`).join(', ')} differ on axis ${i}, not only on the concat axis ${axis}.`);
          }
        });
        const d = t.shape![axis]!;
        total = typeof total === 'number' && typeof d === 'number' ? total + d : null;
      }
      out[axis] = total;
      return [{ elemType, shape: out }];
    }
    case 'Reshape': {
      const target = value(1);
      if (!target) return [{ elemType, shape: inputs[1]?.shape?.[0] !== undefined && typeof inputs[1]!.shape![0] === 'number' ? Array<Dim>(inputs[1]!.shape![0] as number).fill(null) : undefined }];
      return [{ elemType, shape: reshapeDims(shape, target, attrs.int('allowzero', 0) === 1, fail) }];
    }
    case 'Transpose': {
      const perm = attrs.ints('perm') ?? shape.map((_, i) => shape.length - 1 - i);
      if (perm.length !== shape.length) fail(`perm [${perm.join(', ')}] does not match rank ${shape.length}.`);
      return [{ elemType, shape: perm.map((p) => (p >= 0 && p < shape.length ? shape[p]! : fail(`perm [${perm.join(', ')}] names axis ${p}, which does not exist.`))) }];
    }
    case 'Gather': {
      const idx = inputs[1]?.shape;
      if (!idx) return [{ elemType }];
      const axis = axisIn(attrs.int('axis', 0), shape.length, fail);
      return [{ elemType, shape: [...shape.slice(0, axis), ...idx, ...shape.slice(axis + 1)] }];
    }
    case 'GatherElements':
      return [withShape(elemType, inputs[1]?.shape)];
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = opset >= 13 ? value(1) : attrs.ints('axes');
      if (!axes) {
        if (node.opType === 'Squeeze' && !node.inputs[1] && shape.every((d) => typeof d === 'number')) return [{ elemType, shape: shape.filter((d) => d !== 1) }];
        return [{ elemType }];
      }
      if (node.opType === 'Unsqueeze') {
        const rank = shape.length + axes.length;
        const set = new Set(axes.map((a) => axisIn(a, rank, fail)));
        const out: Dim[] = [];
        let j = 0;
        for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : shape[j++]!);
        return [{ elemType, shape: out }];
      }
      const set = new Set(axes.map((a) => axisIn(a, shape.length, fail)));
      for (const a of set) if (typeof shape[a] === 'number' && shape[a] !== 1) fail(`cannot squeeze axis ${a} of size ${shape[a]}.`);
      return [{ elemType, shape: shape.filter((_, i) => !set.has(i)) }];
    }
    case 'Slice': {
      const [starts, ends] = [value(1), value(2)];
      const axes = node.inputs[3] ? value(3) : starts?.map((_, i) => i);
      const steps = node.inputs[4] ? value(4) : starts?.map(() => 1);
      if (!starts || !ends || !axes || !steps) return [{ elemType, shape: shape.map(() => null) }];
      const out = [...shape];
      axes.forEach((a, j) => {
        const axis = axisIn(a, shape.length, fail);
        const d = shape[axis];
        if (typeof d !== 'number') {
          out[axis] = null;
          return;
        }
        const probe = { dataType: DataType.FLOAT, dims: [d], data: new Float64Array(d) } as RefTensor;
        const vec = (v: number) => ({ dataType: DataType.INT64, dims: [1], data: Float64Array.of(v) }) as RefTensor;
        const sliceNode = { ...node, inputs: ['x', 's', 'e', 'a', 't'], outputs: ['y'], attributes: [] };
        out[axis] = runNode(sliceNode, [probe, vec(starts[j]!), vec(ends[j]!), vec(0), vec(steps[j]!)], opset)[0]!.dims[0]!;
      });
      return [{ elemType, shape: out }];
    }
    case 'Pad': {
      const pads = value(1);
      if (!pads) return [{ elemType, shape: shape.map(() => null) }];
      const axes = node.inputs[3] ? value(3) : shape.map((_, i) => i);
      if (!axes) return [{ elemType, shape: shape.map(() => null) }];
      if (pads.length !== 2 * axes.length) fail(`pads [${pads.join(', ')}] should have ${2 * axes.length} values.`);
      const out = [...shape];
      axes.forEach((a, j) => {
        const axis = axisIn(a, shape.length, fail);
        const d = shape[axis];
        const added = pads[j]! + pads[j + axes.length]!;
        out[axis] = typeof d === 'number' ? d + added : pads[j] === 0 && added === 0 ? d! : null;
      });
      return [{ elemType, shape: out }];
    }
    case 'ReduceSum':
    case 'ReduceMean':
    case 'ReduceMax': {
      const axesAsInput = opset >= (node.opType === 'ReduceSum' ? 13 : 18);
      let axes = axesAsInput ? (node.inputs[1] ? value(1) : []) : (attrs.ints('axes') ?? []);
      if (!axes) return [{ elemType }];
      if (axes.length === 0) {
        if (axesAsInput && attrs.int('noop_with_empty_axes', 0) === 1) return [{ elemType, shape: [...shape] }];
        axes = shape.map((_, i) => i);
      }
      const set = new Set(axes.map((a) => axisIn(a, shape.length, fail)));
      const keep = attrs.int('keepdims', 1) === 1;
      return [{ elemType, shape: keep ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i)) }];
    }
    case 'ArgMax': {
      const axis = axisIn(attrs.int('axis', 0), shape.length, fail);
      const keep = attrs.int('keepdims', 1) === 1;
      return [{ elemType: DataType.INT64, shape: keep ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis) }];
    }
    case 'Expand': {
      const target = value(1);
      if (!target) return [{ elemType }];
      return [{ elemType, shape: broadcastDims(shape, target, where) }];
    }
    case 'Tile': {
      const repeats = value(1);
      if (!repeats) return [{ elemType, shape: shape.map(() => null) }];
      if (repeats.length !== shape.length) fail(`repeats [${repeats.join(', ')}] should have ${shape.length} values.`);
      return [{ elemType, shape: shape.map((d, i) => (typeof d === 'number' ? d * repeats[i]! : repeats[i] === 1 ? d : null)) }];
    }
    case 'Split': {
      const axis = axisIn(attrs.int('axis', 0), shape.length, fail);
      const d = shape[axis];
      const sizesGiven = opset >= 13 ? Boolean(node.inputs[1]) : attrs.has('split');
      let sizes: number[] | undefined = opset >= 13 ? (node.inputs[1] ? value(1) : undefined) : attrs.ints('split');
      if (!sizesGiven && typeof d === 'number') {
        const parts = attrs.int('num_outputs') ?? node.outputs.length;
        const chunk = Math.ceil(d / parts);
        sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
      }
      if (sizes && sizes.length !== node.outputs.length) fail(`${sizes.length} split sizes for ${node.outputs.length} outputs.`);
      if (sizes && typeof d === 'number' && sizes.reduce((s, v) => s + v, 0) !== d) fail(`split sizes [${sizes.join(', ')}] do not add up to ${d}.`);
      return node.outputs.map((_, i) => ({ elemType, shape: shape.map((dim, k) => (k === axis ? (sizes?.[i] ?? null) : dim)) }));
    }
    case 'ConstantOfShape': {
      const dims = value(0);
      const t = attrs.tensor('value');
      return [{ elemType: t?.dataType ?? DataType.FLOAT, ...(dims ? { shape: dims } : {}) }];
    }
    default:
      return node.outputs.map(() => ({ elemType }));
  }
}

function withShape(elemType: number, shape: Dim[] | undefined): ValueType {
  return shape ? { elemType, shape: [...shape] } : { elemType };
}

function axisIn(axis: number, rank: number, fail: (m: string) => never): number {
  return normaliseAxis(axis, rank) ?? fail(`axis ${axis} is out of range for rank ${rank}.`);
}

function product(dims: Dim[]): Dim {
  if (dims.length === 1) return dims[0]!;
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    p *= d;
  }
  return p;
}

/** Numpy broadcasting over possibly symbolic dims. */
export function broadcastDims(a: readonly Dim[], b: readonly Dim[], where: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)]! : 1;
    const y = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)]! : 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (typeof x === 'number' && typeof y === 'number') {
      throw new OnnxError('onnx-invalid', `${where}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`);
    } else out.push(typeof x === 'number' ? x : typeof y === 'number' ? y : null);
  }
  return out;
}

function spatialOut(node: Node, attrs: AttributeReader, input: Dim[], kernel: Dim[] | undefined, ceil: boolean): Dim[] {
  if (!input.every((d) => typeof d === 'number') || (kernel && !kernel.every((d) => typeof d === 'number'))) return input.map(() => null);
  return windowGeometry(node, attrs, input as number[], kernel as number[] | undefined, ceil).output;
}

function reshapeDims(input: Dim[], target: number[], allowZero: boolean, fail: (m: string) => never): Dim[] {
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (i < input.length ? input[i]! : fail(`shape [${target.join(', ')}] copies dim ${i}, which the input lacks.`)) : d));
  const unknown = out.indexOf(-1);
  if (target.filter((d) => d === -1).length > 1) fail(`shape [${target.join(', ')}] has more than one -1.`);
  const knownOut = out.filter((_, i) => i !== unknown);
  if (unknown < 0) {
    const pin = product(input);
    const pout = product(knownOut);
    if (typeof pin === 'number' && typeof pout === 'number' && pin !== pout) fail(`cannot reshape [${input.join(', ')}] (${pin} elements) to [${target.join(', ')}].`);
    return out;
  }
  // Cancel dims that appear on both sides (a symbolic batch dimension copied by 0), then divide what is left.
  const rest = [...input];
  const remaining: Dim[] = [];
  for (const d of knownOut) {
    const at = rest.indexOf(d);
    if (at >= 0 && typeof d === 'string') rest.splice(at, 1);
    else remaining.push(d);
  }
  const pin = product(rest.length === 0 ? [1] : rest);
  const pout = product(remaining.length === 0 ? [1] : remaining);
  const symbolic = rest.filter((d) => typeof d !== 'number');
  const numericRest = rest.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
  if (typeof pin === 'number' && typeof pout === 'number') {
    if (pout === 0 || pin % pout !== 0) fail(`cannot infer -1 in [${target.join(', ')}] from [${input.join(', ')}].`);
    out[unknown] = pin / pout;
  } else if (symbolic.length === 1 && typeof symbolic[0] === 'string' && numericRest === pout) {
    // [batch, 16, 5, 5] → [-1, 400]: the -1 is the batch dimension.
    out[unknown] = symbolic[0];
  } else out[unknown] = null;
  return out;
}
