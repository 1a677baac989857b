// MaxPool2d: the maximum over each window, as torch.nn.MaxPool2d (stride defaults to the kernel).
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

export type MaxPool2dAttrs = PoolWindow;

export const maxPool2d: LayerDefinition<'MaxPool2d', MaxPool2dAttrs> = {
  kind: 'MaxPool2d',
  palette: {
    category: 'pooling',
    description: 'Keeps the largest value in each window: downsamples while keeping the strongest responses.',
    defaultAttrs: { kernel: 2, stride: 2 },
  },
  arity: ONE_INPUT,
  normalise(read) {
    const window = readPoolWindow(read, true);
    read.rejectUnknown();
    return window;
  },
  outputShape: (site) => poolOutputShape('MaxPool2d', site),
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: one operation (a comparison) per window element per output value.
  allMacs: (site, output) => elementCount(output) * site.attrs.kernel[0] * site.attrs.kernel[1],
  receptiveField: poolReceptiveField,
  lower: (ctx, site) => ctx.op('MaxPool', [site.values[0]!], { ...poolWindowOnnx(site.attrs), dilations: site.attrs.dilation }, { final: true }),
};
