// Inception v3 modules, with the factorised convolutions of the paper: n×n as 1×n then n×1, and 5×5 as two 3×3.
//   A (35×35): 1×1 | 1×1→5×5 | 1×1→3×3→3×3 | avgpool→1×1(poolFeatures)                    (paper Fig. 5)
//   B (35→17): 3×3/2 | 1×1→3×3→3×3/2 | maxpool/2                                            (grid reduction, Fig. 10)
//   C (17×17): 1×1 | 1×1→1×7→7×1 | 1×1→7×1→1×7→7×1→1×7 | avgpool→1×1; inner width c7       (Fig. 6)
//   D (17→8):  1×1→3×3/2 | 1×1→1×7→7×1→3×3/2 | maxpool/2                                    (grid reduction)
//   E (8×8):   1×1 | 1×1→[1×3, 3×1] | 1×1→3×3→[1×3, 3×1] | avgpool→1×1                     (Fig. 7)
// Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, "Rethinking the Inception Architecture for Computer Vision", CVPR 2016
// (arXiv:1512.00567). Channel widths, paddings and names follow torchvision/models/inception.py (InceptionA–E),
// whose every conv is BasicConv2d: conv (no bias) → BatchNorm(eps 0.001) → ReLU. `poolFeatures` is read by A
// only, `channels7x7` by C only. Strided convolutions and pools are unpadded ("valid"), as in torchvision.
import type { LayerNode, Pair } from '../ir';
import type { BlockDefinition } from './block';
import { avgPool, concat, convBnRelu, maxPool } from './layers';
import { INCEPTION_BN_EPS } from './inception-v1';

export interface InceptionV3Params {
  module: 'A' | 'B' | 'C' | 'D' | 'E';
  poolFeatures: number;
  channels7x7: number;
}

function basicConv(prefix: string, from: string, channels: number, kernel: Pair, padding: Pair = 0, stride = 1): LayerNode[] {
  return convBnRelu(prefix, from, channels, kernel, { padding, ...(stride === 1 ? {} : { stride }), eps: INCEPTION_BN_EPS });
}

/** Chains conv units: each [name, channels, kernel, padding, stride?] feeds the next; returns the layers. */
function chain(from: string, units: [string, number, Pair, Pair, number?][]): LayerNode[] {
  const nodes: LayerNode[] = [];
  let previous = from;
  for (const [name, channels, kernel, padding, stride] of units) {
    nodes.push(...basicConv(name, previous, channels, kernel, padding, stride ?? 1));
    previous = `${name}.relu`;
  }
  return nodes;
}

const out = (name: string): string => `${name}.relu`;

function moduleA(poolFeatures: number): LayerNode[] {
  return [
    ...chain('$in0', [['branch1x1', 64, 1, 0]]),
    ...chain('$in0', [
      ['branch5x5_1', 48, 1, 0],
      ['branch5x5_2', 64, 5, 2],
    ]),
    ...chain('$in0', [
      ['branch3x3dbl_1', 64, 1, 0],
      ['branch3x3dbl_2', 96, 3, 1],
      ['branch3x3dbl_3', 96, 3, 1],
    ]),
    avgPool('pool', '$in0', 3, { stride: 1, padding: 1 }),
    ...chain('pool', [['branch_pool', poolFeatures, 1, 0]]),
    concat('concat', [out('branch1x1'), out('branch5x5_2'), out('branch3x3dbl_3'), out('branch_pool')]),
  ];
}

function moduleB(): LayerNode[] {
  return [
    ...chain('$in0', [['branch3x3', 384, 3, 0, 2]]),
    ...chain('$in0', [
      ['branch3x3dbl_1', 64, 1, 0],
      ['branch3x3dbl_2', 96, 3, 1],
      ['branch3x3dbl_3', 96, 3, 0, 2],
    ]),
    maxPool('branch_pool', '$in0', 3, { stride: 2 }),
    concat('concat', [out('branch3x3'), out('branch3x3dbl_3'), 'branch_pool']),
  ];
}

