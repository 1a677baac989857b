// Input: the image the model is fed, C×H×W (the batch dimension is implicit).
import { NO_PARAMS, ok, type LayerDefinition } from './layer';

export interface InputAttrs {
  channels: number;
  height: number;
  width: number;
}

export const input: LayerDefinition<'Input', InputAttrs> = {
  kind: 'Input',
  palette: {
    category: 'input',
    description: 'The image fed to the model: channels × height × width.',
    defaultAttrs: { channels: 3, height: 224, width: 224 },
  },
  arity: { min: 0, max: 0 },
  normalise(read) {
    const attrs = {
      channels: read.int('channels', { min: 1 }),
      height: read.int('height', { min: 1 }),
      width: read.int('width', { min: 1 }),
    };
    read.rejectUnknown();
    return attrs;
  },
  outputShape: (site) => ok([site.attrs.channels, site.attrs.height, site.attrs.width]),
  params: () => NO_PARAMS,
  macs: () => 0,
  allMacs: () => 0,
  receptiveField: () => ({ kind: 'source' }),
  // The graph input itself: the driver passes it in as the only value.
  lower: (_ctx, site) => site.values[0]!,
};
