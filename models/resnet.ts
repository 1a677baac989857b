// ResNet-18 (basic blocks, [2, 2, 2, 2]) and ResNet-50 (bottleneck blocks, [3, 4, 6, 3]) as torchvision builds
// them. He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016 (arXiv:1512.03385),
// Table 1; torchvision/models/resnet.py: conv1 7×7/2 p3 (no bias) bn1 relu maxpool 3/2 p1, layer1–layer4,
// AdaptiveAvgPool(1), fc. The first block of layer2–4 strides by 2 (ResNet-50: on its 3×3, "v1.5") and, like
// every block whose channels change, has a 1×1 conv + BatchNorm projection shortcut ("downsample").
// A stage whose blocks are all alike is one repeated block ('layer1' ×2 → 'layer1.0…', 'layer1.1…'); a stage whose
// first block differs is a Custom block whose body holds blocks '0', '1', … — both give torchvision's names.
import type { GraphNode } from '../renderer/core/ir';
import { block, type BlockParamsByType } from '../renderer/core/blocks/index';
import { adaptiveAvgPool, batchNorm, conv, customBlock, dense, flatten, input, maxPool, relu } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

type Residual = 'ResidualBasic' | 'ResidualBottleneck';

/** One stage: `count` blocks of `type`; the first may stride and project, the rest keep the shape. */
function stage<T extends Residual>(
  type: T,
  id: string,
  from: string,
  count: number,
  first: Partial<BlockParamsByType[T]>,
  rest: Partial<BlockParamsByType[T]>,
): GraphNode {
  const firstIsLikeRest = JSON.stringify(first) === JSON.stringify(rest);
  if (firstIsLikeRest) return block(type, id, [from], rest, { repeat: count });
  const body: GraphNode[] = [block(type, '0', ['$in0'], first)];
  for (let i = 1; i < count; i++) body.push(block(type, String(i), [String(i - 1)], rest));
  return customBlock(id, [from], body, String(count - 1));
}

function stem([channels, height, width]: [number, number, number]): GraphNode[] {
  return [
    input('input', channels, height, width),
    conv('conv1', 'input', 64, 7, { stride: 2, padding: 3, bias: false }),
    batchNorm('bn1', 'conv1'),
    relu('relu', 'bn1'),
    maxPool('maxpool', 'relu', 3, { stride: 2, padding: 1 }),
  ];
}

function head(from: string, classes: number): GraphNode[] {
  return [adaptiveAvgPool('avgpool', from, 1), flatten('flatten', 'avgpool'), dense('fc', 'flatten', classes)];
}

export const resnet18 = zooEntry(
  {
    id: 'resnet18',
    title: 'ResNet-18 (torchvision)',
    source: 'He et al., Deep Residual Learning for Image Recognition, CVPR 2016; torchvision/models/resnet.py (resnet18)',
    defaultInput: [3, 224, 224],
    defaultClasses: 1000,
  },
  (inputShape, classes): GraphNode[] => [
    ...stem(inputShape),
    stage('ResidualBasic', 'layer1', 'maxpool', 2, { channels: 64 }, { channels: 64 }),
    stage('ResidualBasic', 'layer2', 'layer1', 2, { channels: 128, stride: 2, projection: true }, { channels: 128 }),
    stage('ResidualBasic', 'layer3', 'layer2', 2, { channels: 256, stride: 2, projection: true }, { channels: 256 }),
    stage('ResidualBasic', 'layer4', 'layer3', 2, { channels: 512, stride: 2, projection: true }, { channels: 512 }),
    ...head('layer4', classes),
  ],
);

export const resnet50 = zooEntry(
  {
    id: 'resnet50',
    title: 'ResNet-50 (torchvision, v1.5)',
    source: 'He et al., Deep Residual Learning for Image Recognition, CVPR 2016; torchvision/models/resnet.py (resnet50)',
    defaultInput: [3, 224, 224],
    defaultClasses: 1000,
  },
  (inputShape, classes): GraphNode[] => [
    ...stem(inputShape),
    stage('ResidualBottleneck', 'layer1', 'maxpool', 3, { width: 64, projection: true }, { width: 64, projection: false }),
    stage('ResidualBottleneck', 'layer2', 'layer1', 4, { width: 128, stride: 2, projection: true }, { width: 128, projection: false }),
    stage('ResidualBottleneck', 'layer3', 'layer2', 6, { width: 256, stride: 2, projection: true }, { width: 256, projection: false }),
    stage('ResidualBottleneck', 'layer4', 'layer3', 3, { width: 512, stride: 2, projection: true }, { width: 512, projection: false }),
    ...head('layer4', classes),
  ],
);
