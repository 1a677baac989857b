// Elementwise arithmetic and activations. Binary rules return output-shaped gradients; the walker sums broadcast
// axes down to each input's shape.
import { AutodiffError, onlyDy, type RuleEntry } from '../emitter';

const broadcasting = true;

export const elementwiseRules = {
  // dA = dY ; dB = dY
  Add: { broadcasting, rule: (c) => [c.needs[0] ? onlyDy(c) : null, c.needs[1] ? onlyDy(c) : null] },
  // dA = dY ; dB = −dY
  Sub: { broadcasting, rule: (c) => [c.needs[0] ? onlyDy(c) : null, c.needs[1] ? c.emit.neg(onlyDy(c)) : null] },
  // dA = dY·B ; dB = dY·A
  Mul: {
    broadcasting,
    rule: (c) => {
      const [a, b] = c.node.inputs as [string, string];
      return [c.needs[0] ? c.emit.mul(onlyDy(c), b) : null, c.needs[1] ? c.emit.mul(onlyDy(c), a) : null];
    },
  },
  // dA = dY / B ; dB = −dY·Y / B
  Div: {
    broadcasting,
    rule: (c) => {
      const [, b] = c.node.inputs as [string, string];
      const y = c.node.outputs[0]!;
      const dA = c.emit.div(onlyDy(c), b);
      return [c.needs[0] ? dA : null, c.needs[1] ? c.emit.neg(c.emit.mul(dA, y)) : null];
    },
  },
  // dX = −dY
  Neg: { rule: (c) => [c.emit.neg(onlyDy(c))] },
  // dX = dY·Y
  Exp: { rule: (c) => [c.emit.mul(onlyDy(c), c.node.outputs[0]!)] },
  // dX = dY / X
  Log: { rule: (c) => [c.emit.div(onlyDy(c), c.node.inputs[0]!)] },
  // dX = dY·0.5 / Y
  Sqrt: { rule: (c) => [c.emit.div(c.emit.mul(onlyDy(c), c.emit.float(0.5)), c.node.outputs[0]!)] },
  // dX = dY·sign(X), with sign(0) = 0
  Abs: {
    rule: (c) => {
      const x = c.node.inputs[0]!;
      const zero = c.emit.float(0);
      const sign = c.emit.sub(c.emit.mask(c.emit.op1('Greater', [x, zero])), c.emit.mask(c.emit.op1('Less', [x, zero])));
      return [c.emit.mul(onlyDy(c), sign)];
    },
  },
  // dX = dY·p·X^(p−1), for a constant scalar exponent p (a broadcast exponent does not compile on WebGPU)
  Pow: {
    broadcasting,
    rule: (c) => {
      const [x, exponent] = c.node.inputs as [string, string];
      const p = c.constant(exponent);
      if (!p || p.length !== 1) {
        throw new AutodiffError(`Pow node '${c.node.name}': only a constant scalar exponent can be differentiated; '${exponent}' is not one.`);
      }
      if (c.needs[1]) throw new AutodiffError(`Pow node '${c.node.name}': the exponent '${exponent}' cannot be trained.`);
      const power = p[0]!;
      const derivative = power === 2 ? c.emit.mul(x, c.emit.float(2)) : c.emit.mul(c.emit.op1('Pow', [x, c.emit.float(power - 1)]), c.emit.float(power));
      return [c.emit.mul(onlyDy(c), derivative), null];
    },
  },
  // dA = dY where A ≥ B (ties to A), dB = dY where B > A
  Max: {
    broadcasting,
    rule: (c) => {
      if (c.node.inputs.length !== 2) throw new AutodiffError(`Max node '${c.node.name}': only two inputs can be differentiated.`);
      const [a, b] = c.node.inputs as [string, string];
      const takeA = c.emit.mask(c.emit.op1('Not', [c.emit.op1('Less', [a, b])]));
      const dA = c.emit.mul(onlyDy(c), takeA);
      return [c.needs[0] ? dA : null, c.needs[1] ? c.emit.sub(onlyDy(c), dA) : null];
    },
  },
  // dA = dY where A ≤ B (ties to A), dB = dY where B < A
  Min: {
    broadcasting,
    rule: (c) => {
      if (c.node.inputs.length !== 2) throw new AutodiffError(`Min node '${c.node.name}': only two inputs can be differentiated.`);
      const [a, b] = c.node.inputs as [string, string];
      const takeA = c.emit.mask(c.emit.op1('Not', [c.emit.op1('Greater', [a, b])]));
      const dA = c.emit.mul(onlyDy(c), takeA);
      return [c.needs[0] ? dA : null, c.needs[1] ? c.emit.sub(onlyDy(c), dA) : null];
    },
  },
  // dA = Where(C, dY, 0) ; dB = Where(C, 0, dY)
  Where: {
    broadcasting,
    rule: (c) => {
      const [condition] = c.node.inputs as [string];
      const zero = c.emit.float(0);
      return [
        null,
        c.needs[1] ? c.emit.op1('Where', [condition, onlyDy(c), zero]) : null,
        c.needs[2] ? c.emit.op1('Where', [condition, zero, onlyDy(c)]) : null,
      ];
    },
  },
} satisfies Record<string, RuleEntry>;

