import { describe, expect, it } from 'vitest';
import { builderFrom, differentiate } from '../../../renderer/core/autodiff/differentiate';
import { customNode, GraphBuilder, int64Tensor } from '../../../renderer/core/onnx/builder';
import { DataType } from '../../../renderer/core/onnx/model';
import { refTensor, runGraph } from '../../../renderer/core/onnx/reference';
import { expectGradientsMatch, OPSET, shapesOf } from './gradcheck';

describe('the autodiff walker', () => {
  it('gives a max-pool gradient to the FIRST maximum of a window on ties, as PyTorch', () => {
    // Windows of 2×2 stride 1 over a 3×3 input of ties: every window's first maximum (row-major) takes its gradient.
    const b = new GraphBuilder('ties');
    const x = b.input('x', DataType.FLOAT, [1, 1, 3, 3]);
    const y = b.add('MaxPool', [x], { kernel_shape: [2, 2], strides: [1, 1] })[0]!;
    const loss = b.add('ReduceSum', [y], { keepdims: 0 })[0]!;
    const graph = b.build();
    const values = [1, 1, 0, 1, 1, 0, 0, 0, 0];
    const feeds = { x: refTensor([1, 1, 3, 3], values) };
    const builder = builderFrom(graph);
    const grads = differentiate({ graph, loss, wrt: ['x'], shapes: shapesOf(graph, feeds), builder });
    const dx = runGraph(builder.build(), OPSET, feeds, [grads.get('x')!])[grads.get('x')!]!;
    // Windows: top-left (0,0) → x[0,0]; top-right (0,1) → x[0,1]; bottom-left (1,0) → x[1,0]; bottom-right (1,1) → x[1,1].
    expect(Array.from(dx.data)).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
    // Ties at 5: windows (0,0) and (0,1) both pick x[0,1] (first in row-major order); (1,0) and (1,1) pick x[1,1].
    const tied = { x: refTensor([1, 1, 3, 3], [0, 5, 5, 0, 5, 0, 0, 0, 0]) };
    const dx2 = runGraph(builder.build(), OPSET, tied, [grads.get('x')!])[grads.get('x')!]!;
    expect(Array.from(dx2.data)).toEqual([0, 2, 0, 0, 2, 0, 0, 0, 0]);
  });

  it('sums the gradients of a value used several times, and through a residual Add', () =>
    expectGradientsMatch({
      params: { x: { dims: [2, 3], values: [0.3, -0.7, 0.9, 0.2, -0.4, 0.6] }, w: { dims: [3, 3], values: [0.1, 0.2, -0.3, 0.4, -0.5, 0.6, 0.7, 0.8, -0.9] } },
      build: (b, n) => {
        const h = b.add('Tanh', [b.add('MatMul', [n.x!, n.w!])[0]!])[0]!;
        return b.add('Add', [b.add('Mul', [h, n.x!])[0]!, n.x!])[0]!;
      },
    }));

  it('lets no gradient through stop-gradient values (the shift of a stable log-softmax)', () =>
    expectGradientsMatch({
      params: { z: { dims: [2, 4], values: [0.5, -1, 2, 0.1, 3, -0.2, 0.4, 1.1] } },
      stopGradient: ['shift'],
      build: (b, n) => {
        const [shift] = b.add('ReduceMax', [n.z!, b.initializer(int64Tensor('axes', [1], [1]))], { keepdims: 1 }, { outputs: ['shift'] });
        const shifted = b.add('Sub', [n.z!, shift!])[0]!;
        const logSum = b.add('Log', [b.add('ReduceSum', [b.add('Exp', [shifted])[0]!, 'axes'], { keepdims: 1 })[0]!])[0]!;
        return b.add('Sub', [shifted, logSum])[0]!;
      },
    }));

  const tiny = () => {
    const b = new GraphBuilder('tiny');
    const x = b.input('x', DataType.FLOAT, [2]);
    const w = b.input('w', DataType.FLOAT, [2]);
    const unused = b.input('unused', DataType.FLOAT, [2]);
    return { b, x, w, unused };
  };
  const shapes = new Map<string, number[]>([['x', [2]], ['w', [2]], ['unused', [2]]]);

  it('refuses an op without a rule, an unsupported op, a non-scalar loss and a parameter that does not reach the loss', () => {
    {
      const { b, x, w } = tiny();
      b.nodes.push(customNode('FancyOp', [x, w], ['y'], { name: 'fancy', domain: 'com.example' }));
      const loss = b.add('ReduceSum', ['y'], { keepdims: 0 })[0]!;
      const graph = b.build();
      const s = new Map([...shapes, ['y', [2]], [loss, []]]);
      expect(() => differentiate({ graph, loss, wrt: ['w'], shapes: s, builder: builderFrom(graph) })).toThrow("No gradient rule for FancyOp node 'fancy' (domain 'com.example').");
    }
    {
      const { b, w } = tiny();
      const y = b.add('LRN', [w], { size: 3 }, { name: 'norm1' })[0]!;
      const loss = b.add('ReduceSum', [y], { keepdims: 0 })[0]!;
      const graph = b.build();
      const s = new Map([...shapes, [y, [2]], [loss, []]]);
      expect(() => differentiate({ graph, loss, wrt: ['w'], shapes: s, builder: builderFrom(graph) })).toThrow(/LRN node 'norm1' cannot be differentiated: LRN is lowered to primitives/);
    }
    {
      const { b, x, w } = tiny();
      const y = b.add('Mul', [x, w])[0]!;
      const graph = b.build();
      const s = new Map([...shapes, [y, [2]]]);
      expect(() => differentiate({ graph, loss: y, wrt: ['w'], shapes: s, builder: builderFrom(graph) })).toThrow(`The loss '${y}' must be a scalar; its shape is [2].`);
    }
    {
      const { b, x, w, unused } = tiny();
      const loss = b.add('ReduceSum', [b.add('Mul', [x, w])[0]!], { keepdims: 0 })[0]!;
      const graph = b.build();
      const s = shapesOf(graph, { x: refTensor([2], [1, 2]), w: refTensor([2], [3, 4]), unused: refTensor([2], [0, 0]) });
      expect(() => differentiate({ graph, loss, wrt: ['w', unused], shapes: s, builder: builderFrom(graph) })).toThrow("'unused' does not affect the loss");
      expect(() => differentiate({ graph, loss, wrt: ['w'], shapes: new Map(), builder: builderFrom(graph) })).toThrow(/No static shape is known for/);
    }
  });
});