function moduleC(c7: number): LayerNode[] {
  return [
    ...chain('$in0', [['branch1x1', 192, 1, 0]]),
    ...chain('$in0', [
      ['branch7x7_1', c7, 1, 0],
      ['branch7x7_2', c7, [1, 7], [0, 3]],
      ['branch7x7_3', 192, [7, 1], [3, 0]],
    ]),
    ...chain('$in0', [
      ['branch7x7dbl_1', c7, 1, 0],
      ['branch7x7dbl_2', c7, [7, 1], [3, 0]],
      ['branch7x7dbl_3', c7, [1, 7], [0, 3]],
      ['branch7x7dbl_4', c7, [7, 1], [3, 0]],
      ['branch7x7dbl_5', 192, [1, 7], [0, 3]],
    ]),
    avgPool('pool', '$in0', 3, { stride: 1, padding: 1 }),
    ...chain('pool', [['branch_pool', 192, 1, 0]]),
    concat('concat', [out('branch1x1'), out('branch7x7_3'), out('branch7x7dbl_5'), out('branch_pool')]),
  ];
}

function moduleD(): LayerNode[] {
  return [
    ...chain('$in0', [
      ['branch3x3_1', 192, 1, 0],
      ['branch3x3_2', 320, 3, 0, 2],
    ]),
    ...chain('$in0', [
      ['branch7x7x3_1', 192, 1, 0],
      ['branch7x7x3_2', 192, [1, 7], [0, 3]],
      ['branch7x7x3_3', 192, [7, 1], [3, 0]],
      ['branch7x7x3_4', 192, 3, 0, 2],
    ]),
    maxPool('branch_pool', '$in0', 3, { stride: 2 }),
    concat('concat', [out('branch3x3_2'), out('branch7x7x3_4'), 'branch_pool']),
  ];
}

function moduleE(): LayerNode[] {
  return [
    ...chain('$in0', [['branch1x1', 320, 1, 0]]),
    ...chain('$in0', [['branch3x3_1', 384, 1, 0]]),
    ...chain(out('branch3x3_1'), [['branch3x3_2a', 384, [1, 3], [0, 1]]]),
    ...chain(out('branch3x3_1'), [['branch3x3_2b', 384, [3, 1], [1, 0]]]),
    concat('branch3x3', [out('branch3x3_2a'), out('branch3x3_2b')]),
    ...chain('$in0', [
      ['branch3x3dbl_1', 448, 1, 0],
      ['branch3x3dbl_2', 384, 3, 1],
    ]),
    ...chain(out('branch3x3dbl_2'), [['branch3x3dbl_3a', 384, [1, 3], [0, 1]]]),
    ...chain(out('branch3x3dbl_2'), [['branch3x3dbl_3b', 384, [3, 1], [1, 0]]]),
    concat('branch3x3dbl', [out('branch3x3dbl_3a'), out('branch3x3dbl_3b')]),
    avgPool('pool', '$in0', 3, { stride: 1, padding: 1 }),
    ...chain('pool', [['branch_pool', 192, 1, 0]]),
    concat('concat', [out('branch1x1'), 'branch3x3', 'branch3x3dbl', out('branch_pool')]),
  ];
}

export const inceptionV3Block: BlockDefinition<'InceptionV3', InceptionV3Params> = {
  type: 'InceptionV3',
  title: 'Inception v3',
  description: 'Inception modules A–E with factorised convolutions (1×n then n×1) and grid reductions.',
  paper: 'Szegedy et al., Rethinking the Inception Architecture for Computer Vision, CVPR 2016',
  reference: 'torchvision/models/inception.py (InceptionA–InceptionE)',
  inputs: 1,
  params: {
    module: { type: 'choice', default: 'A', choices: ['A', 'B', 'C', 'D', 'E'], description: 'Which module: A, C, E keep the grid; B and D halve it.' },
    poolFeatures: { type: 'int', default: 32, min: 1, description: 'Module A: channels of the pooling branch.' },
    channels7x7: { type: 'int', default: 128, min: 1, description: 'Module C: inner width of the 7×7 branches.' },
  },
  expand({ module, poolFeatures, channels7x7 }) {
    const nodes =
      module === 'A' ? moduleA(poolFeatures) : module === 'B' ? moduleB() : module === 'C' ? moduleC(channels7x7) : module === 'D' ? moduleD() : moduleE();
    return { nodes, output: 'concat' };
  },
};
