import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../renderer/core/onnx/builder';
import { DataType } from '../../../renderer/core/onnx/model';
import { refTensor, runGraph } from '../../../renderer/core/onnx/reference';
import { adamBiasCorrections, emitOptimizer, resolveOptimizer, type OptimizerConfig } from '../../../renderer/core/training/optimizers';
import { OPSET } from '../autodiff/gradcheck';

const shape = [2, 2];
const start = [0.5, -1, 2, 0.25];
const gradients = [
  [0.1, -0.2, 0.3, 0.05],
  [-0.4, 0.1, 0.2, 0.0],
  [0.3, 0.3, -0.1, 0.7],
];

/** PyTorch's update loops (torch/optim/sgd.py, adam.py, adamw.py), element by element. */
function torchSteps(config: Required<OptimizerConfig>, lr: number, multiplier: number): number[] {
  const p = [...start];
  const buf = [0, 0, 0, 0];
  const m = [0, 0, 0, 0];
  const v = [0, 0, 0, 0];
  gradients.forEach((grad, stepIndex) => {
    const t = stepIndex + 1;
    const rate = lr * multiplier;
    for (let i = 0; i < 4; i++) {
      let g = grad[i]!;
      if (config.kind === 'sgd') {
        if (config.weightDecay) g += config.weightDecay * p[i]!;
        if (config.momentum) {
          buf[i] = t === 1 ? g : config.momentum * buf[i]! + g;
          g = config.nesterov ? g + config.momentum * buf[i]! : buf[i]!;
        }
        p[i]! -= rate * g;
      } else {
        if (config.kind === 'adamw') p[i]! *= 1 - rate * config.weightDecay;
        else if (config.weightDecay) g += config.weightDecay * p[i]!;
        m[i] = config.beta1 * m[i]! + (1 - config.beta1) * g;
        v[i] = config.beta2 * v[i]! + (1 - config.beta2) * g * g;
        const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - config.beta2 ** t) + config.epsilon;
        p[i]! -= (rate / (1 - config.beta1 ** t)) * (m[i]! / denom);
      }
    }
  });
  return p;
}

function graphSteps(configIn: OptimizerConfig, lr: number, multiplier: number): number[] {
  const config = resolveOptimizer(configIn);
  const b = new GraphBuilder('opt');
  const value = b.input('w', DataType.FLOAT, shape);
  const gradient = b.input('w_grad', DataType.FLOAT, shape);
  const out = emitOptimizer(b, config, [{ value, gradient, shape, lrMultiplier: multiplier }]);
  const graph = b.build();
  let w = [...start];
  const state = new Map(out.state.map((s) => [s.input, [0, 0, 0, 0]]));
  gradients.forEach((grad, stepIndex) => {
    const feeds: Record<string, ReturnType<typeof refTensor>> = {
      w: refTensor(shape, w),
      w_grad: refTensor(shape, grad),
      [out.scalars.learningRate]: refTensor([], [lr]),
    };
    if (out.scalars.biasCorrection1) {
      const [c1, c2] = adamBiasCorrections(config, stepIndex + 1);
      feeds[out.scalars.biasCorrection1] = refTensor([], [c1]);
      feeds[out.scalars.biasCorrection2!] = refTensor([], [c2]);
    }
    for (const [name, values] of state) feeds[name] = refTensor(shape, values);
    const result = runGraph(graph, OPSET, feeds, [out.updated.get('w')!, ...out.state.map((s) => s.output)]);
    w = Array.from(result[out.updated.get('w')!]!.data);
    for (const s of out.state) state.set(s.input, Array.from(result[s.output]!.data));
  });
  return w;
}

describe('optimisers, three steps against PyTorch update rules', () => {
  const cases: Array<[string, OptimizerConfig, number]> = [
    ['plain SGD', { kind: 'sgd' }, 1],
    ['SGD, momentum 0.9 and weight decay 5e-4 (AlexNet)', { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, 1],
    ['SGD, Nesterov', { kind: 'sgd', momentum: 0.9, nesterov: true }, 1],
    ['SGD with a per-layer learning-rate multiplier of 0.1', { kind: 'sgd', momentum: 0.9 }, 0.1],
    ['Adam', { kind: 'adam' }, 1],
    ['Adam with L2 weight decay', { kind: 'adam', weightDecay: 1e-2 }, 1],
    ['AdamW (decoupled decay)', { kind: 'adamw', weightDecay: 0.05 }, 1],
  ];
  for (const [name, config, multiplier] of cases) {
    it(name, () => {
      const lr = config.kind === 'sgd' ? 0.1 : 0.01;
      const expected = torchSteps(resolveOptimizer(config), lr, multiplier);
      // The graph's constants (μ, β, λ) are float32, the loop's float64: agreement to ~1e-8, so 6 digits.
      expect(graphSteps(config, lr, multiplier)).toEqual(expected.map((v) => expect.closeTo(v, 6)));
      expect(expected).not.toEqual(start);
    });
  }

  it('rejects impossible settings with a sentence naming them', () => {
    expect(() => resolveOptimizer({ kind: 'sgd', momentum: 1.5 })).toThrow("The optimiser's momentum must be in [0, 1); got 1.5.");
    expect(() => resolveOptimizer({ kind: 'sgd', nesterov: true })).toThrow('Nesterov momentum needs a momentum above 0.');
    expect(() => resolveOptimizer({ kind: 'adam', epsilon: 0 })).toThrow("The optimiser's epsilon must be positive; got 0.");
    expect(() => resolveOptimizer({ kind: 'adamw', weightDecay: Number.NaN })).toThrow(/weight decay must be 0 or more/);
  });
});
