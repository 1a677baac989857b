import { describe, expect, it } from 'vitest';
import { floatTensor, graph, int64Vector, model, node, valueInfo } from '../../../renderer/core/onnx/builder';
import { DataType } from '../../../renderer/core/onnx/model';
import { refTensor, runNode, runReference, type RefTensor } from '../../../renderer/core/onnx/reference';
import type { OpAttrs, OpType } from '../../../renderer/core/onnx/schema';

const f = (dims: number[], data: number[]) => refTensor(dims, data);
const i64 = (data: number[], dims = [data.length]) => refTensor(dims, data, DataType.INT64);

function run<Op extends OpType>(op: Op, inputs: Array<RefTensor | undefined>, attrs: OpAttrs<Op> = {} as OpAttrs<Op>, opset = 18, outputs = 1) {
  const names = inputs.map((t, i) => (t ? `in${i}` : ''));
  const n = node(op, names, Array.from({ length: outputs }, (_, i) => `out${i}`), attrs, { name: `test_${op}` });
  return runNode(n, inputs, opset);
}
const one = <Op extends OpType>(op: Op, inputs: Array<RefTensor | undefined>, attrs?: OpAttrs<Op>, opset?: number) => run(op, inputs, attrs, opset)[0]!;
const values = (t: RefTensor) => Array.from(t.data);

