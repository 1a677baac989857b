// Output sizes and paddings of Conv, ConvTranspose and the pools, per the ONNX operator specification.
// Shape inference and the reference interpreter both use these, so the two cannot disagree.

import { describeNode, OnnxError } from './errors';
import type { Node } from './model';
import type { AttributeReader } from './attributes';

export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** ONNX layout: [x1_begin, x2_begin, …, x1_end, x2_end, …], resolved from auto_pad. */
  pads: number[];
  output: number[];
}

function listOr(value: number[] | undefined, rank: number, fill: number): number[] {
  return value && value.length > 0 ? value : Array<number>(rank).fill(fill);
}

function checkLength(node: Node, name: string, value: number[], expected: number): void {
  if (value.length !== expected) {
    throw new OnnxError(
      'onnx-invalid',
      `${describeNode(node)}: '${name}' [${value.join(', ')}] should have ${expected} values for ${expected === 0 ? 'no' : expected / (name === 'pads' ? 2 : 1)} spatial dimension(s).`,
    );
  }
}

/** Conv, MaxPool, AveragePool: pads and output size for the spatial dims `input` (no N, C). */
export function windowGeometry(
  node: Node,
  attrs: AttributeReader,
  input: readonly number[],
  kernelFromWeights: readonly number[] | undefined,
  ceilMode: boolean,
): WindowGeometry {
  const rank = input.length;
  const kernel = attrs.ints('kernel_shape') ?? (kernelFromWeights ? [...kernelFromWeights] : undefined);
  if (!kernel) throw new OnnxError('onnx-invalid', `${describeNode(node)} has no kernel_shape.`);
  checkLength(node, 'kernel_shape', kernel, rank);
  const strides = listOr(attrs.ints('strides'), rank, 1);
  checkLength(node, 'strides', strides, rank);
  const dilations = listOr(attrs.ints('dilations'), rank, 1);
  checkLength(node, 'dilations', dilations, rank);
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  let pads = listOr(attrs.ints('pads'), 2 * rank, 0);
  checkLength(node, 'pads', pads, 2 * rank);
  for (const [name, list, min] of [
    ['kernel_shape', kernel, 1],
    ['strides', strides, 1],
    ['dilations', dilations, 1],
    ['pads', pads, 0],
  ] as const) {
    if (list.some((v) => !Number.isInteger(v) || v < min)) {
      throw new OnnxError('onnx-invalid', `${describeNode(node)}: '${name}' [${list.join(', ')}] must hold integers ≥ ${min}.`);
    }
  }
  const output: number[] = [];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = Array<number>(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      const extent = (kernel[i]! - 1) * dilations[i]! + 1;
      const out = Math.ceil(input[i]! / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + extent - input[i]!);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + rank] = total - pads[i]!;
      output.push(out);
    }
  } else if (autoPad === 'VALID') {
    pads = Array<number>(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      const extent = (kernel[i]! - 1) * dilations[i]! + 1;
      output.push(Math.ceil((input[i]! - extent + 1) / strides[i]!));
    }
  } else if (autoPad === 'NOTSET') {
    for (let i = 0; i < rank; i++) {
      const extent = (kernel[i]! - 1) * dilations[i]! + 1;
      const span = input[i]! + pads[i]! + pads[i + rank]! - extent;
      let out = (ceilMode ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
      // With ceil_mode, a last window that would start inside the end padding is dropped (PyTorch, onnxruntime).
      if (ceilMode && (out - 1) * strides[i]! >= input[i]! + pads[i]!) out--;
      output.push(out);
    }
  } else {
    throw new OnnxError('onnx-invalid', `${describeNode(node)}: auto_pad "${autoPad}" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID.`);
  }
  if (output.some((o) => o < 1)) {
    throw new OnnxError(
      'onnx-invalid',
      `${describeNode(node)}: the input's spatial size [${input.join(', ')}] is too small for kernel [${kernel.join(', ')}] ` +
        `(dilations [${dilations.join(', ')}], pads [${pads.join(', ')}]): the output would be [${output.join(', ')}].`,
    );
  }
  return { kernel, strides, dilations, pads, output };
}

/** ConvTranspose: pads and output size, honouring output_shape, output_padding and auto_pad. */
export function convTransposeGeometry(
  node: Node,
  attrs: AttributeReader,
  input: readonly number[],
  kernelFromWeights: readonly number[],
): WindowGeometry & { outputPadding: number[] } {
  const rank = input.length;
  const kernel = attrs.ints('kernel_shape') ?? [...kernelFromWeights];
  checkLength(node, 'kernel_shape', kernel, rank);
  const strides = listOr(attrs.ints('strides'), rank, 1);
  checkLength(node, 'strides', strides, rank);
  const dilations = listOr(attrs.ints('dilations'), rank, 1);
  checkLength(node, 'dilations', dilations, rank);
  const outputPadding = listOr(attrs.ints('output_padding'), rank, 0);
  checkLength(node, 'output_padding', outputPadding, rank);
  for (let i = 0; i < rank; i++) {
    if (outputPadding[i]! >= Math.max(strides[i]!, dilations[i]!)) {
      throw new OnnxError(
        'onnx-invalid',
        `${describeNode(node)}: output_padding [${outputPadding.join(', ')}] must be smaller than the stride or dilation.`,
      );
    }
  }
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  const outputShape = attrs.ints('output_shape');
  let pads = listOr(attrs.ints('pads'), 2 * rank, 0);
  checkLength(node, 'pads', pads, 2 * rank);
  const full = (i: number) => strides[i]! * (input[i]! - 1) + outputPadding[i]! + (kernel[i]! - 1) * dilations[i]! + 1;
  const output: number[] = [];
  if (outputShape && outputShape.length > 0) {
    const spatial = outputShape.length === rank ? outputShape : outputShape.slice(-rank);
    pads = Array<number>(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      // A negative total (output_shape beyond the full size) extends the end with zeros, like output_padding.
      const total = full(i) - spatial[i]!;
      const half = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + rank] = total - pads[i]!;
      output.push(spatial[i]!);
    }
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = Array<number>(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      const out = input[i]! * strides[i]!;
      const total = Math.max(0, full(i) - out);
      const half = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? half : total - half;
      pads[i + rank] = total - pads[i]!;
      output.push(out);
    }
  } else {
    if (autoPad === 'VALID') pads = Array<number>(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) output.push(full(i) - pads[i]! - pads[i + rank]!);
  }
  if (output.some((o) => o < 1)) {
    throw new OnnxError('onnx-invalid', `${describeNode(node)}: the output would be [${output.join(', ')}].`);
  }
  return { kernel, strides, dilations, pads, output, outputPadding };
}

/** Numpy broadcasting of two shapes; undefined if they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return undefined;
  }
  return out;
}

/** A possibly negative axis made non-negative; undefined if out of range. */
export function normaliseAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank && Number.isInteger(a) ? a : undefined;
}