export const activationRules = {
  // dX = Where(X > 0, dY, 0)
  Relu: {
    rule: (c) => {
      const zero = c.emit.float(0);
      return [c.emit.op1('Where', [c.emit.op1('Greater', [c.node.inputs[0]!, zero]), onlyDy(c), zero])];
    },
  },
  // dX = Where(X > 0, dY, α·dY)
  LeakyRelu: {
    rule: (c) => {
      const alpha = c.attr('alpha', 0.01);
      const dy = onlyDy(c);
      const positive = c.emit.op1('Greater', [c.node.inputs[0]!, c.emit.float(0)]);
      return [c.emit.op1('Where', [positive, dy, c.emit.mul(dy, c.emit.float(alpha))])];
    },
  },
  // dX = dY·Y·(1 − Y)
  Sigmoid: {
    rule: (c) => {
      const y = c.node.outputs[0]!;
      return [c.emit.mul(onlyDy(c), c.emit.mul(y, c.emit.sub(c.emit.float(1), y)))];
    },
  },
  // dX = dY·(1 − Y²)
  Tanh: {
    rule: (c) => {
      const y = c.node.outputs[0]!;
      return [c.emit.mul(onlyDy(c), c.emit.sub(c.emit.float(1), c.emit.mul(y, y)))];
    },
  },
  // dX = dY where min < X < max (the inputs min and max are not trained)
  Clip: {
    rule: (c) => {
      const [x, min, max] = c.node.inputs as [string, string | undefined, string | undefined];
      if (c.needs[1] || c.needs[2]) throw new AutodiffError(`Clip node '${c.node.name}': its bounds cannot be trained.`);
      let inside: string | null = null;
      if (min) inside = c.emit.op1('Greater', [x, min]);
      if (max) {
        const below = c.emit.op1('Less', [x, max]);
        inside = inside ? c.emit.op1('And', [inside, below]) : below;
      }
      const dy = onlyDy(c);
      return [inside ? c.emit.op1('Where', [inside, dy, c.emit.float(0)]) : dy, null, null];
    },
  },
  // dX = Y·(dY − Σ_axis dY·Y)
  Softmax: {
    rule: (c) => {
      const y = c.node.outputs[0]!;
      const axis = c.attr('axis', -1);
      const dy = onlyDy(c);
      const dot = c.emit.reduceSum(c.emit.mul(dy, y), [axis], true);
      return [c.emit.mul(y, c.emit.sub(dy, dot))];
    },
  },
  // dX = dY − softmax(X)·Σ_axis dY, softmax(X) = exp(Y)
  LogSoftmax: {
    rule: (c) => {
      const y = c.node.outputs[0]!;
      const axis = c.attr('axis', -1);
      const dy = onlyDy(c);
      return [c.emit.sub(dy, c.emit.mul(c.emit.op1('Exp', [y]), c.emit.reduceSum(dy, [axis], true)))];
    },
  },
} satisfies Record<string, RuleEntry>;
