// GoogLeNet (Inception v1) as torchvision builds it, without the auxiliary classifiers (aux_logits=False, the
// model torchvision's pretrained weights load into) and without transform_input.
// Szegedy et al., "Going Deeper with Convolutions", CVPR 2015 (arXiv:1409.4842), Table 1;
// torchvision/models/googlenet.py: every conv is BasicConv2d (conv without bias → BatchNorm eps 0.001 → ReLU),
// the "5×5" branch uses a 3×3 kernel, max pools use ceil mode:
//   conv1 7×7/2 p3 (64)  maxpool1 3/2  conv2 1×1 (64)  conv3 3×3 p1 (192)  maxpool2 3/2
//   inception3a 3b  maxpool3 3/2  inception4a–4e  maxpool4 2/2  inception5a 5b  AdaptiveAvgPool(1) Dropout(0.2) fc
import type { GraphNode } from '../renderer/core/ir';
import { block } from '../renderer/core/blocks/index';
import { INCEPTION_BN_EPS } from '../renderer/core/blocks/inception-v1';
import { adaptiveAvgPool, convBnRelu, dense, dropout, flatten, input, maxPool } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

/** torchvision's Inception(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj), without `in`. */
const MODULES: Record<string, [number, number, number, number, number, number]> = {
  inception3a: [64, 96, 128, 16, 32, 32],
  inception3b: [128, 128, 192, 32, 96, 64],
  inception4a: [192, 96, 208, 16, 48, 64],
  inception4b: [160, 112, 224, 24, 64, 64],
  inception4c: [128, 128, 256, 24, 64, 64],
  inception4d: [112, 144, 288, 32, 64, 64],
  inception4e: [256, 160, 320, 32, 128, 128],
  inception5a: [256, 160, 320, 32, 128, 128],
  inception5b: [384, 192, 384, 48, 128, 128],
};

function inception(id: string, from: string): GraphNode {
  const [c1, c3reduce, c3, c5reduce, c5, poolProj] = MODULES[id]!;
  return block('InceptionV1', id, [from], { c1, c3reduce, c3, c5reduce, c5, poolProj, branch3Kernel: 3, batchNorm: true });
}

export const googlenet = zooEntry(
  {
    id: 'googlenet',
    title: 'GoogLeNet / Inception v1 (torchvision, no auxiliary heads)',
    source: 'Szegedy et al., Going Deeper with Convolutions, CVPR 2015; torchvision/models/googlenet.py (aux_logits=False)',
    defaultInput: [3, 224, 224],
    defaultClasses: 1000,
  },
  ([channels, height, width], classes): GraphNode[] => [
    input('input', channels, height, width),
    ...convBnRelu('conv1', 'input', 64, 7, { stride: 2, padding: 3, eps: INCEPTION_BN_EPS }),
    maxPool('maxpool1', 'conv1.relu', 3, { stride: 2, ceilMode: true }),
    ...convBnRelu('conv2', 'maxpool1', 64, 1, { eps: INCEPTION_BN_EPS }),
    ...convBnRelu('conv3', 'conv2.relu', 192, 3, { padding: 1, eps: INCEPTION_BN_EPS }),
    maxPool('maxpool2', 'conv3.relu', 3, { stride: 2, ceilMode: true }),
    inception('inception3a', 'maxpool2'),
    inception('inception3b', 'inception3a'),
    maxPool('maxpool3', 'inception3b', 3, { stride: 2, ceilMode: true }),
    inception('inception4a', 'maxpool3'),
    inception('inception4b', 'inception4a'),
    inception('inception4c', 'inception4b'),
    inception('inception4d', 'inception4c'),
    inception('inception4e', 'inception4d'),
    maxPool('maxpool4', 'inception4e', 2, { stride: 2, ceilMode: true }),
    inception('inception5a', 'maxpool4'),
    inception('inception5b', 'inception5a'),
    adaptiveAvgPool('avgpool', 'inception5b', 1),
    flatten('flatten', 'avgpool'),
    dropout('dropout', 'flatten', 0.2),
    dense('fc', 'dropout', classes),
  ],
);
