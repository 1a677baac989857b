// Tanh: the hyperbolic tangent.
import { noAttrs, pointwiseRules, type LayerDefinition } from './layer';

export type TanhAttrs = Record<string, never>;

export const tanh: LayerDefinition<'Tanh', TanhAttrs> = {
  kind: 'Tanh',
  palette: { category: 'activation', description: 'tanh(x): squashes to (−1, 1), centred on zero.', defaultAttrs: {} },
  normalise: noAttrs,
  // Count-every-layer rule: one operation per value.
  ...pointwiseRules<TanhAttrs>(1),
  lower: (ctx, site) => ctx.op('Tanh', [site.values[0]!], {}, { final: true }),
};
