// Dropout: zeroes each value with probability p while training (scaling the rest by 1/(1−p)); identity otherwise.
import { pointwiseRules, type LayerDefinition } from './layer';

export interface DropoutAttrs {
  p: number;
}

export const dropout: LayerDefinition<'Dropout', DropoutAttrs> = {
  kind: 'Dropout',
  palette: {
    category: 'regularisation',
    description: 'While training, zeroes each value with probability p; does nothing at inference.',
    defaultAttrs: { p: 0.5 },
  },
  normalise(read) {
    const attrs = { p: read.number('p', { min: 0, max: 1, fallback: 0.5 }) };
    read.rejectUnknown();
    return attrs;
  },
  // Count-every-layer rule: nothing at inference, which is what the counts describe.
  ...pointwiseRules<DropoutAttrs>(0),
  // Inverted dropout: at inference the identity; in training a mask of 0 or 1/(1 − p), drawn by the trainer.
  lower(ctx, site) {
    const x = site.values[0]!;
    if (ctx.mode === 'inference' || site.attrs.p === 0) return x;
    if (typeof ctx.batch !== 'number') throw new Error(`Dropout '${site.id}': training needs a fixed batch size.`);
    return ctx.op('Mul', [x, ctx.mask([ctx.batch, ...site.output], site.attrs.p)], {}, { final: true });
  },
};
