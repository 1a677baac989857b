// Residual basic block: two 3×3 convolutions with BatchNorm, ReLU between them, the block input added back
// (through a 1×1 convolution + BatchNorm "projection" when the shape changes), then ReLU.
//   out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),  shortcut = x or bn(conv1×1,stride(x))
// He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016 (arXiv:1512.03385), Fig. 2
// and option (B) of §3.3; torchvision/models/resnet.py `BasicBlock` (names follow it; convs have no bias).
import type { LayerNode } from '../ir';
import type { BlockDefinition, BlockProblem } from './block';
import { add, batchNorm, conv, relu } from './layers';

export interface ResidualBasicParams {
  channels: number;
  stride: number;
  projection: boolean;
}

/** A strided main path cannot be added to an unstrided identity shortcut. */
export function strideNeedsProjection(type: string, stride: number, projection: boolean): BlockProblem[] {
  if (stride === 1 || projection) return [];
  return [
    {
      param: 'projection',
      message: `${type} block with stride ${stride} shrinks its main path, so its shortcut must shrink too; set projection: true (a strided 1×1 convolution).`,
    },
  ];
}

export const residualBasicBlock: BlockDefinition<'ResidualBasic', ResidualBasicParams> = {
  type: 'ResidualBasic',
  title: 'Residual block (basic)',
  description: 'Two 3×3 conv-BN layers plus a shortcut (identity or 1×1 projection), then ReLU.',
  paper: 'He et al., Deep Residual Learning for Image Recognition, CVPR 2016',
  reference: 'torchvision/models/resnet.py (BasicBlock)',
  inputs: 1,
  params: {
    channels: { type: 'int', default: 64, min: 1, description: 'Output channels of both convolutions.' },
    stride: { type: 'int', default: 1, min: 1, description: 'Stride of the first 3×3 convolution (and of the projection).' },
    projection: { type: 'boolean', default: false, description: 'Use a 1×1 convolution + BatchNorm shortcut (needed when the shape changes).' },
  },
  check: ({ stride, projection }) => strideNeedsProjection('ResidualBasic', stride, projection),
  expand({ channels, stride, projection }) {
    const nodes: LayerNode[] = [
      conv('conv1', '$in0', channels, 3, { stride, padding: 1, bias: false }),
      batchNorm('bn1', 'conv1'),
      relu('relu1', 'bn1'),
      conv('conv2', 'relu1', channels, 3, { padding: 1, bias: false }),
      batchNorm('bn2', 'conv2'),
    ];
    let shortcut = '$in0';
    if (projection) {
      nodes.push(conv('downsample.0', '$in0', channels, 1, { stride, bias: false }), batchNorm('downsample.1', 'downsample.0'));
      shortcut = 'downsample.1';
    }
    nodes.push(add('add', ['bn2', shortcut]), relu('relu', 'add'));
    return { nodes, output: 'relu' };
  },
};
