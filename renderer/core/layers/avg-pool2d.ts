// AvgPool2d: the mean over each window, as torch.nn.AvgPool2d (stride defaults to the kernel).
import { elementCount } from '../shape';
import {
  NO_PARAMS,
  ONE_INPUT,
  poolOutputShape,
  poolReceptiveField,
  poolWindowOnnx,
  readPoolWindow,
  type LayerDefinition,
  type PoolWindow,
} from './layer';

export interface AvgPool2dAttrs extends PoolWindow {
  /** Whether zero padding counts in the divisor (PyTorch's default, true). */
  countIncludePad: boolean;
}

export const avgPool2d: LayerDefinition<'AvgPool2d', AvgPool2dAttrs> = {
  kind: 'AvgPool2d',
  palette: {
    category: 'pooling',
    description: 'Averages each window: smooth downsampling (LeNet used it).',
    defaultAttrs: { kernel: 2, stride: 2 },
  },
  arity: ONE_INPUT,
  normalise(read) {
    const window = readPoolWindow(read, false);
    const attrs: AvgPool2dAttrs = { ...window, countIncludePad: read.boolean('countIncludePad', true) };
    read.rejectUnknown();
    return attrs;
  },
  outputShape: (site) => poolOutputShape('AvgPool2d', site),
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: one addition per window element per output value (the final division is not counted).
  allMacs: (site, output) => elementCount(output) * site.attrs.kernel[0] * site.attrs.kernel[1],
  receptiveField: poolReceptiveField,
  lower: (ctx, site) =>
    ctx.op('AveragePool', [site.values[0]!], { ...poolWindowOnnx(site.attrs), count_include_pad: site.attrs.countIncludePad ? 1 : 0 }, { final: true }),
};
