// The gradient cases: at least one per rule, inputs kept off kinks (and free of ties where max-pooling). Checked by
// finite differences on the float64 reference (rules.test.ts) and run through onnxruntime-web (test/runtime).
import { floatTensor, int64Tensor, type GraphBuilder } from '../../../renderer/core/onnx/builder';
import { distinct, offKink, type Case } from './gradcheck';

const numel = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
let seed = 1;
const p = (dims: number[], values?: number[]) => ({ dims, values: values ?? offKink(numel(dims), seed++) });
const positive = (dims: number[]) => p(dims, offKink(numel(dims), seed++).map((v) => Math.abs(v) + 0.2));
let constants = 0;
const ints = (b: GraphBuilder, name: string, values: number[]) => b.initializer(int64Tensor(`${name}_${constants++}`, [values.length], values));
const scalar = (b: GraphBuilder, value: number) => b.initializer(floatTensor(`k_${constants++}`, [], [value]));

/** A case with one op applied to the params in order. */
function op(opType: Parameters<GraphBuilder['add']>[0], params: Case['params'], attrs: Record<string, unknown> = {}, extra: (b: GraphBuilder) => string[] = () => []): Case {
  return {
    params,
    build: (b, names) => b.add(opType, [...Object.keys(params).map((k) => names[k]!), ...extra(b)], attrs as never)[0]!,
  };
}


export interface GradientCase {
  group: string;
  name: string;
  make: () => Case;
}

