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
};
