// Inception v2 (BN-Inception) as TF-slim builds it (nets/inception_v2.py, inception_v2 with
// use_separable_conv=False — the "inception_v2-no-separable-conv" row of Araujo et al.'s receptive-field table).
// Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift",
// ICML 2015 (arXiv:1502.03167), Appendix Fig. 5 and Table 1; default input 3×224×224:
//   Conv2d_1a_7x7 (64, /2)  MaxPool_2a_3x3 /2  Conv2d_2b_1x1 (64)  Conv2d_2c_3x3 (192)  MaxPool_3a_3x3 /2
//   Mixed_3b 3c  Mixed_4a (/2)  Mixed_4b–4e  Mixed_5a (/2)  Mixed_5b 5c  AvgPool Dropout(keep 0.8) logits
// Every conv is conv (no bias) → BatchNorm (eps 0.001) → ReLU. Differences from TF-slim, on purpose:
// - padding is symmetric as in PyTorch (a 3×3/2 pool or conv pads 1 on every side, giving TF SAME's ceil(H/2) rows),
//   where TF SAME pads only the bottom/right of even inputs: receptive-field size and stride agree, the effective
//   padding differs;
// - BatchNorm has a scale γ as well as the shift β (TF-slim's inception arg scope leaves out the scale);
// - the final 7×7 VALID average pool is an adaptive average pool to 1×1 (the same at 224, and works at any size),
//   and the 1×1 logits convolution is a Dense layer (the same weights after Flatten).
import type { GraphNode } from '../renderer/core/ir';
import { block, type BlockParamsByType } from '../renderer/core/blocks/index';
import { INCEPTION_BN_EPS } from '../renderer/core/blocks/inception-v1';
import { adaptiveAvgPool, convBnRelu, dense, dropout, flatten, input, maxPool } from '../renderer/core/blocks/layers';
import { zooEntry } from './common';

type Module = BlockParamsByType['InceptionV2'];

/** TF-slim's Mixed modules: [c1, c3reduce, c3, d3reduce, d3, pool, poolProj, stride]. */
export const INCEPTION_V2_MODULES: Record<string, Module> = {
  Mixed_3b: { c1: 64, c3reduce: 64, c3: 64, d3reduce: 64, d3: 96, pool: 'avg', poolProj: 32, stride: 1 },
  Mixed_3c: { c1: 64, c3reduce: 64, c3: 96, d3reduce: 64, d3: 96, pool: 'avg', poolProj: 64, stride: 1 },
  Mixed_4a: { c1: 0, c3reduce: 128, c3: 160, d3reduce: 64, d3: 96, pool: 'max', poolProj: 0, stride: 2 },
  Mixed_4b: { c1: 224, c3reduce: 64, c3: 96, d3reduce: 96, d3: 128, pool: 'avg', poolProj: 128, stride: 1 },
  Mixed_4c: { c1: 192, c3reduce: 96, c3: 128, d3reduce: 96, d3: 128, pool: 'avg', poolProj: 128, stride: 1 },
  Mixed_4d: { c1: 160, c3reduce: 128, c3: 160, d3reduce: 128, d3: 160, pool: 'avg', poolProj: 96, stride: 1 },
  Mixed_4e: { c1: 96, c3reduce: 128, c3: 192, d3reduce: 160, d3: 192, pool: 'avg', poolProj: 96, stride: 1 },
  Mixed_5a: { c1: 0, c3reduce: 128, c3: 192, d3reduce: 192, d3: 256, pool: 'max', poolProj: 0, stride: 2 },
  Mixed_5b: { c1: 352, c3reduce: 192, c3: 320, d3reduce: 160, d3: 224, pool: 'avg', poolProj: 128, stride: 1 },
  Mixed_5c: { c1: 352, c3reduce: 192, c3: 320, d3reduce: 192, d3: 224, pool: 'max', poolProj: 128, stride: 1 },
};

export const inceptionV2 = zooEntry(
  {
    id: 'inception-v2',
    title: 'Inception v2 / BN-Inception (TF-slim, no separable conv)',
    source: 'Ioffe & Szegedy, Batch Normalization, ICML 2015; TF-slim nets/inception_v2.py (use_separable_conv=False)',
    defaultInput: [3, 224, 224],
    defaultClasses: 1000,
  },
  ([channels, height, width], classes): GraphNode[] => {
    const basic = (id: string, from: string, out: number, kernel: number, stride = 1) =>
      convBnRelu(id, from, out, kernel, { padding: (kernel - 1) / 2, ...(stride === 1 ? {} : { stride }), eps: INCEPTION_BN_EPS });
    const nodes: GraphNode[] = [
      input('input', channels, height, width),
      ...basic('Conv2d_1a_7x7', 'input', 64, 7, 2),
      maxPool('MaxPool_2a_3x3', 'Conv2d_1a_7x7.relu', 3, { stride: 2, padding: 1 }),
      ...basic('Conv2d_2b_1x1', 'MaxPool_2a_3x3', 64, 1),
      ...basic('Conv2d_2c_3x3', 'Conv2d_2b_1x1.relu', 192, 3),
      maxPool('MaxPool_3a_3x3', 'Conv2d_2c_3x3.relu', 3, { stride: 2, padding: 1 }),
    ];
    let previous = 'MaxPool_3a_3x3';
    for (const [id, params] of Object.entries(INCEPTION_V2_MODULES)) {
      nodes.push(block('InceptionV2', id, [previous], params));
      previous = id;
    }
    nodes.push(
      adaptiveAvgPool('avgpool', previous, 1),
      dropout('dropout', 'avgpool', 0.2),
      flatten('flatten', 'dropout'),
      dense('fc', 'flatten', classes),
    );
    return nodes;
  },
);
