// Sigmoid: 1 / (1 + e^−x).
import { noAttrs, pointwiseRules, type LayerDefinition } from './layer';

export type SigmoidAttrs = Record<string, never>;

export const sigmoid: LayerDefinition<'Sigmoid', SigmoidAttrs> = {
  kind: 'Sigmoid',
  palette: { category: 'activation', description: '1 / (1 + e^−x): squashes to (0, 1); LeNet used it.', defaultAttrs: {} },
  normalise: noAttrs,
  // Count-every-layer rule: one operation per value.
  ...pointwiseRules<SigmoidAttrs>(1),
  lower: (ctx, site) => ctx.op('Sigmoid', [site.values[0]!], {}, { final: true }),
};