export const gradientCases: GradientCase[] = [
  { group: 'elementwise, with broadcasting summed back', name: 'Add', make: () => op('Add', { a: p([2, 3, 4]), b: p([3, 1]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Sub', make: () => op('Sub', { a: p([4]), b: p([2, 3, 4]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Mul', make: () => op('Mul', { a: p([2, 3, 2, 2]), b: p([1, 3, 1, 1]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Div', make: () => op('Div', { a: p([2, 3]), b: positive([2, 3]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Neg', make: () => op('Neg', { x: p([5]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Exp', make: () => op('Exp', { x: p([2, 3]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Log', make: () => op('Log', { x: positive([2, 3]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Sqrt', make: () => op('Sqrt', { x: positive([2, 3]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Abs', make: () => op('Abs', { x: p([7]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Pow with a constant exponent 2', make: () => op('Pow', { x: p([6]) }, {}, (b) => [scalar(b, 2)]) },
  { group: 'elementwise, with broadcasting summed back', name: 'Pow with a constant exponent 0.75', make: () => op('Pow', { x: positive([6]) }, {}, (b) => [scalar(b, 0.75)]) },
  { group: 'elementwise, with broadcasting summed back', name: 'Max', make: () => op('Max', { a: p([3, 4]), b: p([3, 4]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Min, broadcast', make: () => op('Min', { a: p([3, 4]), b: p([4]) }) },
  { group: 'elementwise, with broadcasting summed back', name: 'Where', make: () => ({
      params: { a: p([2, 3]), b: p([3]) },
      build: (b, n) => b.add('Where', [b.add('Greater', [n.a!, scalar(b, 0)])[0]!, n.a!, n.b!])[0]!,
    }) },
  { group: 'activations', name: 'Relu', make: () => op('Relu', { x: p([2, 3, 4]) }) },
  { group: 'activations', name: 'LeakyRelu', make: () => op('LeakyRelu', { x: p([2, 6]) }, { alpha: 0.1 }) },
  { group: 'activations', name: 'Sigmoid', make: () => op('Sigmoid', { x: p([2, 6]) }) },
  { group: 'activations', name: 'Tanh', make: () => op('Tanh', { x: p([2, 6]) }) },
  { group: 'activations', name: 'Clip', make: () => op('Clip', { x: p([12]) }, {}, (b) => [scalar(b, -0.5), scalar(b, 0.55)]) },
  { group: 'activations', name: 'Softmax over channels', make: () => op('Softmax', { x: p([2, 5, 3]) }, { axis: 1 }) },
  { group: 'activations', name: 'LogSoftmax', make: () => op('LogSoftmax', { x: p([3, 5]) }, { axis: -1 }) },
  { group: 'linear and convolution', name: 'Gemm with transB and a bias (a dense layer)', make: () => op('Gemm', { x: p([3, 4]), w: p([5, 4]), b: p([5]) }, { transB: 1 }) },
  { group: 'linear and convolution', name: 'Gemm with transA, alpha and beta', make: () => op('Gemm', { a: p([4, 3]), b: p([4, 2]), c: p([3, 2]) }, { transA: 1, alpha: 0.5, beta: 2 }) },
  { group: 'linear and convolution', name: 'MatMul', make: () => op('MatMul', { a: p([3, 4]), b: p([4, 2]) }) },
  { group: 'linear and convolution', name: 'Conv 3×3, pad 1', make: () => op('Conv', { x: p([2, 3, 5, 5]), w: p([4, 3, 3, 3]), b: p([4]) }, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }) },
  { group: 'linear and convolution', name: 'Conv stride 2 with rows left over', make: () => op('Conv', { x: p([1, 2, 8, 7]), w: p([3, 2, 3, 3]) }, { kernel_shape: [3, 3], strides: [2, 2] }) },
  { group: 'linear and convolution', name: 'Conv 11×11 stride 4 pad 2 (AlexNet conv1, small)', make: () => op('Conv', { x: p([1, 1, 19, 19]), w: p([2, 1, 11, 11]), b: p([2]) }, { kernel_shape: [11, 11], strides: [4, 4], pads: [2, 2, 2, 2] }) },
  { group: 'linear and convolution', name: 'Conv grouped, dilated, asymmetric pads', make: () => op('Conv', { x: p([2, 4, 7, 6]), w: p([6, 2, 3, 2]), b: p([6]) }, { kernel_shape: [3, 2], group: 2, dilations: [2, 1], pads: [1, 0, 2, 1], strides: [1, 2] }) },
  // Layers with out × in channels per group ≥ WIDE_LAYER (1024) get the GEMM-friendly gradient forms (im2col weight
  // gradient, flipped-kernel input gradient at stride 1); narrower ones the convolution forms.
  { group: 'linear and convolution', name: 'Conv wide 1×1 (im2col with one whole-input tap)', make: () => op('Conv', { x: p([2, 32, 2, 2]), w: p([32, 32, 1, 1]), b: p([32]) }, { kernel_shape: [1, 1] }) },
  { group: 'linear and convolution', name: 'Conv wide, dilated, asymmetric pads (im2col; flipped-kernel input gradient)', make: () => op('Conv', { x: p([1, 32, 4, 3]), w: p([32, 32, 2, 2]) }, { kernel_shape: [2, 2], dilations: [2, 1], pads: [1, 0, 0, 1] }) },
  { group: 'linear and convolution', name: 'Conv wide, stride 2 (strided im2col taps; ConvTranspose input gradient)', make: () => op('Conv', { x: p([1, 32, 3, 3]), w: p([32, 32, 2, 2]) }, { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] }) },
  { group: 'linear and convolution', name: 'Conv wide, pad wider than the kernel (ConvTranspose input gradient)', make: () => op('Conv', { x: p([1, 32, 2, 2]), w: p([32, 32, 1, 1]) }, { kernel_shape: [1, 1], pads: [1, 1, 1, 1] }) },
  { group: 'linear and convolution', name: 'Conv wide, grouped (flipped-kernel input gradient per group)', make: () => op('Conv', { x: p([1, 32, 3, 3]), w: p([64, 16, 2, 1]) }, { kernel_shape: [2, 1], group: 2, pads: [1, 0, 0, 0] }) },
  { group: 'linear and convolution', name: 'Conv grouped, stride 1, dilated, asymmetric pads', make: () => op('Conv', { x: p([2, 4, 6, 6]), w: p([6, 2, 3, 2]) }, { kernel_shape: [3, 2], group: 2, dilations: [2, 1], pads: [1, 0, 2, 1] }) },
  { group: 'linear and convolution', name: 'Conv depthwise', make: () => op('Conv', { x: p([1, 3, 5, 5]), w: p([3, 1, 3, 3]) }, { kernel_shape: [3, 3], group: 3, pads: [1, 1, 1, 1] }) },
  { group: 'pooling', name: 'MaxPool 3×3 stride 2 (overlapping)', make: () => op('MaxPool', { x: p([2, 2, 7, 7], distinct(196, 3)) }, { kernel_shape: [3, 3], strides: [2, 2] }) },
  { group: 'pooling', name: 'MaxPool with padding and ceil mode', make: () => op('MaxPool', { x: p([1, 2, 6, 6], distinct(72, 4)) }, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }) },
  { group: 'pooling', name: 'MaxPool 3×3 stride 1 pad 1 (the Inception pool branch)', make: () => op('MaxPool', { x: p([1, 1, 5, 5], distinct(25, 5)) }, { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }) },
  { group: 'pooling', name: 'AveragePool 2×2 stride 2', make: () => op('AveragePool', { x: p([2, 2, 4, 6]) }, { kernel_shape: [2, 2], strides: [2, 2] }) },
  { group: 'pooling', name: 'AveragePool 3×3 pad 1, excluding the padding', make: () => op('AveragePool', { x: p([1, 2, 5, 5]) }, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }) },
  { group: 'pooling', name: 'AveragePool 3×3 pad 1, including the padding', make: () => op('AveragePool', { x: p([1, 2, 5, 5]) }, { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }) },
  { group: 'pooling', name: 'AveragePool ceil mode', make: () => op('AveragePool', { x: p([1, 1, 5, 5]) }, { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }) },
  { group: 'pooling', name: 'GlobalAveragePool', make: () => op('GlobalAveragePool', { x: p([2, 3, 4, 5]) }) },
  { group: 'moving values', name: 'Identity', make: () => op('Identity', { x: p([3]) }) },
  { group: 'moving values', name: 'Flatten', make: () => op('Flatten', { x: p([2, 3, 2, 2]) }, { axis: 1 }) },
  { group: 'moving values', name: 'Reshape', make: () => op('Reshape', { x: p([2, 6]) }, {}, (b) => [ints(b, 'shape', [3, -1])]) },
  { group: 'moving values', name: 'Transpose', make: () => op('Transpose', { x: p([2, 3, 4]) }, { perm: [2, 0, 1] }) },
  { group: 'moving values', name: 'Concat of three along channels', make: () => op('Concat', { a: p([2, 1, 3]), b: p([2, 3, 3]), c: p([2, 2, 3]) }, { axis: 1 }) },
  { group: 'moving values', name: 'Split', make: () => ({
      params: { x: p([2, 5]) },
      build: (b, n) => {
        const [first, second] = b.add('Split', [n.x!, ints(b, 'split', [2, 3])], { axis: 1 }, { outputCount: 2 });
        return b.add('Concat', [second!, b.add('Mul', [first!, first!])[0]!], { axis: 1 })[0]!;
      },
    }) },
  { group: 'moving values', name: 'Slice', make: () => op('Slice', { x: p([3, 6]) }, {}, (b) => [ints(b, 'starts', [1, -4]), ints(b, 'ends', [3, 100]), ints(b, 'axes', [0, 1])]) },
  { group: 'moving values', name: 'Pad', make: () => op('Pad', { x: p([1, 2, 3, 3]) }, {}, (b) => [ints(b, 'pads', [0, 0, 1, 2, 0, 1, 0, 1])]) },
  { group: 'moving values', name: 'Expand', make: () => op('Expand', { x: p([3, 1]) }, {}, (b) => [ints(b, 'shape', [2, 3, 4])]) },
  { group: 'moving values', name: 'Unsqueeze', make: () => op('Unsqueeze', { x: p([3, 2]) }, {}, (b) => [ints(b, 'axes', [0, 3])]) },
  { group: 'moving values', name: 'Squeeze', make: () => op('Squeeze', { x: p([3, 1, 2]) }, {}, (b) => [ints(b, 'axes', [1])]) },
  { group: 'moving values', name: 'CumSum', make: () => op('CumSum', { x: p([2, 5]) }, { reverse: 0 }, (b) => [b.initializer(int64Tensor('axis', [], [1]))]) },
  { group: 'reductions and normalisation', name: 'ReduceSum keeping axes', make: () => op('ReduceSum', { x: p([2, 3, 4]) }, { keepdims: 1 }, (b) => [ints(b, 'axes', [0, 2])]) },
  { group: 'reductions and normalisation', name: 'ReduceSum dropping an axis', make: () => op('ReduceSum', { x: p([2, 3, 4]) }, { keepdims: 0 }, (b) => [ints(b, 'axes', [-1])]) },
  { group: 'reductions and normalisation', name: 'ReduceMean', make: () => op('ReduceMean', { x: p([2, 3, 4]) }, { keepdims: 0 }, (b) => [ints(b, 'axes', [1, 2])]) },
  { group: 'reductions and normalisation', name: 'ReduceMax', make: () => op('ReduceMax', { x: p([3, 5], distinct(15, 6)) }, { keepdims: 0 }, (b) => [ints(b, 'axes', [1])]) },
  { group: 'reductions and normalisation', name: 'BatchNormalization (inference statistics)', make: () => ({
      params: { x: p([2, 3, 2, 2]), scale: p([3]), bias: p([3]) },
      build: (b, n) =>
        b.add('BatchNormalization', [n.x!, n.scale!, n.bias!, b.initializer(floatTensor('mean', [3], [0.1, -0.2, 0.3])), b.initializer(floatTensor('var', [3], [0.5, 1.5, 2]))], {
          epsilon: 1e-5,
        })[0]!,
    }) },
];
