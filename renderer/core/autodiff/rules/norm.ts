// Inference-mode BatchNormalization (a frozen BN while fine-tuning). Training-mode BN is lowered to primitives.
import { AutodiffError, onlyDy, type RuleEntry } from '../emitter';

export const normRules = {
  // Y = γ·(X − μ)/√(σ² + ε) + β with μ, σ² fixed:
  // dX = dY·γ/√(σ² + ε) ; dγ = Σ dY·(X − μ)/√(σ² + ε) ; dβ = Σ dY   (sums over N, H, W)
  BatchNormalization: {
    rule: (c) => {
      if (c.attr('training_mode', 0)) throw new AutodiffError(`BatchNormalization node '${c.node.name}': training mode is lowered to primitives, not differentiated.`);
      if (c.needs[3] || c.needs[4]) throw new AutodiffError(`BatchNormalization node '${c.node.name}': running statistics are not trainable.`);
      const e = c.emit;
      const [x, scale, , mean, variance] = c.node.inputs as [string, string, string, string, string];
      const shape = c.shape(x);
      const perChannel = [1, shape[1]!, ...shape.slice(2).map(() => 1)];
      const axes = shape.map((_, i) => i).filter((i) => i !== 1);
      const dy = onlyDy(c);
      const invStd = e.reshape(e.div(e.float(1), e.op1('Sqrt', [e.add(variance, e.float(c.attr('epsilon', 1e-5)))])), perChannel);
      const dX = c.needs[0] ? e.mul(dy, e.mul(e.reshape(scale, perChannel), invStd)) : null;
      const dScale = c.needs[1] ? e.reduceSum(e.mul(dy, e.mul(e.sub(x, e.reshape(mean, perChannel)), invStd)), axes, false) : null;
      const dBias = c.needs[2] ? e.reduceSum(dy, axes, false) : null;
      return [dX, dScale, dBias, null, null];
    },
  },
} satisfies Record<string, RuleEntry>;
