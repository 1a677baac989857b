// VGG block: `convs` 3×3 convolutions (padding 1, so the size is kept), each followed by [BatchNorm and] ReLU,
// then a 2×2 max pooling with stride 2 that halves height and width.
// Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015
// (arXiv:1409.1556), Table 1; torchvision/models/vgg.py `make_layers` (its -bn variants keep the conv bias and
// use PyTorch's BatchNorm defaults); d2l.ai §8.2 `vgg_block`.
import type { LayerNode } from '../ir';
import type { BlockDefinition } from './block';
import { batchNorm, conv, maxPool, relu } from './layers';

export interface VggBlockParams {
  convs: number;
  channels: number;
  batchNorm: boolean;
}

export const vggBlock: BlockDefinition<'VGG', VggBlockParams> = {
  type: 'VGG',
  title: 'VGG block',
  description: 'n 3×3 convolutions with ReLU (optionally BatchNorm), then 2×2 max pooling.',
  paper: 'Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition, ICLR 2015',
  reference: 'torchvision/models/vgg.py (make_layers); d2l.ai §8.2 (vgg_block)',
  inputs: 1,
  params: {
    convs: { type: 'int', default: 2, min: 1, description: 'Number of 3×3 convolutions.' },
    channels: { type: 'int', default: 64, min: 1, description: 'Output channels of every convolution.' },
    batchNorm: { type: 'boolean', default: false, description: 'BatchNorm after each convolution (torchvision vgg*_bn).' },
  },
  expand({ convs, channels, batchNorm: withBatchNorm }) {
    const nodes: LayerNode[] = [];
    let previous = '$in0';
    for (let i = 1; i <= convs; i++) {
      nodes.push(conv(`conv${i}`, previous, channels, 3, { padding: 1 }));
      previous = `conv${i}`;
      if (withBatchNorm) {
        nodes.push(batchNorm(`bn${i}`, previous));
        previous = `bn${i}`;
      }
      nodes.push(relu(`relu${i}`, previous));
      previous = `relu${i}`;
    }
    nodes.push(maxPool('pool', previous, 2, { stride: 2 }));
    return { nodes, output: 'pool' };
  },
};
