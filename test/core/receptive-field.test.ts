import { describe, expect, it } from 'vitest';
import { analyse } from '../../renderer/core/analysis';
import type { GraphNode } from '../../renderer/core/ir';
import { alexnetFeatures, chain, graph, node } from './graph-helpers';

function vgg16Features() {
  const steps: [string, string, Record<string, unknown>?][] = [['x', 'Input', { channels: 3, height: 224, width: 224 }]];
  [2, 2, 3, 3, 3].forEach((convs, stage) => {
    for (let i = 0; i < convs; i++) steps.push([`conv${stage + 1}_${i + 1}`, 'Conv2d', { outChannels: 64, kernel: 3, padding: 1 }], [`relu${stage + 1}_${i + 1}`, 'ReLU']);
    steps.push([`pool${stage + 1}`, 'MaxPool2d', { kernel: 2 }]);
  });
  return chain(...steps);
}

describe('receptive field (Araujo et al., Distill 2019)', () => {
  it("gives AlexNet's features a 195-pixel field with stride 32 (Araujo et al.'s table)", () => {
    const analysis = analyse(alexnetFeatures());
    expect(analysis.issues).toEqual([]);
    // Padding by the recursion P_out = P_in + p·S_in: 2 (conv1) + 2·8 (conv2) + 1·16 ×3 (conv3–5) = 66.
    expect(analysis.receptiveField).toEqual({ layer: 'pool5', size: 195, minSize: 195, stride: 32, padding: 66, alignedCentres: true });
    const conv2 = analysis.layers.find((layer) => layer.name === 'conv2')!;
    expect(conv2.receptiveField).toEqual({ size: [51, 51], minSize: [51, 51], stride: [8, 8], padding: [18, 18], alignedCentres: true });
  });

  it("gives VGG-16's features a 212-pixel field with stride 32 (Araujo et al.'s table)", () => {
    expect(analyse(vgg16Features()).receptiveField).toMatchObject({ layer: 'pool5', size: 212, stride: 32, padding: 90 });
  });

  it('widens by the dilated kernel: r += d·(k − 1)·S', () => {
    const analysis = analyse(
      chain(
        ['x', 'Input', { channels: 1, height: 32, width: 32 }],
        ['down', 'Conv2d', { outChannels: 1, kernel: 2, stride: 2 }],
        ['dilated', 'Conv2d', { outChannels: 1, kernel: 3, dilation: 3, padding: 3 }],
      ),
    );
    // down: r 2, S 2. dilated: k_eff 7 → r = 2 + 6·2 = 14, P = 0 + 3·2 = 6.
    expect(analysis.receptiveField).toMatchObject({ size: 14, stride: 2, padding: 6 });
  });

  it('keeps height and width apart for rectangular kernels, and reports [h, w] when they differ', () => {
    const analysis = analyse(
      chain(['x', 'Input', { channels: 1, height: 17, width: 17 }], ['c', 'Conv2d', { outChannels: 1, kernel: [1, 7], padding: [0, 3] }]),
    );
    expect(analysis.receptiveField).toMatchObject({ size: [1, 7], stride: 1, padding: [0, 3] });
  });

  it("uses the leading padding of 'same' convolutions", () => {
    const analysis = analyse(
      chain(['x', 'Input', { channels: 1, height: 8, width: 8 }], ['c', 'Conv2d', { outChannels: 1, kernel: 3, stride: 2, padding: 'same' }]),
    );
    expect(analysis.receptiveField).toMatchObject({ size: 3, stride: 2, padding: 0 });
  });

  it('gives the min and max over Inception-style branches, whose centres align', () => {
    const nodes: GraphNode[] = [
      node('x', 'Input', { channels: 3, height: 28, width: 28 }),
      node('b1', 'Conv2d', { outChannels: 8, kernel: 1 }, ['x']),
      node('b3', 'Conv2d', { outChannels: 8, kernel: 3, padding: 1 }, ['x']),
      node('b5', 'Conv2d', { outChannels: 8, kernel: 5, padding: 2 }, ['x']),
      node('cat', 'Concat', {}, ['b1', 'b3', 'b5']),
    ];
    expect(analyse(graph(nodes)).receptiveField).toEqual({ layer: 'cat', size: 5, minSize: 1, stride: 1, padding: 2, alignedCentres: true });
  });

  it('notices branches whose centres are shifted', () => {
    const nodes: GraphNode[] = [
      node('x', 'Input', { channels: 1, height: 9, width: 9 }),
      node('point', 'Conv2d', { outChannels: 1, kernel: 1 }, ['x']),
      // A 2×2 kernel padded only at the bottom/right is centred half a pixel off.
      node('shifted', 'Conv2d', { outChannels: 1, kernel: 2, padding: [0, 0, 1, 1] }, ['x']),
      node('sum', 'Add', {}, ['point', 'shifted']),
    ];
    const field = analyse(graph(nodes)).receptiveField!;
    expect(field).toMatchObject({ size: 2, minSize: 1, alignedCentres: false });
  });

  it('follows the longest path through a residual connection', () => {
    const nodes: GraphNode[] = [
      node('x', 'Input', { channels: 4, height: 16, width: 16 }),
      node('c1', 'Conv2d', { outChannels: 4, kernel: 3, padding: 1 }, ['x']),
      node('c2', 'Conv2d', { outChannels: 4, kernel: 3, padding: 1 }, ['c1']),
      node('sum', 'Add', {}, ['c2', 'x']),
      node('pool', 'MaxPool2d', { kernel: 2 }, ['sum']),
    ];
    expect(analyse(graph(nodes)).receptiveField).toEqual({ layer: 'pool', size: 6, minSize: 2, stride: 2, padding: 2, alignedCentres: true });
  });

  it('ends at global pooling, Flatten and Dense, reporting the last spatial layer', () => {
    const analysis = analyse(
      chain(
        ['x', 'Input', { channels: 1, height: 8, width: 8 }],
        ['c', 'Conv2d', { outChannels: 4, kernel: 3 }],
        ['gap', 'GlobalAvgPool'],
        ['flat', 'Flatten'],
        ['fc', 'Dense', { outFeatures: 2 }],
      ),
    );
    expect(analysis.receptiveField).toMatchObject({ layer: 'c', size: 3 });
    expect(analysis.layers.slice(2).map((layer) => layer.receptiveField)).toEqual([null, null, null]);
  });

  it('stays exact and fast through densely concatenated layers (paths with equal fields merge)', () => {
    const nodes: GraphNode[] = [node('x', 'Input', { channels: 4, height: 64, width: 64 })];
    const features = ['x'];
    for (let i = 0; i < 40; i++) {
      const source = features.length === 1 ? 'x' : `cat${i}`;
      if (features.length > 1) nodes.push(node(source, 'Concat', {}, [...features]));
      nodes.push(node(`conv${i}`, 'Conv2d', { outChannels: 2, kernel: 3, padding: 1 }, [source]));
      features.push(`conv${i}`);
    }
    nodes.push(node('out', 'Concat', {}, [...features]));
    const field = analyse(graph(nodes)).receptiveField!;
    expect(field).toMatchObject({ layer: 'out', size: 81, minSize: 1, alignedCentres: true });
  });
});
