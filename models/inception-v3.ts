// Inception v3 as torchvision builds it, without the auxiliary classifier (aux_logits=False) and without
// transform_input; default input 3×299×299.
// Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, "Rethinking the Inception Architecture for Computer Vision",
// CVPR 2016 (arXiv:1512.00567), Table 1; torchvision/models/inception.py (Inception3):
//   Conv2d_1a_3x3 (32, /2)  Conv2d_2a_3x3 (32)  Conv2d_2b_3x3 (64, p1)  maxpool1 3/2  Conv2d_3b_1x1 (80)
//   Conv2d_4a_3x3 (192)  maxpool2 3/2  Mixed_5b–5d (A: pool 32, 64, 64)  Mixed_6a (B)
//   Mixed_6b–6e (C: c7 128, 160, 160, 192)  Mixed_7a (D)  Mixed_7b, 7c (E)  AdaptiveAvgPool(1) Dropout(0.5) fc
// Every conv is BasicConv2d (no bias, BatchNorm eps 0.001, ReLU).
import type { GraphNode } from '../renderer/core/ir';
import { block } from '../renderer/core/blocks/index';
import { INCEPTION_BN_EPS } from '../renderer/core/blocks/inception-v1';
import { adaptiveAvgPool, convBnRelu, dense, dropout, flatten, input, maxPool } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

export const inceptionV3 = zooEntry(
  {
    id: 'inception-v3',
    title: 'Inception v3 (torchvision, no auxiliary head)',
    source: 'Szegedy et al., Rethinking the Inception Architecture for Computer Vision, CVPR 2016; torchvision/models/inception.py (aux_logits=False)',
    defaultInput: [3, 299, 299],
    defaultClasses: 1000,
  },
  ([channels, height, width], classes): GraphNode[] => {
    const basic = (id: string, from: string, out: number, kernel: number, options: { stride?: number; padding?: number } = {}) =>
      convBnRelu(id, from, out, kernel, { ...options, eps: INCEPTION_BN_EPS });
    return [
      input('input', channels, height, width),
      ...basic('Conv2d_1a_3x3', 'input', 32, 3, { stride: 2 }),
      ...basic('Conv2d_2a_3x3', 'Conv2d_1a_3x3.relu', 32, 3),
      ...basic('Conv2d_2b_3x3', 'Conv2d_2a_3x3.relu', 64, 3, { padding: 1 }),
      maxPool('maxpool1', 'Conv2d_2b_3x3.relu', 3, { stride: 2 }),
      ...basic('Conv2d_3b_1x1', 'maxpool1', 80, 1),
      ...basic('Conv2d_4a_3x3', 'Conv2d_3b_1x1.relu', 192, 3),
      maxPool('maxpool2', 'Conv2d_4a_3x3.relu', 3, { stride: 2 }),
      block('InceptionV3', 'Mixed_5b', ['maxpool2'], { module: 'A', poolFeatures: 32 }),
      block('InceptionV3', 'Mixed_5c', ['Mixed_5b'], { module: 'A', poolFeatures: 64 }),
      block('InceptionV3', 'Mixed_5d', ['Mixed_5c'], { module: 'A', poolFeatures: 64 }),
      block('InceptionV3', 'Mixed_6a', ['Mixed_5d'], { module: 'B' }),
      block('InceptionV3', 'Mixed_6b', ['Mixed_6a'], { module: 'C', channels7x7: 128 }),
      block('InceptionV3', 'Mixed_6c', ['Mixed_6b'], { module: 'C', channels7x7: 160 }),
      block('InceptionV3', 'Mixed_6d', ['Mixed_6c'], { module: 'C', channels7x7: 160 }),
      block('InceptionV3', 'Mixed_6e', ['Mixed_6d'], { module: 'C', channels7x7: 192 }),
      block('InceptionV3', 'Mixed_7a', ['Mixed_6e'], { module: 'D' }),
      block('InceptionV3', 'Mixed_7b', ['Mixed_7a'], { module: 'E' }),
      block('InceptionV3', 'Mixed_7c', ['Mixed_7b'], { module: 'E' }),
      adaptiveAvgPool('avgpool', 'Mixed_7c', 1),
      dropout('dropout', 'avgpool', 0.5),
      flatten('flatten', 'dropout'),
      dense('fc', 'flatten', classes),
    ];
  },
);
