// GlobalAvgPool: the mean of each channel over all positions, C×H×W → C×1×1 (ONNX GlobalAveragePool).
import { elementCount } from '../shape';
import { fail, needsImage, noAttrs, NO_PARAMS, ok, ONE_INPUT, type LayerDefinition } from './layer';

export type GlobalAvgPoolAttrs = Record<string, never>;

export const globalAvgPool: LayerDefinition<'GlobalAvgPool', GlobalAvgPoolAttrs> = {
  kind: 'GlobalAvgPool',
  palette: {
    category: 'pooling',
    description: 'Averages each channel over the whole image (C×H×W → C×1×1), as NiN, GoogLeNet and ResNet do before the classifier.',
    defaultAttrs: {},
  },
  arity: ONE_INPUT,
  normalise: noAttrs,
  outputShape(site) {
    const input = site.inputs[0]!;
    if (input.shape.length !== 3) return fail(needsImage('GlobalAvgPool', site));
    return ok([input.shape[0]!, 1, 1]);
  },
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: one addition per input value.
  allMacs: (site) => elementCount(site.inputs[0]!.shape),
  receptiveField: () => ({ kind: 'global' }),
  lower: (ctx, site) => ctx.op('GlobalAveragePool', [site.values[0]!], {}, { final: true }),
};
