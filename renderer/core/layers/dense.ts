// Dense: a fully connected layer on a feature vector, as torch.nn.Linear.
import { formatShape } from '../shape';
import { fail, ok, ONE_INPUT, type LayerDefinition } from './layer';

export interface DenseAttrs {
  outFeatures: number;
  bias: boolean;
}

export const dense: LayerDefinition<'Dense', DenseAttrs> = {
  kind: 'Dense',
  palette: {
    category: 'dense',
    description: 'A fully connected layer: every output feature is a weighted sum of all input features.',
    defaultAttrs: { outFeatures: 10 },
  },
  arity: ONE_INPUT,
  normalise(read) {
    const attrs = { outFeatures: read.int('outFeatures', { min: 1 }), bias: read.boolean('bias', true) };
    read.rejectUnknown();
    return attrs;
  },
  outputShape(site) {
    const input = site.inputs[0]!;
    if (input.shape.length !== 1) {
      return fail({
        field: 'inputs',
        message:
          `Dense '${site.id}' is fed a ${input.shape.length + 1}-D tensor (N×${formatShape(input.shape)}) by '${input.id}', ` +
          `but it needs a feature vector; insert a Flatten (or a GlobalAvgPool and a Flatten) before it.`,
      });
    }
    return ok([site.attrs.outFeatures]);
  },
  params(site) {
    const inFeatures = site.inputs[0]!.shape[0]!;
    return { trainable: inFeatures * site.attrs.outFeatures + (site.attrs.bias ? site.attrs.outFeatures : 0), nonTrainable: 0 };
  },
  // Bias additions are not counted, as for convolutions.
  macs: (site) => site.inputs[0]!.shape[0]! * site.attrs.outFeatures,
  allMacs(site, output) {
    return this.macs(site, output);
  },
  receptiveField: () => ({ kind: 'global' }),
  lower(ctx, site) {
    const { outFeatures, bias } = site.attrs;
    const weight = ctx.param('weight', [outFeatures, site.inputs[0]!.shape[0]!]);
    const inputs = [site.values[0]!, weight, ...(bias ? [ctx.param('bias', [outFeatures])] : [])];
    return ctx.op('Gemm', inputs, { transB: 1 }, { final: true });
  },
};
