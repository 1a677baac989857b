// Concat: joins two or more tensors along the channel (or feature) axis; every other axis must match.
import { formatShape, formatSpatial } from '../shape';
import { fail, noAttrs, NO_PARAMS, ok, type LayerDefinition } from './layer';

export type ConcatAttrs = Record<string, never>;

export const concat: LayerDefinition<'Concat', ConcatAttrs> = {
  kind: 'Concat',
  palette: {
    category: 'merge',
    description: 'Stacks its inputs along the channels (heights and widths must match): Inception and DenseNet joins.',
    defaultAttrs: {},
  },
  arity: { min: 2, max: Infinity },
  normalise: noAttrs,
  outputShape(site) {
    const first = site.inputs[0]!;
    const fed = (describe: (shape: readonly number[]) => string) =>
      site.inputs.map((input) => `${describe(input.shape)} from '${input.id}'`).join(', ');
    if (site.inputs.some((input) => input.shape.length !== first.shape.length)) {
      return fail({
        field: 'inputs',
        message: `Concat '${site.id}' cannot join tensors of different ranks: it is fed ${fed(formatShape)}; flatten all of them or none.`,
      });
    }
    if (first.shape.length === 3) {
      const mismatched = site.inputs.some((input) => input.shape[1] !== first.shape[1] || input.shape[2] !== first.shape[2]);
      if (mismatched) {
        return fail({
          field: 'inputs',
          message:
            `Concat '${site.id}' needs the same height×width on every input, but it is fed ${fed(formatSpatial)}; ` +
            `change a stride, padding or kernel upstream so the branches agree.`,
        });
      }
    }
    const channels = site.inputs.reduce((total, input) => total + input.shape[0]!, 0);
    return ok([channels, ...first.shape.slice(1)]);
  },
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: copying computes nothing.
  allMacs: () => 0,
  receptiveField: () => ({ kind: 'merge' }),
  lower: (ctx, site) => ctx.op('Concat', site.values, { axis: 1 }, { final: true }),
};
