// One numeric check per gradient rule (float64 finite differences on the reference interpreter, inputs off kinks).
import { describe, it } from 'vitest';
import { floatTensor, int64Tensor, type GraphBuilder } from '../../../renderer/core/onnx/builder';
import { distinct, expectGradientsMatch, offKink, type Case } from './gradcheck';

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

describe('gradient rules: elementwise, with broadcasting summed back', () => {
  it('Add', () => expectGradientsMatch(op('Add', { a: p([2, 3, 4]), b: p([3, 1]) })));
  it('Sub', () => expectGradientsMatch(op('Sub', { a: p([4]), b: p([2, 3, 4]) })));
  it('Mul', () => expectGradientsMatch(op('Mul', { a: p([2, 3, 2, 2]), b: p([1, 3, 1, 1]) })));
  it('Div', () => expectGradientsMatch(op('Div', { a: p([2, 3]), b: positive([2, 3]) })));
  it('Neg', () => expectGradientsMatch(op('Neg', { x: p([5]) })));
  it('Exp', () => expectGradientsMatch(op('Exp', { x: p([2, 3]) })));
  it('Log', () => expectGradientsMatch(op('Log', { x: positive([2, 3]) })));
  it('Sqrt', () => expectGradientsMatch(op('Sqrt', { x: positive([2, 3]) })));
  it('Abs', () => expectGradientsMatch(op('Abs', { x: p([7]) })));
  it('Pow with a constant exponent 2 and 3', () => {
    expectGradientsMatch(op('Pow', { x: p([6]) }, {}, (b) => [scalar(b, 2)]));
    expectGradientsMatch(op('Pow', { x: positive([6]) }, {}, (b) => [scalar(b, 0.75)]));
  });
  it('Max and Min of two inputs', () => {
    expectGradientsMatch(op('Max', { a: p([3, 4]), b: p([3, 4]) }));
    expectGradientsMatch(op('Min', { a: p([3, 4]), b: p([4]) }));
  });
  it('Where', () =>
    expectGradientsMatch({
      params: { a: p([2, 3]), b: p([3]) },
      build: (b, n) => b.add('Where', [b.add('Greater', [n.a!, scalar(b, 0)])[0]!, n.a!, n.b!])[0]!,
    }));
});

describe('gradient rules: activations', () => {
  it('Relu', () => expectGradientsMatch(op('Relu', { x: p([2, 3, 4]) })));
  it('LeakyRelu', () => expectGradientsMatch(op('LeakyRelu', { x: p([2, 6]) }, { alpha: 0.1 })));
  it('Sigmoid', () => expectGradientsMatch(op('Sigmoid', { x: p([2, 6]) })));
  it('Tanh', () => expectGradientsMatch(op('Tanh', { x: p([2, 6]) })));
  it('Clip', () => expectGradientsMatch(op('Clip', { x: p([12]) }, {}, (b) => [scalar(b, -0.5), scalar(b, 0.55)])));
  it('Softmax over channels', () => expectGradientsMatch(op('Softmax', { x: p([2, 5, 3]) }, { axis: 1 })));
  it('LogSoftmax', () => expectGradientsMatch(op('LogSoftmax', { x: p([3, 5]) }, { axis: -1 })));
});

describe('gradient rules: linear and convolution', () => {
  it('Gemm with transB and a bias (a dense layer)', () => expectGradientsMatch(op('Gemm', { x: p([3, 4]), w: p([5, 4]), b: p([5]) }, { transB: 1 })));
  it('Gemm with transA, alpha and beta', () => expectGradientsMatch(op('Gemm', { a: p([4, 3]), b: p([4, 2]), c: p([3, 2]) }, { transA: 1, alpha: 0.5, beta: 2 })));
  it('MatMul', () => expectGradientsMatch(op('MatMul', { a: p([3, 4]), b: p([4, 2]) })));
  it('Conv 3×3, pad 1', () => expectGradientsMatch(op('Conv', { x: p([2, 3, 5, 5]), w: p([4, 3, 3, 3]), b: p([4]) }, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })));
  it('Conv stride 2 with rows left over', () => expectGradientsMatch(op('Conv', { x: p([1, 2, 8, 7]), w: p([3, 2, 3, 3]) }, { kernel_shape: [3, 3], strides: [2, 2] })));
  it('Conv 11×11 stride 4 pad 2 (AlexNet conv1, small)', () =>
    expectGradientsMatch(op('Conv', { x: p([1, 1, 19, 19]), w: p([2, 1, 11, 11]), b: p([2]) }, { kernel_shape: [11, 11], strides: [4, 4], pads: [2, 2, 2, 2] })));
  it('Conv grouped, dilated, asymmetric pads', () =>
    expectGradientsMatch(op('Conv', { x: p([2, 4, 7, 6]), w: p([6, 2, 3, 2]), b: p([6]) }, { kernel_shape: [3, 2], group: 2, dilations: [2, 1], pads: [1, 0, 2, 1], strides: [1, 2] })));
  it('Conv depthwise', () => expectGradientsMatch(op('Conv', { x: p([1, 3, 5, 5]), w: p([3, 1, 3, 3]) }, { kernel_shape: [3, 3], group: 3, pads: [1, 1, 1, 1] })));
});

