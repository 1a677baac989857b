// DenseNet transition layer between dense blocks: BatchNorm → ReLU → 1×1 convolution (no bias; usually halving
// the channels, the paper's compression θ = 0.5) → 2×2 average pooling with stride 2.
// Huang, Liu, van der Maaten & Weinberger, "Densely Connected Convolutional Networks", CVPR 2017
// (arXiv:1608.06993), §3 "Transition layers"; torchvision/models/densenet.py `_Transition` (names follow it).
import type { BlockDefinition } from './block';
import { avgPool, batchNorm, conv, relu } from './layers';

export interface TransitionParams {
  channels: number;
}

export const transitionBlock: BlockDefinition<'Transition', TransitionParams> = {
  type: 'Transition',
  title: 'DenseNet transition',
  description: 'BatchNorm, ReLU, 1×1 convolution and 2×2 average pooling between dense blocks.',
  paper: 'Huang et al., Densely Connected Convolutional Networks, CVPR 2017',
  reference: 'torchvision/models/densenet.py (_Transition)',
  inputs: 1,
  params: {
    channels: { type: 'int', default: 128, min: 1, description: 'Output channels of the 1×1 convolution (torchvision: half its input).' },
  },
  expand({ channels }) {
    return {
      nodes: [
        batchNorm('norm', '$in0'),
        relu('relu', 'norm'),
        conv('conv', 'relu', channels, 1, { bias: false }),
        avgPool('pool', 'conv', 2, { stride: 2 }),
      ],
      output: 'pool',
    };
  },
};
