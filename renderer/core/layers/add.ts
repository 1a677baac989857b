// Add: the element-wise sum of two or more tensors of identical shape (a residual connection).
import { elementCount, formatShape, sameShape } from '../shape';
import { fail, noAttrs, NO_PARAMS, ok, type LayerDefinition } from './layer';

export type AddAttrs = Record<string, never>;

export const add: LayerDefinition<'Add', AddAttrs> = {
  kind: 'Add',
  palette: {
    category: 'merge',
    description: 'Adds its inputs element-wise (shapes must match): the skip connection of ResNet.',
    defaultAttrs: {},
  },
  arity: { min: 2, max: Infinity },
  normalise: noAttrs,
  outputShape(site) {
    const [first, ...rest] = site.inputs;
    const odd = rest.filter((input) => !sameShape(input.shape, first!.shape));
    if (odd.length === 0) return ok(first!.shape);
    const fed = site.inputs.map((input) => `${formatShape(input.shape)} from '${input.id}'`).join(', ');
    return fail({
      field: 'inputs',
      message:
        `Add '${site.id}' needs inputs of one shape, but it is fed ${fed}; ` +
        `make the branches agree (e.g. a 1×1 convolution with the right stride and channels on the shortcut).`,
    });
  },
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: n − 1 additions per output value for n inputs.
  allMacs: (site, output) => (site.inputs.length - 1) * elementCount(output),
  receptiveField: () => ({ kind: 'merge' }),
  lower(ctx, site) {
    let sum = site.values[0]!;
    site.values.slice(1).forEach((value, i) => {
      const last = i === site.values.length - 2;
      sum = ctx.op('Add', [sum, value], {}, last ? { final: true } : { suffix: `add${i}` });
    });
    return sum;
  },
};
