import { describe, expect, it } from 'vitest';
import { attributesFor, floatTensor, GraphBuilder, node, tensor } from '../../../renderer/core/onnx/builder';
import { OnnxError } from '../../../renderer/core/onnx/errors';
import { DataType } from '../../../renderer/core/onnx/model';

describe('builders', () => {
  it('types attributes by the op schema: whole floats stay FLOAT, float values are rounded to float32', () => {
    const conv = node('Conv', ['x', 'w'], ['y'], { group: 2, kernel_shape: [3, 3], auto_pad: 'SAME_UPPER' });
    expect(conv.attributes.map((a) => [a.name, a.type])).toEqual([
      ['group', 'int'],
      ['kernel_shape', 'ints'],
      ['auto_pad', 'string'],
    ]);
    const gemm = node('Gemm', ['a', 'b'], ['c'], { alpha: 1, beta: 0.1 });
    expect(gemm.attributes).toEqual([
      { name: 'alpha', type: 'float', value: 1 },
      { name: 'beta', type: 'float', value: Math.fround(0.1) },
    ]);
    expect(() => attributesFor('Relu', { alpha: 1 })).toThrow(/Relu has no attribute 'alpha' in the schema table/);
  });

  it('rejects wrong attribute names and types, at compile time and at run time', () => {
    // @ts-expect-error group is an INT attribute
    expect(() => node('Conv', ['x', 'w'], ['y'], { group: '2' })).toThrow(/Conv attribute 'group' must be an integer, but it is "2"/);
    // A number, so only the run-time check can see it is not whole.
    expect(() => node('Conv', ['x', 'w'], ['y'], { group: 1.5 })).toThrow(/must be an integer, but it is 1.5/);
    // @ts-expect-error pads is INTS
    expect(() => node('Conv', ['x', 'w'], ['y'], { pads: 1 })).toThrow(/'pads' must be a list of integers/);
    // @ts-expect-error Relu has no attributes
    expect(() => node('Relu', ['x'], ['y'], { alpha: 0.1 })).toThrow(/Relu has no attribute 'alpha'/);
    // @ts-expect-error not an op in the table
    expect(() => node('Frobnicate', ['x'], ['y'], { a: 1 })).toThrow(/Frobnicate has no attribute 'a'/);
  });

  it('checks tensor sizes and converts values to the data type', () => {
    expect(() => floatTensor('w', [2, 3], [1, 2, 3])).toThrow(/Tensor 'w': dims \[2, 3\] hold 6 values, but 3 were given/);
    expect(() => floatTensor('w', [-1], [])).toThrow(/dims \[-1\] must be non-negative integers/);
    expect(Array.from(tensor('b', DataType.BOOL, [3], [2, 0, -1]).values as Uint8Array)).toEqual([1, 0, 1]);
    expect(Array.from(tensor('i', DataType.INT64, [2], [3.7, -2]).values as BigInt64Array)).toEqual([3n, -2n]);
  });

  it('GraphBuilder names values uniquely, keeps node names apart from value names, and refuses duplicates', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', DataType.FLOAT, [1]);
    const [r1] = b.add('Relu', [x]);
    const [r2] = b.add('Relu', [r1!]);
    expect([r1, r2]).toEqual(['relu_out', 'relu_1_out']);
    expect(b.nodes.map((n) => n.name)).toEqual(['relu', 'relu_1']);
    const [y] = b.add('Neg', [r2!], {}, { name: 'neg', outputs: ['neg'] });
    expect(y).toBe('neg');
    expect(() => b.add('Abs', [y!], {}, { name: 'neg' })).toThrow(OnnxError);
    expect(() => b.input('x', DataType.FLOAT)).toThrow(/The name 'x' is already used in graph 'g'/);
  });
});
