// What-if comparisons: two small graphs side by side, analysed by the model core. The presets are the classic
// arguments: VGG's stack of three 3×3 convolutions against one 7×7 (same receptive field, 27C² against 49C²
// weights) and GoogLeNet's 1×1 bottleneck before a 5×5 convolution.
import { analyse, type Analysis } from '../core/analysis';
import type { LayerGraph, LayerNode } from '../core/ir';

export interface Comparison {
  id: string;
  title: string;
  /** Why the comparison matters, in one sentence. */
  point: string;
  left: LayerGraph;
  right: LayerGraph;
}

function graph(name: string, nodes: LayerNode[]): LayerGraph {
  return { format: 'model-lab/graph', version: 1, name, nodes };
}

function input(channels: number, size: number): LayerNode {
  return { id: 'input', kind: 'Input', attrs: { channels, height: size, width: size }, inputs: [] };
}

function conv(id: string, from: string, outChannels: number, kernel: number, padding: number): LayerNode {
  return { id, kind: 'Conv2d', attrs: { outChannels, kernel, padding, bias: false }, inputs: [from] };
}

/** One 7×7 convolution against three stacked 3×3 ones, C channels in and out (no bias, as the VGG argument counts). */
export function vggStack(channels: number, size = 56): Comparison {
  const stacked: LayerNode[] = [input(channels, size)];
  let previous = 'input';
  for (let i = 1; i <= 3; i++) {
    stacked.push(conv(`conv${i}`, previous, channels, 3, 1));
    stacked.push({ id: `relu${i}`, kind: 'ReLU', attrs: {}, inputs: [`conv${i}`] });
    previous = `relu${i}`;
  }
  return {
    id: 'vgg',
    title: `One 7×7 vs three 3×3 convolutions (C = ${channels})`,
    point: 'Both see a 7×7 window; the stack has 27C² weights instead of 49C² and two more non-linearities (Simonyan & Zisserman 2015, §2.3).',
    left: graph('one 7×7', [input(channels, size), conv('conv7x7', 'input', channels, 7, 3), { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['conv7x7'] }]),
    right: graph('three 3×3', stacked),
  };
}

/** A 5×5 convolution against a 1×1 bottleneck followed by the 5×5 (no bias). */
export function bottleneck(inChannels = 256, reduced = 64, outChannels = 128, size = 28): Comparison {
  return {
    id: 'bottleneck',
    title: `5×5 vs 1×1 bottleneck + 5×5 (${inChannels} → ${reduced} → ${outChannels})`,
    point: 'A 1×1 convolution that first reduces the channels makes the expensive 5×5 convolution cheap (Szegedy et al. 2015, §4).',
    left: graph('5×5', [input(inChannels, size), conv('conv5x5', 'input', outChannels, 5, 2)]),
    right: graph('1×1 then 5×5', [input(inChannels, size), conv('reduce1x1', 'input', reduced, 1, 0), { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['reduce1x1'] }, conv('conv5x5', 'relu', outChannels, 5, 2)]),
  };
}

export interface Side {
  graph: LayerGraph;
  analysis: Analysis;
}

export function analysePair(comparison: Pick<Comparison, 'left' | 'right'>): [Side, Side] {
  return [
    { graph: comparison.left, analysis: analyse(comparison.left) },
    { graph: comparison.right, analysis: analyse(comparison.right) },
  ];
}
