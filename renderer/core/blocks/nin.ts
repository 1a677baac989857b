// NiN block: one k×k convolution followed by two 1×1 convolutions (the "micro network" acting as a per-pixel
// MLP), each followed by ReLU.
// Lin, Chen & Yan, "Network In Network", ICLR 2014 (arXiv:1312.4400), §3.2; d2l.ai §8.3 `nin_block`.
import type { BlockDefinition } from './block';
import { conv, relu } from './layers';

export interface NinBlockParams {
  channels: number;
  kernel: number;
  stride: number;
  padding: number;
}

export const ninBlock: BlockDefinition<'NiN', NinBlockParams> = {
  type: 'NiN',
  title: 'NiN block',
  description: 'A k×k convolution and two 1×1 convolutions, each with ReLU: a per-pixel MLP.',
  paper: 'Lin, Chen & Yan, Network In Network, ICLR 2014',
  reference: 'd2l.ai §8.3 (nin_block)',
  inputs: 1,
  params: {
    channels: { type: 'int', default: 96, min: 1, description: 'Output channels of all three convolutions.' },
    kernel: { type: 'int', default: 11, min: 1, description: 'Kernel size of the first convolution.' },
    stride: { type: 'int', default: 4, min: 1, description: 'Stride of the first convolution.' },
    padding: { type: 'int', default: 0, min: 0, description: 'Padding of the first convolution.' },
  },
  expand({ channels, kernel, stride, padding }) {
    return {
      nodes: [
        conv('conv1', '$in0', channels, kernel, { stride, padding }),
        relu('relu1', 'conv1'),
        conv('conv2', 'relu1', channels, 1),
        relu('relu2', 'conv2'),
        conv('conv3', 'relu2', channels, 1),
        relu('relu3', 'conv3'),
      ],
      output: 'relu3',
    };
  },
};
