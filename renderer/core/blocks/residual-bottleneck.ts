// Residual bottleneck block: 1×1 (reduce to `width`) → 3×3 (`width`) → 1×1 (expand to width·expansion), each
// conv followed by BatchNorm, ReLU after the first two; the shortcut (identity or 1×1 projection + BatchNorm)
// is added before the last ReLU.
// He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016 (arXiv:1512.03385), Fig. 5.
// The paper strides the first 1×1 convolution ("ResNet v1"); torchvision/models/resnet.py `Bottleneck` strides
// the 3×3 instead ("ResNet v1.5", better accuracy, same parameter count). `strideOn` picks; names follow torchvision.
import type { LayerNode } from '../ir';
import type { BlockDefinition } from './block';
import { add, batchNorm, conv, relu } from './layers';
import { strideNeedsProjection } from './residual-basic';

export interface ResidualBottleneckParams {
  width: number;
  expansion: number;
  stride: number;
  projection: boolean;
  strideOn: '3x3' | '1x1';
}

export const residualBottleneckBlock: BlockDefinition<'ResidualBottleneck', ResidualBottleneckParams> = {
  type: 'ResidualBottleneck',
  title: 'Residual block (bottleneck)',
  description: '1×1 reduce, 3×3, 1×1 expand (each with BN) plus a shortcut, then ReLU.',
  paper: 'He et al., Deep Residual Learning for Image Recognition, CVPR 2016',
  reference: 'torchvision/models/resnet.py (Bottleneck, ResNet v1.5)',
  inputs: 1,
  params: {
    width: { type: 'int', default: 64, min: 1, description: 'Channels of the 1×1 reduction and the 3×3 convolution.' },
    expansion: { type: 'int', default: 4, min: 1, description: 'Output channels = width × expansion.' },
    stride: { type: 'int', default: 1, min: 1, description: 'Stride of the block (and of the projection).' },
    // On by default: the block's output (width × expansion) rarely equals its input, so a freshly added block
    // needs the projection; the blocks after the first in a stage turn it off.
    projection: { type: 'boolean', default: true, description: 'Use a 1×1 convolution + BatchNorm shortcut (needed when the shape changes).' },
    strideOn: { type: 'choice', default: '3x3', choices: ['3x3', '1x1'], description: "Which convolution strides: '3x3' (torchvision, v1.5) or '1x1' (the paper, v1)." },
  },
  check: ({ stride, projection }) => strideNeedsProjection('ResidualBottleneck', stride, projection),
  expand({ width, expansion, stride, projection, strideOn }) {
    const outChannels = width * expansion;
    const nodes: LayerNode[] = [
      conv('conv1', '$in0', width, 1, { stride: strideOn === '1x1' ? stride : 1, bias: false }),
      batchNorm('bn1', 'conv1'),
      relu('relu1', 'bn1'),
      conv('conv2', 'relu1', width, 3, { stride: strideOn === '3x3' ? stride : 1, padding: 1, bias: false }),
      batchNorm('bn2', 'conv2'),
      relu('relu2', 'bn2'),
      conv('conv3', 'relu2', outChannels, 1, { bias: false }),
      batchNorm('bn3', 'conv3'),
    ];
    let shortcut = '$in0';
    if (projection) {
      nodes.push(conv('downsample.0', '$in0', outChannels, 1, { stride, bias: false }), batchNorm('downsample.1', 'downsample.0'));
      shortcut = 'downsample.1';
    }
    nodes.push(add('add', ['bn3', shortcut]), relu('relu', 'add'));
    return { nodes, output: 'relu' };
  },
};
