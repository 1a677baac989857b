// Inception v2 module (BN-Inception): Inception v1 with BatchNorm after every convolution and the 5×5 branch
// replaced by two stacked 3×3 convolutions (same 5×5 field, fewer weights); the pooling branch uses average or
// max pooling, and a grid-reduction module (stride 2) drops the 1×1 branch and passes the pool through unprojected.
//   branch1: 1×1;  branch2: 1×1 → 3×3;  branch3: 1×1 → 3×3 → 3×3;  branch4: 3×3 pool → [1×1]
// Ioffe & Szegedy, "Batch Normalization", ICML 2015 (arXiv:1502.03167), Fig. 5 and Table 1 (Appendix);
// TF-slim nets/inception_v2.py. Convs have no bias; BatchNorm eps 0.001 as in TF-slim.
// Padding is symmetric as in PyTorch (3×3: 1, also when strided), so every branch has ceil(H/stride) rows for any
// input size, as TF's SAME has; TF's SAME pads only the bottom/right of an even input at stride 2, so the effective
// padding of a receptive field (Araujo et al.) can differ from TF-slim's by one step, while size and stride agree.
// The average pool excludes padding from its count, as TF's does.
import type { LayerNode } from '../ir';
import type { BlockDefinition } from './block';
import { avgPool, concat, convBnRelu, maxPool } from './layers';
import { INCEPTION_BN_EPS } from './inception-v1';

export interface InceptionV2Params {
  c1: number;
  c3reduce: number;
  c3: number;
  d3reduce: number;
  d3: number;
  pool: 'avg' | 'max';
  poolProj: number;
  stride: number;
}

export const inceptionV2Block: BlockDefinition<'InceptionV2', InceptionV2Params> = {
  type: 'InceptionV2',
  title: 'Inception v2 (BN-Inception)',
  description: 'Inception with BatchNorm and the 5×5 branch as two 3×3 convolutions; stride 2 reduces the grid.',
  paper: 'Ioffe & Szegedy, Batch Normalization: Accelerating Deep Network Training, ICML 2015',
  reference: 'TF-slim nets/inception_v2.py',
  inputs: 1,
  params: {
    c1: { type: 'int', default: 64, min: 0, description: 'Channels of the 1×1 branch (0: no such branch; required with stride 2).' },
    c3reduce: { type: 'int', default: 64, min: 1, description: 'Channels of the 1×1 reduction before the 3×3.' },
    c3: { type: 'int', default: 64, min: 1, description: 'Channels of the 3×3 branch.' },
    d3reduce: { type: 'int', default: 64, min: 1, description: 'Channels of the 1×1 reduction before the double 3×3.' },
    d3: { type: 'int', default: 96, min: 1, description: 'Channels of both 3×3 convolutions of the double-3×3 branch.' },
    pool: { type: 'choice', default: 'avg', choices: ['avg', 'max'], description: 'Pooling of the fourth branch.' },
    poolProj: { type: 'int', default: 32, min: 0, description: 'Channels of the 1×1 after the pool (0: pass the pool through).' },
    stride: { type: 'int', default: 1, min: 1, max: 2, description: '2 for a grid-reduction module (halves height and width).' },
  },
  check({ c1, stride }) {
    if (stride === 2 && c1 > 0) {
      return [{ param: 'c1', message: `InceptionV2 block with stride 2 has c1 = ${c1}; a grid-reduction module has no 1×1 branch, so set c1 to 0.` }];
    }
    return [];
  },
  expand({ c1, c3reduce, c3, d3reduce, d3, pool, poolProj, stride }) {
    const unit = (prefix: string, from: string, channels: number, kernel: number, unitStride = 1): LayerNode[] =>
      convBnRelu(prefix, from, channels, kernel, { eps: INCEPTION_BN_EPS, stride: unitStride, padding: (kernel - 1) / 2 });
    const last = (units: LayerNode[]): string => units[units.length - 1]!.id;
    const nodes: LayerNode[] = [];
    const outputs: string[] = [];
    if (c1 > 0) {
      const branch1 = unit('branch1', '$in0', c1, 1);
      nodes.push(...branch1);
      outputs.push(last(branch1));
    }
    const branch2a = unit('branch2.0', '$in0', c3reduce, 1);
    const branch2b = unit('branch2.1', last(branch2a), c3, 3, stride);
    const branch3a = unit('branch3.0', '$in0', d3reduce, 1);
    const branch3b = unit('branch3.1', last(branch3a), d3, 3);
    const branch3c = unit('branch3.2', last(branch3b), d3, 3, stride);
    nodes.push(...branch2a, ...branch2b, ...branch3a, ...branch3b, ...branch3c);
    outputs.push(last(branch2b), last(branch3c));
    const pooled =
      pool === 'avg'
        ? avgPool('branch4.0', '$in0', 3, { stride, padding: 1, countIncludePad: false })
        : maxPool('branch4.0', '$in0', 3, { stride, padding: 1 });
    nodes.push(pooled);
    if (poolProj > 0) {
      const projection = unit('branch4.1', pooled.id, poolProj, 1);
      nodes.push(...projection);
      outputs.push(last(projection));
    } else {
      outputs.push(pooled.id);
    }
    nodes.push(concat('concat', outputs));
    return { nodes, output: 'concat' };
  },
};
