// BatchNorm: normalises each channel by batch statistics while training and by running statistics at inference,
// then scales and shifts (torch.nn.BatchNorm2d on C×H×W, BatchNorm1d on features).
import { elementCount } from '../shape';
import { fail, ok, ONE_INPUT, type LayerDefinition } from './layer';

export interface BatchNormAttrs {
  eps: number;
  momentum: number;
  affine: boolean;
}

export const batchNorm: LayerDefinition<'BatchNorm', BatchNormAttrs> = {
  kind: 'BatchNorm',
  palette: {
    category: 'normalisation',
    description: 'Normalises each channel over the batch, then learns a scale and shift; eases training of deep nets.',
    defaultAttrs: {},
  },
  arity: ONE_INPUT,
  normalise(read) {
    const attrs = {
      eps: read.number('eps', { min: 0, max: Infinity, minExclusive: true, fallback: 1e-5 }),
      momentum: read.number('momentum', { min: 0, max: 1, fallback: 0.1 }),
      affine: read.boolean('affine', true),
    };
    read.rejectUnknown();
    return attrs;
  },
  outputShape(site) {
    const input = site.inputs[0]!;
    if (input.shape.length !== 3 && input.shape.length !== 1) {
      return fail({ field: 'inputs', message: `BatchNorm '${site.id}' needs C×H×W or features, but '${input.id}' gives ${input.shape.join('×')}.` });
    }
    return ok(input.shape);
  },
  // γ and β per channel are learned (when affine); the running mean and variance are state, not trained.
  // PyTorch's num_batches_tracked counter is bookkeeping and not counted.
  params(site) {
    const channels = site.inputs[0]!.shape[0]!;
    return { trainable: site.attrs.affine ? 2 * channels : 0, nonTrainable: 2 * channels };
  },
  macs: () => 0,
  // Count-every-layer rule: at inference BatchNorm folds into one multiply-add per value.
  allMacs: (_site, output) => elementCount(output),
  receptiveField: () => ({ kind: 'pointwise' }),
  // Inference: BatchNormalization with the running statistics. Training: normalise with the batch's mean and
  // (biased) variance from primitives, and update the running statistics as PyTorch does, with the unbiased variance:
  //   running ← (1 − momentum)·running + momentum·batch statistic
  lower(ctx, site) {
    const { eps, momentum, affine } = site.attrs;
    const shape = site.inputs[0]!.shape;
    const channels = shape[0]!;
    const x = site.values[0]!;
    const scale = affine ? ctx.param('weight', [channels]) : ctx.float(new Array<number>(channels).fill(1), [channels]);
    const shift = affine ? ctx.param('bias', [channels]) : ctx.float(new Array<number>(channels).fill(0), [channels]);
    const runningMean = ctx.param('running_mean', [channels]);
    const runningVar = ctx.param('running_var', [channels]);
    if (ctx.mode === 'inference') {
      return ctx.op('BatchNormalization', [x, scale, shift, runningMean, runningVar], { epsilon: eps, momentum: 1 - momentum }, { final: true });
    }
    if (typeof ctx.batch !== 'number') throw new Error(`BatchNorm '${site.id}': training needs a fixed batch size.`);
    const axes = shape.length === 1 ? [0] : [0, 2, 3];
    const perChannel = [1, channels, ...shape.slice(1).map(() => 1)];
    const count = ctx.batch * shape.slice(1).reduce((a, b) => a * b, 1);
    if (count < 2) throw new Error(`BatchNorm '${site.id}' normalises over ${count} value per channel; use a batch of 2 or more.`);
    const mean = ctx.op('ReduceMean', [x, ctx.ints(axes)], { keepdims: 1 }, { suffix: 'mean' });
    const centred = ctx.op('Sub', [x, mean], {}, { suffix: 'centred' });
    const variance = ctx.op('ReduceMean', [ctx.op('Mul', [centred, centred], {}, { suffix: 'square' }), ctx.ints(axes)], { keepdims: 1 }, { suffix: 'var' });
    const invStd = ctx.op('Div', [ctx.float(1), ctx.op('Sqrt', [ctx.op('Add', [variance, ctx.float(eps)], {}, { suffix: 'var_eps' })], {}, { suffix: 'std' })], {}, { suffix: 'inv_std' });
    const normalised = ctx.op('Mul', [centred, invStd], {}, { suffix: 'normalised' });
    const scaled = ctx.op('Mul', [normalised, ctx.op('Reshape', [scale, ctx.ints(perChannel)], {}, { suffix: 'scale' })], {}, { suffix: 'scaled' });
    const y = ctx.op('Add', [scaled, ctx.op('Reshape', [shift, ctx.ints(perChannel)], {}, { suffix: 'shift' })], {}, { final: true });
    const keep = ctx.float(1 - momentum);
    const take = ctx.float(momentum);
    const flatMean = ctx.op('Reshape', [mean, ctx.ints([channels])], {}, { suffix: 'batch_mean' });
    const unbiased = ctx.op('Mul', [ctx.op('Reshape', [variance, ctx.ints([channels])], {}, { suffix: 'batch_var' }), ctx.float(count / (count - 1))], {}, { suffix: 'batch_var_unbiased' });
    const blend = (running: string, batch: string, name: string) =>
      ctx.op('Add', [ctx.op('Mul', [running, keep], {}, { suffix: `${name}_keep` }), ctx.op('Mul', [batch, take], {}, { suffix: `${name}_take` })], {}, { suffix: `${name}_next` });
    ctx.updateBuffer('running_mean', blend(runningMean, flatMean, 'running_mean'));
    ctx.updateBuffer('running_var', blend(runningVar, unbiased, 'running_var'));
    return y;
  },
};
