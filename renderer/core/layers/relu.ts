// ReLU: max(0, x).
import { noAttrs, pointwiseRules, type LayerDefinition } from './layer';

export type ReLUAttrs = Record<string, never>;

export const relu: LayerDefinition<'ReLU', ReLUAttrs> = {
  kind: 'ReLU',
  palette: { category: 'activation', description: 'max(0, x): the standard activation since AlexNet.', defaultAttrs: {} },
  normalise: noAttrs,
  // Count-every-layer rule: one operation per value.
  ...pointwiseRules<ReLUAttrs>(1),
  lower: (ctx, site) => ctx.op('Relu', [site.values[0]!], {}, { final: true }),
};