describe('reference interpreter: convolution and pooling', () => {
  it('grouped, dilated Conv with asymmetric pads', () => {
    const x = f([1, 2, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const w = f([2, 1, 2, 2], [1, 0, 0, 1, 1, 1, 1, 1]);
    const b = f([2], [0.5, -1]);
    const y = one('Conv', [x, w, b], { group: 2, dilations: [2, 2], pads: [1, 0, 0, 1], kernel_shape: [2, 2] });
    expect(y.dims).toEqual([1, 2, 2, 2]);
    // Worked by hand: channel 0 = x[oh-1][ow] + x[oh+1][ow+2]; channel 1 sums the four dilated taps.
    expect(values(y)).toEqual([6.5, 0.5, 10.5, 2.5, 99, 49, 199, 99]);
  });

  it('Conv with auto_pad SAME_UPPER and SAME_LOWER puts the odd pad at the end or the start', () => {
    const x = f([1, 1, 1, 4], [1, 2, 3, 4]);
    const w = f([1, 1, 1, 2], [1, 10]);
    expect(values(one('Conv', [x, w], { auto_pad: 'SAME_UPPER', strides: [1, 1] }))).toEqual([21, 32, 43, 4]);
    expect(values(one('Conv', [x, w], { auto_pad: 'SAME_LOWER' }))).toEqual([10, 21, 32, 43]);
  });

  it('MaxPool with ceil_mode keeps the partial last window', () => {
    const x = f([1, 1, 4, 4], [1, 5, 2, 0, 3, 9, 4, 1, 8, 2, 7, 6, 0, 3, 1, 2]);
    const y = one('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
    expect(y.dims).toEqual([1, 1, 2, 2]);
    expect(values(y)).toEqual([9, 7, 8, 7]);
    expect(one('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] }).dims).toEqual([1, 1, 1, 1]);
  });

  it('MaxPool with ceil_mode drops a window that would start in the end padding', () => {
    const x = f([1, 1, 1, 5], [1, 2, 3, 4, 5]);
    const y = one('MaxPool', [x], { kernel_shape: [1, 2], strides: [1, 3], pads: [0, 0, 0, 1], ceil_mode: 1 });
    expect(y.dims).toEqual([1, 1, 1, 2]);
    expect(values(y)).toEqual([2, 5]);
  });

  it('MaxPool pads with -infinity, not zero', () => {
    const x = f([1, 1, 2, 2], [-1, -2, -3, -4]);
    expect(values(one('MaxPool', [x], { kernel_shape: [2, 2], pads: [1, 1, 0, 0] }))).toEqual([-1, -1, -1, -1]);
  });

  it('AveragePool with and without count_include_pad', () => {
    const x = f([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const attrs = { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1] };
    expect(values(one('AveragePool', [x], { ...attrs, count_include_pad: 1 }))).toEqual([0.25, 1.25, 2.75, 7]);
    expect(values(one('AveragePool', [x], attrs))).toEqual([1, 2.5, 5.5, 7]);
  });

  it('ConvTranspose with stride and output_padding', () => {
    const x = f([1, 1, 2, 2], [1, 2, 3, 4]);
    const w = f([1, 1, 2, 2], [1, 2, 3, 4]);
    const y = one('ConvTranspose', [x, w, f([1], [1])], { strides: [2, 2], output_padding: [1, 1] });
    expect(y.dims).toEqual([1, 1, 5, 5]);
    expect(values(y)).toEqual(
      [1, 2, 2, 4, 0, 3, 4, 6, 8, 0, 3, 6, 4, 8, 0, 9, 12, 12, 16, 0, 0, 0, 0, 0, 0].map((v) => v + 1),
    );
  });

  it('ConvTranspose with groups and pads', () => {
    const x = f([1, 2, 1, 2], [1, 2, 10, 20]);
    const w = f([2, 1, 1, 3], [1, 1, 1, 1, -1, 2]);
    const y = one('ConvTranspose', [x, w], { group: 2, pads: [0, 1, 0, 1] });
    // Full outputs: group 0 [1, 3, 3, 2], group 1 [10, 10, 0, 40]; pads crop one at each side.
    expect(y.dims).toEqual([1, 2, 1, 2]);
    expect(values(y)).toEqual([3, 3, 10, 0]);
  });

  it('GlobalAveragePool', () => {
    expect(values(one('GlobalAveragePool', [f([1, 2, 1, 2], [1, 3, 5, 9])]))).toEqual([2, 7]);
  });
});

describe('reference interpreter: normalisation and linear algebra', () => {
  it('LRN follows the ONNX definition (window floor/ceil of (size-1)/2 around c)', () => {
    const x = f([1, 3, 1, 1], [1, 2, 3]);
    expect(values(one('LRN', [x], { size: 3, alpha: 3, beta: 1, bias: 1 }))).toEqual([1 / 6, 2 / 15, 3 / 14]);
    expect(values(one('LRN', [x], { size: 2, alpha: 2, beta: 1, bias: 1 }))).toEqual([1 / 6, 2 / 14, 3 / 10]);
  });

  it('BatchNormalization in inference mode', () => {
    const x = f([1, 2, 1, 2], [1, 2, 3, 4]);
    const y = one('BatchNormalization', [x, f([2], [2, 1]), f([2], [0, 10]), f([2], [1, 3]), f([2], [4 - 1e-5, 0.25 - 1e-5])]);
    expect(values(y).map((v) => +v.toFixed(9))).toEqual([0, 1, 10, 12]);
  });

  it('Gemm with transA, transB, alpha, beta and a broadcast C', () => {
    const a = f([2, 2], [1, 3, 2, 4]); // Aᵀ = [[1,2],[3,4]]
    const b = f([2, 2], [5, 7, 6, 8]); // Bᵀ = [[5,6],[7,8]]
    const y = one('Gemm', [a, b, f([2], [1, -1])], { transA: 1, transB: 1, alpha: 2, beta: 3 });
    expect(values(y)).toEqual([2 * 19 + 3, 2 * 22 - 3, 2 * 43 + 3, 2 * 50 - 3]);
  });

  it('MatMul broadcasts batch dimensions and handles 1-D operands', () => {
    const a = f([2, 1, 2], [1, 2, 3, 4]);
    const b = f([2, 1], [10, 100]);
    expect(one('MatMul', [a, b]).dims).toEqual([2, 1, 1]);
    expect(values(one('MatMul', [a, b]))).toEqual([210, 430]);
    expect(values(one('MatMul', [f([2], [1, 2]), f([2, 2], [1, 2, 3, 4])]))).toEqual([7, 10]);
  });

  it('Softmax: opset 13 reduces one axis, opset 11 the flattened tail', () => {
    const x = f([1, 2, 2], [1, 2, 3, 4]);
    const e = (v: number) => Math.exp(v);
    const y13 = values(one('Softmax', [x], { axis: 1 }, 13));
    expect(y13[0]).toBeCloseTo(e(1) / (e(1) + e(3)), 15);
    expect(y13[1]).toBeCloseTo(e(2) / (e(2) + e(4)), 15);
    const y11 = values(one('Softmax', [x], { axis: 1 }, 11));
    expect(y11[0]).toBeCloseTo(e(1) / (e(1) + e(2) + e(3) + e(4)), 15);
    const ls = values(one('LogSoftmax', [x], {}, 13));
    expect(ls[0]).toBeCloseTo(1 - Math.log(e(1) + e(2)), 14);
  });
});

describe('reference interpreter: data movement', () => {
  it('Slice with negative steps and clamped ends', () => {
    const x = f([10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(values(one('Slice', [x, i64([8]), i64([1]), i64([0]), i64([-3])]))).toEqual([8, 5, 2]);
    const m = f([3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const y = one('Slice', [m, i64([2, -1]), i64([-1e12, 0]), i64([0, 1]), i64([-1, -2])]);
    expect(y.dims).toEqual([3, 2]);
    expect(values(y)).toEqual([11, 9, 7, 5, 3, 1]);
  });

  it('CumSum exclusive and reverse', () => {
    expect(values(one('CumSum', [f([4], [1, 2, 3, 4]), i64([0], [])], { exclusive: 1, reverse: 1 }))).toEqual([9, 7, 4, 0]);
    const m = f([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(values(one('CumSum', [m, i64([-1], [])], { exclusive: 1, reverse: 1 }))).toEqual([5, 3, 0, 11, 6, 0]);
    expect(values(one('CumSum', [m, i64([0], [])], {}))).toEqual([1, 2, 3, 5, 7, 9]);
    expect(values(one('CumSum', [m, i64([1], [])], { exclusive: 1 }))).toEqual([0, 1, 3, 0, 4, 9]);
  });

  it('Reshape with 0 (copy) and -1 (infer), Flatten, Transpose', () => {
    const x = f([2, 3, 4], Array.from({ length: 24 }, (_, i) => i));
    expect(one('Reshape', [x, i64([0, -1])]).dims).toEqual([2, 12]);
    expect(one('Reshape', [f([0, 3], []), i64([0, 3])], { allowzero: 1 }).dims).toEqual([0, 3]);
    expect(one('Flatten', [x], { axis: -1 }).dims).toEqual([6, 4]);
    const t = one('Transpose', [f([2, 3], [1, 2, 3, 4, 5, 6])], { perm: [1, 0] });
    expect(values(t)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('Pad: constant, reflect, edge, negative pads and axes', () => {
    const x = f([1, 3], [1, 2, 3]);
    expect(values(one('Pad', [x, i64([0, 2, 0, 1]), f([], [-1])]))).toEqual([-1, -1, 1, 2, 3, -1]);
    expect(values(one('Pad', [x, i64([0, 2, 0, 2])], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(values(one('Pad', [x, i64([0, 1, 0, 2])], { mode: 'edge' }))).toEqual([1, 1, 2, 3, 3, 3]);
    expect(values(one('Pad', [x, i64([-1, 1]), undefined, i64([1])]))).toEqual([2, 3, 0]);
  });

  it('Concat, Split (input, attribute and even), Gather with negative indices', () => {
    const a = f([1, 2], [1, 2]);
    const b = f([1, 1], [3]);
    expect(values(one('Concat', [a, b], { axis: -1 }))).toEqual([1, 2, 3]);
    const x = f([5], [1, 2, 3, 4, 5]);
    expect(run('Split', [x, i64([2, 3])], {}, 13, 2).map((t) => values(t!))).toEqual([[1, 2], [3, 4, 5]]);
    expect(run('Split', [x], { split: [4, 1] }, 11, 2).map((t) => values(t!))).toEqual([[1, 2, 3, 4], [5]]);
    expect(run('Split', [x], { num_outputs: 2 }, 18, 2).map((t) => values(t!))).toEqual([[1, 2, 3], [4, 5]]);
    const g = one('Gather', [f([2, 3], [1, 2, 3, 4, 5, 6]), i64([-1, 0], [2])], { axis: 1 });
    expect(g.dims).toEqual([2, 2]);
    expect(values(g)).toEqual([3, 1, 6, 4]);
  });

  it('ScatterElements with reduction add accumulates duplicates; GatherElements', () => {
    const data = f([1, 4], [0, 0, 0, 0]);
    const idx = i64([1, 1, 3], [1, 3]);
    const upd = f([1, 3], [1, 2, 5]);
    expect(values(one('ScatterElements', [data, idx, upd], { axis: 1, reduction: 'add' }))).toEqual([0, 3, 0, 5]);
    expect(values(one('ScatterElements', [data, idx, upd], { axis: 1 }))).toEqual([0, 2, 0, 5]);
    const ge = one('GatherElements', [f([2, 2], [1, 2, 3, 4]), i64([0, 0, 1, 0], [2, 2])], { axis: 1 });
    expect(values(ge)).toEqual([1, 1, 4, 3]);
  });

  it('Expand, Tile, Unsqueeze/Squeeze (input and attribute forms), Shape', () => {
    expect(values(one('Expand', [f([2, 1], [1, 2]), i64([2, 3])]))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(values(one('Tile', [f([1, 2], [1, 2]), i64([2, 2])]))).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(one('Unsqueeze', [f([3], [1, 2, 3]), i64([0, -1])]).dims).toEqual([1, 3, 1]);
    expect(one('Unsqueeze', [f([3], [1, 2, 3])], { axes: [1] }, 11).dims).toEqual([3, 1]);
    expect(one('Squeeze', [f([1, 3, 1], [1, 2, 3])]).dims).toEqual([3]);
    expect(one('Squeeze', [f([1, 3, 1], [1, 2, 3]), i64([2])]).dims).toEqual([1, 3]);
    expect(values(one('Shape', [f([2, 3, 4], Array(24).fill(0))], { start: -2 }))).toEqual([3, 4]);
  });
});

describe('reference interpreter: elementwise, logic and reductions', () => {
  it('broadcasts like numpy', () => {
    const y = one('Add', [f([2, 1], [1, 2]), f([3], [10, 20, 30])]);
    expect(y.dims).toEqual([2, 3]);
    expect(values(y)).toEqual([11, 21, 31, 12, 22, 32]);
    expect(() => one('Add', [f([2], [1, 2]), f([3], [1, 2, 3])])).toThrow(/Add node 'test_Add': shapes \[2\] and \[3\] do not broadcast/);
  });

  it('integer Div truncates; Cast truncates toward zero and maps to bool', () => {
    expect(values(one('Div', [i64([7, -7]), i64([2, 2])]))).toEqual([3, -3]);
    expect(values(one('Cast', [f([3], [-1.7, 2.9, 0])], { to: DataType.INT32 }))).toEqual([-1, 2, 0]);
    expect(values(one('Cast', [f([3], [-1.7, 2.9, 0])], { to: DataType.BOOL }))).toEqual([1, 1, 0]);
    expect(values(one('Cast', [f([1], [300])], { to: DataType.UINT8 }))).toEqual([44]);
    // float16 has 10 fraction bits: 1 + 2^-11 is a tie that goes to even (1); 1 + 3·2^-11 goes up to 1 + 2^-9.
    expect(values(one('Cast', [f([4], [1 + 2 ** -11, 1 + 3 * 2 ** -11, 70000, 2 ** -24])], { to: DataType.FLOAT16 }))).toEqual([1, 1 + 2 ** -9, Infinity, 2 ** -24]);
    expect(values(one('Cast', [f([1], [1 + 2 ** -8])], { to: DataType.BFLOAT16 }))).toEqual([1]);
  });

  it('Where, Equal, Greater, Less, Not, Clip, Pow, Max, Min, LeakyRelu', () => {
    const a = f([3], [1, 2, 3]);
    const b = f([3], [3, 2, 1]);
    expect(values(one('Equal', [a, b]))).toEqual([0, 1, 0]);
    expect(values(one('Greater', [a, b]))).toEqual([0, 0, 1]);
    expect(values(one('Less', [a, b]))).toEqual([1, 0, 0]);
    expect(values(one('Not', [one('Less', [a, b])]))).toEqual([0, 1, 1]);
    expect(values(one('Where', [one('Less', [a, b]), a, f([], [-5])]))).toEqual([1, -5, -5]);
    expect(values(one('Clip', [a, f([], [1.5]), undefined]))).toEqual([1.5, 2, 3]);
    expect(values(one('Pow', [a, f([], [2])]))).toEqual([1, 4, 9]);
    expect(values(one('Max', [a, b, f([], [2.5])]))).toEqual([3, 2.5, 3]);
    expect(values(one('Min', [a, b]))).toEqual([1, 2, 1]);
    expect(values(one('LeakyRelu', [f([2], [-2, 2])], { alpha: 0.5 }))).toEqual([-1, 2]);
  });

  it('reductions take axes as an input from opset 18 (13 for ReduceSum) and as an attribute before', () => {
    const x = f([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(values(one('ReduceMean', [x, i64([1])], { keepdims: 0 }, 18))).toEqual([2, 5]);
    expect(values(one('ReduceMean', [x], { axes: [1], keepdims: 0 }, 13))).toEqual([2, 5]);
    expect(one('ReduceSum', [x, i64([0])], {}, 13).dims).toEqual([1, 3]);
    expect(values(one('ReduceSum', [x], { keepdims: 0 }, 13))).toEqual([21]);
    expect(values(one('ReduceSum', [x, i64([])], { noop_with_empty_axes: 1 }, 13))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values(one('ReduceMax', [x, i64([-2])], {}, 18))).toEqual([4, 5, 6]);
  });

  it('ArgMax with keepdims and select_last_index', () => {
    const x = f([2, 3], [1, 5, 5, 7, 0, 7]);
    expect(values(one('ArgMax', [x], { axis: 1 }))).toEqual([1, 0]);
    expect(values(one('ArgMax', [x], { axis: 1, select_last_index: 1, keepdims: 0 }))).toEqual([2, 2]);
    expect(one('ArgMax', [x], { axis: 1 }).dataType).toBe(DataType.INT64);
  });

  it('Dropout at inference is the identity; Identity and Constant', () => {
    const x = f([2], [1, 2]);
    const [y, mask] = run('Dropout', [x, f([], [0.5])], {}, 13, 2);
    expect(values(y!)).toEqual([1, 2]);
    expect(values(mask!)).toEqual([1, 1]);
    expect(values(one('Constant', [], { value: floatTensor('c', [2], [3, 4]) }))).toEqual([3, 4]);
    expect(values(one('Constant', [], { value_ints: [1, -1] }))).toEqual([1, -1]);
  });
});

describe('reference interpreter: graphs', () => {
  it('runs a graph in order and reports an unknown op by name', () => {
    const g = graph({
      nodes: [
        node('Shape', ['x'], ['s'], {}, { name: 'shape' }),
        node('Reshape', ['x', 'flat'], ['r'], {}, { name: 'reshape' }),
        node('Relu', ['r'], ['y'], {}, { name: 'relu' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [2, 2])],
      outputs: [valueInfo('y', DataType.FLOAT, [4])],
      initializers: [int64Vector('flat', [-1])],
    });
    const out = runReference(model(g), { x: f([2, 2], [-1, 2, -3, 4]) }, { outputs: ['y', 's'] });
    expect(values(out.y!)).toEqual([0, 2, 0, 4]);
    expect(values(out.s!)).toEqual([2, 2]);
    const bad = model(
      graph({
        nodes: [{ name: 'mystery', opType: 'Mystery', domain: '', inputs: ['x'], outputs: ['y'], attributes: [] }],
        inputs: [valueInfo('x', DataType.FLOAT, [1])],
        outputs: [valueInfo('y', DataType.FLOAT, [1])],
      }),
    );
    expect(() => runReference(bad, { x: f([1], [1]) })).toThrow(/Mystery node 'mystery': the reference interpreter has no implementation of op 'Mystery'/);
  });
});
