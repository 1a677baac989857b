// Optimiser updates emitted as ONNX nodes, with PyTorch's semantics (torch.optim.SGD, Adam, AdamW). Everything
// that changes from step to step (the learning rate, Adam's bias corrections) is a scalar graph input, so one
// training-step graph serves every step and schedule.
import { floatTensor, type GraphBuilder } from '../onnx/builder';
import { DataType } from '../onnx/model';

export type OptimizerKind = 'sgd' | 'adam' | 'adamw';

export interface OptimizerConfig {
  kind: OptimizerKind;
  /** SGD momentum μ (0 = plain SGD). */
  momentum?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (SGD, Adam) or decoupled decay (AdamW). */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class OptimizerError extends Error {
  readonly code = 'optimizer';
  constructor(message: string) {
    super(message);
    this.name = 'OptimizerError';
  }
}

/** Defaults as PyTorch's, except AdamW's decay 0.01 (also PyTorch's). */
export function resolveOptimizer(config: OptimizerConfig): Required<OptimizerConfig> {
  const resolved: Required<OptimizerConfig> = {
    kind: config.kind,
    momentum: config.momentum ?? 0,
    nesterov: config.nesterov ?? false,
    weightDecay: config.weightDecay ?? (config.kind === 'adamw' ? 0.01 : 0),
    beta1: config.beta1 ?? 0.9,
    beta2: config.beta2 ?? 0.999,
    epsilon: config.epsilon ?? 1e-8,
  };
  const check = (name: string, value: number, ok: boolean, range: string) => {
    if (!ok || !Number.isFinite(value)) throw new OptimizerError(`The optimiser's ${name} must be ${range}; got ${value}.`);
  };
  check('momentum', resolved.momentum, resolved.momentum >= 0 && resolved.momentum < 1, 'in [0, 1)');
  check('weight decay', resolved.weightDecay, resolved.weightDecay >= 0, '0 or more');
  check('beta1', resolved.beta1, resolved.beta1 >= 0 && resolved.beta1 < 1, 'in [0, 1)');
  check('beta2', resolved.beta2, resolved.beta2 >= 0 && resolved.beta2 < 1, 'in [0, 1)');
  check('epsilon', resolved.epsilon, resolved.epsilon > 0, 'positive');
  if (resolved.nesterov && resolved.momentum === 0) throw new OptimizerError('Nesterov momentum needs a momentum above 0.');
  return resolved;
}

export interface ParamSlot {
  /** The parameter's current value (a graph input). */
  value: string;
  /** Its gradient. */
  gradient: string;
  shape: readonly number[];
  /** Per-layer learning-rate multiplier (frozen parameters are left out by the caller). */
  lrMultiplier: number;
}

/** One optimiser-state tensor: fed in as `input`, produced as `output`, zeros before the first step. */
export interface StateSlot {
  param: string;
  input: string;
  output: string;
  shape: readonly number[];
}

export interface OptimizerValues {
  /** The updated value of each parameter. */
  updated: Map<string, string>;
  state: StateSlot[];
  /** Scalar inputs the trainer feeds every step, with how to compute them. */
  scalars: { learningRate: string; biasCorrection1?: string; biasCorrection2?: string };
}

/** Scalar inputs for step t (1-based) of an Adam-family optimiser: 1/(1 − β1ᵗ) and 1/(1 − β2ᵗ). */
export function adamBiasCorrections(config: Required<OptimizerConfig>, step: number): [number, number] {
  return [1 / (1 - config.beta1 ** step), 1 / (1 - config.beta2 ** step)];
}

export function emitOptimizer(b: GraphBuilder, configIn: OptimizerConfig, params: readonly ParamSlot[]): OptimizerValues {
  const config = resolveOptimizer(configIn);
  const constant = (value: number) => {
    const name = b.fresh('optimizer/const');
    b.initializers.push(floatTensor(name, [], [value]));
    return name;
  };
  const op = (...args: Parameters<GraphBuilder['add']>) => b.add(args[0], args[1], args[2], { name: b.fresh(`optimizer/${args[0]}`) })[0]!;
  const mul = (x: string, y: string) => op('Mul', [x, y]);
  const add = (x: string, y: string) => op('Add', [x, y]);
  const sub = (x: string, y: string) => op('Sub', [x, y]);

  const learningRate = b.input('optimizer.lr', DataType.FLOAT, []);
  const scalars: OptimizerValues['scalars'] = { learningRate };
  if (config.kind !== 'sgd') {
    scalars.biasCorrection1 = b.input('optimizer.bias_correction1', DataType.FLOAT, []);
    scalars.biasCorrection2 = b.input('optimizer.bias_correction2', DataType.FLOAT, []);
  }
  const updated = new Map<string, string>();
  const state: StateSlot[] = [];
  const stateInput = (param: ParamSlot, suffix: string) => {
    const input = b.input(`${param.value}.${suffix}`, DataType.FLOAT, [...param.shape]);
    return input;
  };

  for (const param of params) {
    const lr = param.lrMultiplier === 1 ? learningRate : mul(learningRate, constant(param.lrMultiplier));
    let g = param.gradient;
    if (config.kind === 'sgd') {
      // g ← g + λ·p ; buf ← μ·buf + g ; g ← nesterov ? g + μ·buf : buf ; p ← p − lr·g
      if (config.weightDecay > 0) g = add(g, mul(param.value, constant(config.weightDecay)));
      if (config.momentum > 0) {
        const buffer = stateInput(param, 'momentum');
        const next = add(mul(buffer, constant(config.momentum)), g);
        state.push({ param: param.value, input: buffer, output: next, shape: param.shape });
        g = config.nesterov ? add(g, mul(next, constant(config.momentum))) : next;
      }
      updated.set(param.value, sub(param.value, mul(g, lr)));
      continue;
    }
    // Adam: g ← g + λ·p ; AdamW: p ← p·(1 − lr·λ). Then m ← β1·m + (1 − β1)·g ; v ← β2·v + (1 − β2)·g² ;
    // p ← p − lr·(m·c1) / (√(v·c2) + ε) with c1 = 1/(1 − β1ᵗ), c2 = 1/(1 − β2ᵗ)
    let p = param.value;
    if (config.weightDecay > 0) {
      if (config.kind === 'adam') g = add(g, mul(p, constant(config.weightDecay)));
      else p = mul(p, sub(constant(1), mul(lr, constant(config.weightDecay))));
    }
    const m = stateInput(param, 'adam_m');
    const v = stateInput(param, 'adam_v');
    const nextM = add(mul(m, constant(config.beta1)), mul(g, constant(1 - config.beta1)));
    const nextV = add(mul(v, constant(config.beta2)), mul(mul(g, g), constant(1 - config.beta2)));
    state.push({ param: param.value, input: m, output: nextM, shape: param.shape }, { param: param.value, input: v, output: nextV, shape: param.shape });
    const denominator = add(op('Sqrt', [mul(nextV, scalars.biasCorrection2!)]), constant(config.epsilon));
    const step = op('Div', [mul(nextM, scalars.biasCorrection1!), denominator]);
    updated.set(param.value, sub(p, mul(step, lr)));
  }
  return { updated, state, scalars };
}
