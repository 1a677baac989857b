// Inception v1 module: four parallel branches concatenated along channels —
//   branch1: 1×1;  branch2: 1×1 reduce → 3×3;  branch3: 1×1 reduce → k×k;  branch4: 3×3 max pool (stride 1) → 1×1.
// Szegedy et al., "Going Deeper with Convolutions", CVPR 2015 (arXiv:1409.4842), Fig. 2(b) and Table 1, where
// branch3's kernel is 5×5 (the default here, as in d2l.ai §8.4). torchvision/models/googlenet.py uses 3×3 there
// (a known quirk kept for its ported weights, pytorch/vision#906), so the zoo's `googlenet` sets branch3Kernel: 3.
// With batchNorm, each conv is torchvision's BasicConv2d: conv (no bias) → BatchNorm(eps 0.001) → ReLU; without,
// conv (with bias) → ReLU as in the paper. Names follow torchvision ('branch2.1.conv', 'branch4.0' = the pool).
import type { LayerNode } from '../ir';
import type { BlockDefinition, BlockProblem } from './block';
import { concat, conv, convBnRelu, maxPool, relu } from './layers';

export interface InceptionV1Params {
  c1: number;
  c3reduce: number;
  c3: number;
  c5reduce: number;
  c5: number;
  poolProj: number;
  branch3Kernel: number;
  batchNorm: boolean;
}

/** torchvision's BasicConv2d BatchNorm epsilon (Inception v1 and v3, from the TensorFlow originals). */
export const INCEPTION_BN_EPS = 0.001;

/** conv → [BN] → ReLU under `prefix`: torchvision's BasicConv2d with batchNorm, the paper's conv + ReLU without. */
export function convUnit(prefix: string, from: string, outChannels: number, kernel: number, withBatchNorm: boolean): LayerNode[] {
  const padding = (kernel - 1) / 2;
  if (withBatchNorm) return convBnRelu(prefix, from, outChannels, kernel, { padding, eps: INCEPTION_BN_EPS });
  return [conv(`${prefix}.conv`, from, outChannels, kernel, { padding }), relu(`${prefix}.relu`, `${prefix}.conv`)];
}

export function oddKernel(type: string, param: string, kernel: number): BlockProblem[] {
  if (kernel % 2 === 1) return [];
  return [{ param, message: `${type} block has ${param} = ${kernel}; the kernel must be odd (3 or 5) so that padding keeps the branch's size equal to the others'.` }];
}

export const inceptionV1Block: BlockDefinition<'InceptionV1', InceptionV1Params> = {
  type: 'InceptionV1',
  title: 'Inception v1',
  description: 'Four parallel branches (1×1; 1×1→3×3; 1×1→5×5; pool→1×1) concatenated along channels.',
  paper: 'Szegedy et al., Going Deeper with Convolutions, CVPR 2015',
  reference: 'torchvision/models/googlenet.py (Inception); d2l.ai §8.4',
  inputs: 1,
  params: {
    c1: { type: 'int', default: 64, min: 1, description: 'Channels of the 1×1 branch.' },
    c3reduce: { type: 'int', default: 96, min: 1, description: 'Channels of the 1×1 reduction before the 3×3.' },
    c3: { type: 'int', default: 128, min: 1, description: 'Channels of the 3×3 branch.' },
    c5reduce: { type: 'int', default: 16, min: 1, description: 'Channels of the 1×1 reduction before the third branch.' },
    c5: { type: 'int', default: 32, min: 1, description: 'Channels of the third ("5×5") branch.' },
    poolProj: { type: 'int', default: 32, min: 1, description: 'Channels of the 1×1 projection after the max pool.' },
    branch3Kernel: { type: 'int', default: 5, min: 1, description: 'Kernel of the third branch: 5 (paper) or 3 (torchvision).' },
    batchNorm: { type: 'boolean', default: false, description: 'BatchNorm after each conv, convs without bias (torchvision).' },
  },
  check: ({ branch3Kernel }) => oddKernel('InceptionV1', 'branch3Kernel', branch3Kernel),
  expand({ c1, c3reduce, c3, c5reduce, c5, poolProj, branch3Kernel, batchNorm }) {
    const last = (units: LayerNode[]): string => units[units.length - 1]!.id;
    const branch1 = convUnit('branch1', '$in0', c1, 1, batchNorm);
    const branch2a = convUnit('branch2.0', '$in0', c3reduce, 1, batchNorm);
    const branch2b = convUnit('branch2.1', last(branch2a), c3, 3, batchNorm);
    const branch3a = convUnit('branch3.0', '$in0', c5reduce, 1, batchNorm);
    const branch3b = convUnit('branch3.1', last(branch3a), c5, branch3Kernel, batchNorm);
    const pool = maxPool('branch4.0', '$in0', 3, { stride: 1, padding: 1 });
    const branch4 = convUnit('branch4.1', pool.id, poolProj, 1, batchNorm);
    return {
      nodes: [
        ...branch1,
        ...branch2a,
        ...branch2b,
        ...branch3a,
        ...branch3b,
        pool,
        ...branch4,
        concat('concat', [last(branch1), last(branch2b), last(branch3b), last(branch4)]),
      ],
      output: 'concat',
    };
  },
};
