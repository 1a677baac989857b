// LeakyReLU: x for x ≥ 0, negativeSlope·x otherwise (torch.nn.LeakyReLU, slope 0.01 by default).
import { pointwiseRules, type LayerDefinition } from './layer';

export interface LeakyReLUAttrs {
  negativeSlope: number;
}

export const leakyRelu: LayerDefinition<'LeakyReLU', LeakyReLUAttrs> = {
  kind: 'LeakyReLU',
  palette: {
    category: 'activation',
    description: 'Like ReLU but lets a small slope through for negative inputs, so units never go fully dead.',
    defaultAttrs: { negativeSlope: 0.01 },
  },
  normalise(read) {
    const attrs = { negativeSlope: read.number('negativeSlope', { min: -Infinity, max: Infinity, fallback: 0.01 }) };
    read.rejectUnknown();
    return attrs;
  },
  // Count-every-layer rule: one operation per value.
  ...pointwiseRules<LeakyReLUAttrs>(1),
  lower: (ctx, site) => ctx.op('LeakyRelu', [site.values[0]!], { alpha: site.attrs.negativeSlope }, { final: true }),
};
