// AlexNet, three ways.
//
// `alexnet`: torchvision/models/alexnet.py (the "one weird trick" single-GPU variant, Krizhevsky 2014,
// arXiv:1404.5997: 64-192-384-256-256 channels, no LRN, no groups), with AdaptiveAvgPool2d((6, 6)) before the
// classifier and dropout before each of the first two Linear layers:
//   Conv(3,64,11,s4,p2) ReLU MaxPool(3,2) Conv(64,192,5,p2) ReLU MaxPool(3,2) Conv(192,384,3,p1) ReLU
//   Conv(384,256,3,p1) ReLU Conv(256,256,3,p1) ReLU MaxPool(3,2) AdaptiveAvgPool(6) Flatten
//   Dropout Linear(9216,4096) ReLU Dropout Linear(4096,4096) ReLU Linear(4096,1000)
//
// `alexnet-paper`: Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional Neural
// Networks", NIPS 2012, §3 and Fig. 2, at the 227×227 input that makes its sizes work (as Caffe's bvlc_alexnet):
// 96-256-384-384-256 channels; conv2, conv4 and conv5 see only their own GPU's half of the channels (2 groups);
// local response normalisation (k = 2, n = 5, α = 1e-4, β = 0.75; §3.3) after the ReLU of conv1 and conv2, each
// followed by overlapping 3×3/2 max pooling (§3.4); dropout 0.5 after fc6 and fc7 (§4.2).
// LRN convention: the paper's formula adds α·Σa² without dividing by n; the IR's LRN follows PyTorch (α/n, like
// Caffe, whose bvlc_alexnet also writes alpha 0.0001). We keep the published α = 1e-4 as written; the parameter and
// MAC counts do not depend on it.
//
// `alexnet-d2l`: d2l.ai §8.1 "Deep Convolutional Neural Networks (AlexNet)": one 1×224×224 Fashion-MNIST channel
// upsampled, 10 classes, conv1 with padding 1, no LRN, no groups, Linear(6400, 4096), dropout after each hidden
// dense layer's ReLU.
import type { GraphNode } from '../renderer/core/ir';
import { adaptiveAvgPool, conv, dense, dropout, flatten, input, lrn, maxPool, relu } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

type Shape3 = [number, number, number];

function torchvisionAlexnet([channels, height, width]: Shape3, classes: number): GraphNode[] {
  return [
    input('input', channels, height, width),
    conv('conv1', 'input', 64, 11, { stride: 4, padding: 2 }),
    relu('relu1', 'conv1'),
    maxPool('pool1', 'relu1', 3, { stride: 2 }),
    conv('conv2', 'pool1', 192, 5, { padding: 2 }),
    relu('relu2', 'conv2'),
    maxPool('pool2', 'relu2', 3, { stride: 2 }),
    conv('conv3', 'pool2', 384, 3, { padding: 1 }),
    relu('relu3', 'conv3'),
    conv('conv4', 'relu3', 256, 3, { padding: 1 }),
    relu('relu4', 'conv4'),
    conv('conv5', 'relu4', 256, 3, { padding: 1 }),
    relu('relu5', 'conv5'),
    maxPool('pool5', 'relu5', 3, { stride: 2 }),
    adaptiveAvgPool('avgpool', 'pool5', 6),
    flatten('flatten', 'avgpool'),
    dropout('dropout6', 'flatten', 0.5),
    dense('fc6', 'dropout6', 4096),
    relu('relu6', 'fc6'),
    dropout('dropout7', 'relu6', 0.5),
    dense('fc7', 'dropout7', 4096),
    relu('relu7', 'fc7'),
    dense('fc8', 'relu7', classes),
  ];
}

function paperAlexnet([channels, height, width]: Shape3, classes: number): GraphNode[] {
  const response = { size: 5, alpha: 1e-4, beta: 0.75, k: 2 };
  return [
    input('input', channels, height, width),
    conv('conv1', 'input', 96, 11, { stride: 4 }),
    relu('relu1', 'conv1'),
    lrn('norm1', 'relu1', response),
    maxPool('pool1', 'norm1', 3, { stride: 2 }),
    conv('conv2', 'pool1', 256, 5, { padding: 2, groups: 2 }),
    relu('relu2', 'conv2'),
    lrn('norm2', 'relu2', response),
    maxPool('pool2', 'norm2', 3, { stride: 2 }),
    conv('conv3', 'pool2', 384, 3, { padding: 1 }),
    relu('relu3', 'conv3'),
    conv('conv4', 'relu3', 384, 3, { padding: 1, groups: 2 }),
    relu('relu4', 'conv4'),
    conv('conv5', 'relu4', 256, 3, { padding: 1, groups: 2 }),
    relu('relu5', 'conv5'),
    maxPool('pool5', 'relu5', 3, { stride: 2 }),
    flatten('flatten', 'pool5'),
    dense('fc6', 'flatten', 4096),
    relu('relu6', 'fc6'),
    dropout('dropout6', 'relu6', 0.5),
    dense('fc7', 'dropout6', 4096),
    relu('relu7', 'fc7'),
    dropout('dropout7', 'relu7', 0.5),
    dense('fc8', 'dropout7', classes),
  ];
}

function d2lAlexnet([channels, height, width]: Shape3, classes: number): GraphNode[] {
  return [
    input('input', channels, height, width),
    conv('conv1', 'input', 96, 11, { stride: 4, padding: 1 }),
    relu('relu1', 'conv1'),
    maxPool('pool1', 'relu1', 3, { stride: 2 }),
    conv('conv2', 'pool1', 256, 5, { padding: 2 }),
    relu('relu2', 'conv2'),
    maxPool('pool2', 'relu2', 3, { stride: 2 }),
    conv('conv3', 'pool2', 384, 3, { padding: 1 }),
    relu('relu3', 'conv3'),
    conv('conv4', 'relu3', 384, 3, { padding: 1 }),
    relu('relu4', 'conv4'),
    conv('conv5', 'relu4', 256, 3, { padding: 1 }),
    relu('relu5', 'conv5'),
    maxPool('pool5', 'relu5', 3, { stride: 2 }),
    flatten('flatten', 'pool5'),
    dense('fc6', 'flatten', 4096),
    relu('relu6', 'fc6'),
    dropout('dropout6', 'relu6', 0.5),
    dense('fc7', 'dropout6', 4096),
    relu('relu7', 'fc7'),
    dropout('dropout7', 'relu7', 0.5),
    dense('fc8', 'dropout7', classes),
  ];
}

export const alexnet = zooEntry(
  {
    id: 'alexnet',
    title: 'AlexNet (torchvision)',
    source: 'Krizhevsky, One weird trick for parallelizing CNNs, arXiv:1404.5997 (2014); torchvision/models/alexnet.py',
    defaultInput: [3, 224, 224],
    defaultClasses: 1000,
  },
  torchvisionAlexnet,
);

export const alexnetPaper = zooEntry(
  {
    id: 'alexnet-paper',
    title: 'AlexNet (2012 paper: LRN, two groups)',
    source: 'Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep CNNs, NIPS 2012 (§3, Fig. 2)',
    defaultInput: [3, 227, 227],
    defaultClasses: 1000,
    initialisation: 'alexnet-paper',
  },
  paperAlexnet,
);

export const alexnetD2l = zooEntry(
  {
    id: 'alexnet-d2l',
    title: 'AlexNet (d2l, 1-channel, 10 classes)',
    source: 'd2l.ai §8.1 (Deep Convolutional Neural Networks: AlexNet)',
    defaultInput: [1, 224, 224],
    defaultClasses: 10,
  },
  d2lAlexnet,
);
