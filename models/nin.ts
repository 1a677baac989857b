// Network in Network as in d2l.ai §8.3 "Network in Network (NiN)", after Lin, Chen & Yan, "Network In
// Network", ICLR 2014 (arXiv:1312.4400): four NiN blocks, 3×3/2 max pooling between the first three, dropout 0.5,
// the last block with one channel per class, then global average pooling instead of dense layers:
//   nin_block(96, 11, s4, p0) MaxPool(3,2) nin_block(256, 5, s1, p2) MaxPool(3,2) nin_block(384, 3, s1, p1)
//   MaxPool(3,2) Dropout(0.5) nin_block(10, 3, s1, p1) AdaptiveAvgPool2d((1,1)) Flatten
import type { GraphNode } from '../renderer/core/ir';
import { block } from '../renderer/core/blocks/index';
import { adaptiveAvgPool, dropout, flatten, input, maxPool } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

export const nin = zooEntry(
  {
    id: 'nin',
    title: 'Network in Network (d2l)',
    source: 'Lin, Chen & Yan, Network In Network, ICLR 2014; d2l.ai §8.3 (NiN)',
    defaultInput: [1, 224, 224],
    defaultClasses: 10,
  },
  ([channels, height, width], classes): GraphNode[] => [
    input('input', channels, height, width),
    block('NiN', 'nin1', ['input'], { channels: 96, kernel: 11, stride: 4, padding: 0 }),
    maxPool('pool1', 'nin1', 3, { stride: 2 }),
    block('NiN', 'nin2', ['pool1'], { channels: 256, kernel: 5, stride: 1, padding: 2 }),
    maxPool('pool2', 'nin2', 3, { stride: 2 }),
    block('NiN', 'nin3', ['pool2'], { channels: 384, kernel: 3, stride: 1, padding: 1 }),
    maxPool('pool3', 'nin3', 3, { stride: 2 }),
    dropout('dropout', 'pool3', 0.5),
    block('NiN', 'nin4', ['dropout'], { channels: classes, kernel: 3, stride: 1, padding: 1 }),
    adaptiveAvgPool('avgpool', 'nin4', 1),
    flatten('flatten', 'avgpool'),
  ],
);