describe('gradient rules: pooling', () => {
  it('MaxPool 3×3 stride 2 (overlapping)', () => expectGradientsMatch(op('MaxPool', { x: p([2, 2, 7, 7], distinct(196, 3)) }, { kernel_shape: [3, 3], strides: [2, 2] })));
  it('MaxPool with padding and ceil mode', () =>
    expectGradientsMatch(op('MaxPool', { x: p([1, 2, 6, 6], distinct(72, 4)) }, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 })));
  it('MaxPool 3×3 stride 1 pad 1 (the Inception pool branch)', () =>
    expectGradientsMatch(op('MaxPool', { x: p([1, 1, 5, 5], distinct(25, 5)) }, { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] })));
  it('AveragePool 2×2 stride 2', () => expectGradientsMatch(op('AveragePool', { x: p([2, 2, 4, 6]) }, { kernel_shape: [2, 2], strides: [2, 2] })));
  it('AveragePool 3×3 pad 1, excluding and including the padding', () => {
    expectGradientsMatch(op('AveragePool', { x: p([1, 2, 5, 5]) }, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    expectGradientsMatch(op('AveragePool', { x: p([1, 2, 5, 5]) }, { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }));
  });
  it('AveragePool ceil mode', () => expectGradientsMatch(op('AveragePool', { x: p([1, 1, 5, 5]) }, { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 })));
  it('GlobalAveragePool', () => expectGradientsMatch(op('GlobalAveragePool', { x: p([2, 3, 4, 5]) })));
});

describe('gradient rules: moving values', () => {
  it('Identity', () => expectGradientsMatch(op('Identity', { x: p([3]) })));
  it('Flatten', () => expectGradientsMatch(op('Flatten', { x: p([2, 3, 2, 2]) }, { axis: 1 })));
  it('Reshape', () => expectGradientsMatch(op('Reshape', { x: p([2, 6]) }, {}, (b) => [ints(b, 'shape', [3, -1])])));
  it('Transpose', () => expectGradientsMatch(op('Transpose', { x: p([2, 3, 4]) }, { perm: [2, 0, 1] })));
  it('Concat of three along channels', () => expectGradientsMatch(op('Concat', { a: p([2, 1, 3]), b: p([2, 3, 3]), c: p([2, 2, 3]) }, { axis: 1 })));
  it('Split', () =>
    expectGradientsMatch({
      params: { x: p([2, 5]) },
      build: (b, n) => {
        const [first, second] = b.add('Split', [n.x!, ints(b, 'split', [2, 3])], { axis: 1 }, { outputCount: 2 });
        return b.add('Concat', [second!, b.add('Mul', [first!, first!])[0]!], { axis: 1 })[0]!;
      },
    }));
  it('Slice', () => expectGradientsMatch(op('Slice', { x: p([3, 6]) }, {}, (b) => [ints(b, 'starts', [1, -4]), ints(b, 'ends', [3, 100]), ints(b, 'axes', [0, 1])])));
  it('Pad', () => expectGradientsMatch(op('Pad', { x: p([1, 2, 3, 3]) }, {}, (b) => [ints(b, 'pads', [0, 0, 1, 2, 0, 1, 0, 1])])));
  it('Expand', () => expectGradientsMatch(op('Expand', { x: p([3, 1]) }, {}, (b) => [ints(b, 'shape', [2, 3, 4])])));
  it('Unsqueeze and Squeeze', () => {
    expectGradientsMatch(op('Unsqueeze', { x: p([3, 2]) }, {}, (b) => [ints(b, 'axes', [0, 3])]));
    expectGradientsMatch(op('Squeeze', { x: p([3, 1, 2]) }, {}, (b) => [ints(b, 'axes', [1])]));
  });
  it('CumSum', () => expectGradientsMatch(op('CumSum', { x: p([2, 5]) }, { reverse: 0 }, (b) => [b.initializer(int64Tensor('axis', [], [1]))])));
});

describe('gradient rules: reductions and normalisation', () => {
  it('ReduceSum, keeping and dropping axes', () => {
    expectGradientsMatch(op('ReduceSum', { x: p([2, 3, 4]) }, { keepdims: 1 }, (b) => [ints(b, 'axes', [0, 2])]));
    expectGradientsMatch(op('ReduceSum', { x: p([2, 3, 4]) }, { keepdims: 0 }, (b) => [ints(b, 'axes', [-1])]));
  });
  it('ReduceMean', () => expectGradientsMatch(op('ReduceMean', { x: p([2, 3, 4]) }, { keepdims: 0 }, (b) => [ints(b, 'axes', [1, 2])])));
  it('ReduceMax', () => expectGradientsMatch(op('ReduceMax', { x: p([3, 5], distinct(15, 6)) }, { keepdims: 0 }, (b) => [ints(b, 'axes', [1])])));
  it('BatchNormalization (inference statistics)', () =>
    expectGradientsMatch({
      params: { x: p([2, 3, 2, 2]), scale: p([3]), bias: p([3]) },
      build: (b, n) =>
        b.add('BatchNormalization', [n.x!, n.scale!, n.bias!, b.initializer(floatTensor('mean', [3], [0.1, -0.2, 0.3])), b.initializer(floatTensor('var', [3], [0.5, 1.5, 2]))], {
          epsilon: 1e-5,
        })[0]!,
    }));
});
