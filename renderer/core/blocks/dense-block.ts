// DenseNet dense block: `layers` layers, each seeing the concatenation of the block input and every earlier
// layer's output and adding `growth` (k) channels, so the block outputs in + layers·k channels.
// A layer is BN → ReLU → Conv1×1(bnSize·k) → BN → ReLU → Conv3×3(k) ("DenseNet-B"); bnSize 0 drops the
// bottleneck (BN → ReLU → Conv3×3(k)). Convolutions have no bias (each is followed by a BatchNorm's shift or
// feeds one through the concatenation).
// Huang, Liu, van der Maaten & Weinberger, "Densely Connected Convolutional Networks", CVPR 2017
// (arXiv:1608.06993), §3; torchvision/models/densenet.py `_DenseBlock`/`_DenseLayer` (names follow it: the
// concatenation a layer reads is 'denselayer<i>.concat', where torchvision's _DenseLayer calls torch.cat).
import type { LayerNode } from '../ir';
import type { BlockDefinition } from './block';
import { batchNorm, concat, conv, relu } from './layers';

export interface DenseBlockParams {
  layers: number;
  growth: number;
  bnSize: number;
}

export const denseBlock: BlockDefinition<'DenseBlock', DenseBlockParams> = {
  type: 'DenseBlock',
  title: 'Dense block',
  description: 'n layers, each adding k channels computed from the concatenation of everything before it.',
  paper: 'Huang et al., Densely Connected Convolutional Networks, CVPR 2017',
  reference: 'torchvision/models/densenet.py (_DenseBlock, _DenseLayer)',
  inputs: 1,
  params: {
    layers: { type: 'int', default: 6, min: 1, description: 'Number of layers in the block.' },
    growth: { type: 'int', default: 32, min: 1, description: 'Growth rate k: channels each layer adds.' },
    bnSize: { type: 'int', default: 4, min: 0, description: 'Bottleneck width as a multiple of k (0: no 1×1 bottleneck).' },
  },
  expand({ layers, growth, bnSize }) {
    const nodes: LayerNode[] = [];
    // `features` is the concatenation of the block input and all layer outputs so far.
    let features = '$in0';
    for (let i = 1; i <= layers; i++) {
      const name = `denselayer${i}`;
      nodes.push(batchNorm(`${name}.norm1`, features), relu(`${name}.relu1`, `${name}.norm1`));
      if (bnSize > 0) {
        nodes.push(
          conv(`${name}.conv1`, `${name}.relu1`, bnSize * growth, 1, { bias: false }),
          batchNorm(`${name}.norm2`, `${name}.conv1`),
          relu(`${name}.relu2`, `${name}.norm2`),
          conv(`${name}.conv2`, `${name}.relu2`, growth, 3, { padding: 1, bias: false }),
        );
      } else {
        nodes.push(conv(`${name}.conv1`, `${name}.relu1`, growth, 3, { padding: 1, bias: false }));
      }
      const newFeatures = bnSize > 0 ? `${name}.conv2` : `${name}.conv1`;
      const joined = i === layers ? 'concat' : `denselayer${i + 1}.concat`;
      nodes.push(concat(joined, [features, newFeatures]));
      features = joined;
    }
    return { nodes, output: 'concat' };
  },
};
