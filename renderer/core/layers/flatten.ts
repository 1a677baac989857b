// Flatten: C×H×W → C·H·W features (torch.nn.Flatten with start_dim 1); a feature vector passes unchanged.
import { elementCount } from '../shape';
import { noAttrs, NO_PARAMS, ok, ONE_INPUT, type LayerDefinition } from './layer';

export type FlattenAttrs = Record<string, never>;

export const flatten: LayerDefinition<'Flatten', FlattenAttrs> = {
  kind: 'Flatten',
  palette: {
    category: 'reshape',
    description: 'Turns a C×H×W image tensor into one feature vector, so Dense layers can follow.',
    defaultAttrs: {},
  },
  arity: ONE_INPUT,
  normalise: noAttrs,
  outputShape: (site) => ok([elementCount(site.inputs[0]!.shape)]),
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: a reshape computes nothing.
  allMacs: () => 0,
  receptiveField: () => ({ kind: 'global' }),
  lower: (ctx, site) => ctx.op('Flatten', [site.values[0]!], { axis: 1 }, { final: true }),
};
