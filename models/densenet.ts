// DenseNet-121 as torchvision builds it: growth rate 32, blocks of (6, 12, 24, 16) layers, bottleneck 4·k,
// compression 0.5 in the transitions.
// Huang, Liu, van der Maaten & Weinberger, "Densely Connected Convolutional Networks", CVPR 2017
// (arXiv:1608.06993), Table 1; torchvision/models/densenet.py (densenet121): conv0 7×7/2 p3 (64, no bias) norm0
// relu0 pool0 3/2 p1, denseblock1 transition1 … denseblock4, norm5, ReLU, AdaptiveAvgPool(1), classifier.
// (torchvision nests these under `features.`; here they are top-level nodes so the editor shows them directly.)
import type { GraphNode } from '../renderer/core/ir';
import { block } from '../renderer/core/blocks/index';
import { adaptiveAvgPool, batchNorm, conv, dense, flatten, input, maxPool, relu } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

const GROWTH = 32;
const BLOCK_LAYERS = [6, 12, 24, 16];
const INITIAL_FEATURES = 64;

export const densenet121 = zooEntry(
  {
    id: 'densenet121',
    title: 'DenseNet-121 (torchvision)',
    source: 'Huang et al., Densely Connected Convolutional Networks, CVPR 2017; torchvision/models/densenet.py (densenet121)',
    defaultInput: [3, 224, 224],
    defaultClasses: 1000,
  },
  ([channels, height, width], classes): GraphNode[] => {
    const nodes: GraphNode[] = [
      input('input', channels, height, width),
      conv('conv0', 'input', INITIAL_FEATURES, 7, { stride: 2, padding: 3, bias: false }),
      batchNorm('norm0', 'conv0'),
      relu('relu0', 'norm0'),
      maxPool('pool0', 'relu0', 3, { stride: 2, padding: 1 }),
    ];
    let previous = 'pool0';
    let features = INITIAL_FEATURES;
    BLOCK_LAYERS.forEach((layers, index) => {
      const id = `denseblock${index + 1}`;
      nodes.push(block('DenseBlock', id, [previous], { layers, growth: GROWTH, bnSize: 4 }));
      previous = id;
      features += layers * GROWTH;
      if (index < BLOCK_LAYERS.length - 1) {
        features = Math.floor(features / 2);
        const transition = `transition${index + 1}`;
        nodes.push(block('Transition', transition, [previous], { channels: features }));
        previous = transition;
      }
    });
    nodes.push(
      batchNorm('norm5', previous),
      relu('relu5', 'norm5'),
      adaptiveAvgPool('avgpool', 'relu5', 1),
      flatten('flatten', 'avgpool'),
      dense('classifier', 'flatten', classes),
    );
    return nodes;
  },
);
