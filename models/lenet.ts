// LeNet-5 as in d2l.ai §7.6 "Convolutional Neural Networks (LeNet)" (Zhang, Lipton, Li & Smola, Dive into Deep
// Learning), after LeCun, Bottou, Bengio & Haffner, "Gradient-Based Learning Applied to Document Recognition",
// Proc. IEEE 1998. d2l's version: 1×28×28 Fashion-MNIST input, a padded first convolution (the paper fed 32×32),
// sigmoid activations and 2×2 average pooling, dense 120-84-10:
//   Conv2d(1, 6, 5, padding=2) Sigmoid AvgPool2d(2, 2) Conv2d(6, 16, 5) Sigmoid AvgPool2d(2, 2) Flatten
//   Linear(400, 120) Sigmoid Linear(120, 84) Sigmoid Linear(84, 10)
// `lenet5-relu` swaps sigmoid for ReLU and average for max pooling (the modernisation d2l suggests in its exercises).
import type { GraphNode } from '../renderer/core/ir';
import { avgPool, conv, dense, flatten, input, maxPool, relu, sigmoid } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

function lenet([channels, height, width]: [number, number, number], classes: number, modern: boolean): GraphNode[] {
  const act = modern ? relu : sigmoid;
  const pool = modern ? maxPool : avgPool;
  const a = modern ? 'relu' : 'sigmoid';
  return [
    input('input', channels, height, width),
    conv('conv1', 'input', 6, 5, { padding: 2 }),
    act(`${a}1`, 'conv1'),
    pool('pool1', `${a}1`, 2, { stride: 2 }),
    conv('conv2', 'pool1', 16, 5),
    act(`${a}2`, 'conv2'),
    pool('pool2', `${a}2`, 2, { stride: 2 }),
    flatten('flatten', 'pool2'),
    dense('fc1', 'flatten', 120),
    act(`${a}3`, 'fc1'),
    dense('fc2', `${a}3`, 84),
    act(`${a}4`, 'fc2'),
    dense('fc3', `${a}4`, classes),
  ];
}

export const lenet5 = zooEntry(
  {
    id: 'lenet5',
    title: 'LeNet-5 (d2l: sigmoid, average pooling)',
    source: 'LeCun et al., Proc. IEEE 1998; d2l.ai §7.6 (LeNet)',
    defaultInput: [1, 28, 28],
    defaultClasses: 10,
  },
  (inputShape, classes) => lenet(inputShape, classes, false),
);

export const lenet5Relu = zooEntry(
  {
    id: 'lenet5-relu',
    title: 'LeNet-5 with ReLU and max pooling',
    source: 'LeCun et al., Proc. IEEE 1998; d2l.ai §7.6 (LeNet) with ReLU and max pooling',
    defaultInput: [1, 28, 28],
    defaultClasses: 10,
  },
  (inputShape, classes) => lenet(inputShape, classes, true),
);
