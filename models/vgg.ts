// VGG-11 (configuration A) and VGG-16 (configuration D), with and without BatchNorm, as torchvision builds them.
// Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015
// (arXiv:1409.1556), Table 1; torchvision/models/vgg.py (cfgs "A" and "D", make_layers, VGG): five VGG blocks,
// AdaptiveAvgPool2d((7, 7)), then Linear(512·7·7, 4096) ReLU Dropout Linear(4096, 4096) ReLU Dropout
// Linear(4096, classes). The -bn variants put BatchNorm2d between each conv (which keeps its bias) and its ReLU.
import type { GraphNode } from '../renderer/core/ir';
import { block } from '../renderer/core/blocks/index';
import { adaptiveAvgPool, dense, dropout, flatten, input, relu } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';
import type { ZooModel } from './index';

/** [convolutions, channels] per block. */
const CONFIGS = {
  A: [
    [1, 64],
    [1, 128],
    [2, 256],
    [2, 512],
    [2, 512],
  ],
  D: [
    [2, 64],
    [2, 128],
    [3, 256],
    [3, 512],
    [3, 512],
  ],
} as const;

function vgg(config: keyof typeof CONFIGS, batchNorm: boolean) {
  return ([channels, height, width]: [number, number, number], classes: number): GraphNode[] => {
    const nodes: GraphNode[] = [input('input', channels, height, width)];
    let previous = 'input';
    CONFIGS[config].forEach(([convs, blockChannels], index) => {
      const id = `block${index + 1}`;
      nodes.push(block('VGG', id, [previous], { convs, channels: blockChannels, batchNorm }));
      previous = id;
    });
    nodes.push(
      adaptiveAvgPool('avgpool', previous, 7),
      flatten('flatten', 'avgpool'),
      dense('fc6', 'flatten', 4096),
      relu('relu6', 'fc6'),
      dropout('dropout6', 'relu6', 0.5),
      dense('fc7', 'dropout6', 4096),
      relu('relu7', 'fc7'),
      dropout('dropout7', 'relu7', 0.5),
      dense('fc8', 'dropout7', classes),
    );
    return nodes;
  };
}

function vggModel(id: string, depth: number, config: keyof typeof CONFIGS, batchNorm: boolean): ZooModel {
  return zooEntry(
    {
      id,
      title: `VGG-${depth}${batchNorm ? ' with BatchNorm' : ''} (torchvision)`,
      source: `Simonyan & Zisserman, ICLR 2015 (configuration ${config}); torchvision/models/vgg.py (${id.replace('-', '_')})`,
      defaultInput: [3, 224, 224],
      defaultClasses: 1000,
    },
    vgg(config, batchNorm),
  );
}

export const vgg11 = vggModel('vgg11', 11, 'A', false);
export const vgg16 = vggModel('vgg16', 16, 'D', false);
export const vgg11Bn = vggModel('vgg11-bn', 11, 'A', true);
export const vgg16Bn = vggModel('vgg16-bn', 16, 'D', true);
