// Softmax over the channel/feature axis (axis 1 with the batch): e^x / Σ e^x.
import { noAttrs, pointwiseRules, type LayerDefinition } from './layer';

export type SoftmaxAttrs = Record<string, never>;

export const softmax: LayerDefinition<'Softmax', SoftmaxAttrs> = {
  kind: 'Softmax',
  palette: {
    category: 'activation',
    description: 'Turns scores into probabilities over the channels/classes (training adds it inside the loss).',
    defaultAttrs: {},
  },
  normalise: noAttrs,
  // Count-every-layer rule: per value, one exponential-and-accumulate and one division.
  ...pointwiseRules<SoftmaxAttrs>(2),
  lower: (ctx, site) => ctx.op('Softmax', [site.values[0]!], { axis: 1 }, { final: true }),
};
