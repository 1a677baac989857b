import { describe, expect, it } from 'vitest';
import type { FlatGraph, FlatNode } from '../../renderer/core/ir';
import { inferShapes } from '../../renderer/core/shape-inference';

function flat(nodes: [id: string, kind: string, inputs: string[], attrs?: Record<string, unknown>][]): FlatGraph {
  return {
    name: 'flat',
    nodes: nodes.map(([id, kind, inputs, attrs = {}]) => ({ id, kind, inputs, attrs, blockPath: [] }) as unknown as FlatNode),
    output: nodes[nodes.length - 1]![0],
  };
}

describe('inferShapes', () => {
  it('gives every edge its shape, in order, with the input shapes each layer sees', () => {
    const inference = inferShapes(
      flat([
        ['x', 'Input', [], { channels: 3, height: 32, width: 32 }],
        ['a', 'Conv2d', ['x'], { outChannels: 16, kernel: 3, padding: 1 }],
        ['b', 'Conv2d', ['x'], { outChannels: 8, kernel: 1 }],
        ['cat', 'Concat', ['a', 'b']],
        ['pool', 'AvgPool2d', ['cat'], { kernel: 2 }],
        ['gap', 'GlobalAvgPool', ['pool']],
        ['flat', 'Flatten', ['gap']],
        ['fc', 'Dense', ['flat'], { outFeatures: 10 }],
      ]),
    );
    expect(inference.issues).toEqual([]);
    expect(inference.layers.map((layer) => [layer.node.id, layer.output])).toEqual([
      ['x', [3, 32, 32]],
      ['a', [16, 32, 32]],
      ['b', [8, 32, 32]],
      ['cat', [24, 32, 32]],
      ['pool', [24, 16, 16]],
      ['gap', [24, 1, 1]],
      ['flat', [24]],
      ['fc', [10]],
    ]);
    expect(inference.byId.get('cat')!.inputs).toEqual([
      { id: 'a', shape: [16, 32, 32] },
      { id: 'b', shape: [8, 32, 32] },
    ]);
    expect(inference.byId.get('fc')!.rules!.params()).toEqual({ trainable: 250, nonTrainable: 0 });
  });

  it('reports a badly wired layer’s attribute problems too, and skips what it feeds', () => {
    const inference = inferShapes(
      flat([
        ['x', 'Input', [], { channels: 3, height: 8, width: 8 }],
        ['c', 'Conv2d', [], { outChannels: 0, kernel: 3 }],
        ['r', 'ReLU', ['c']],
      ]),
    );
    expect(inference.issues.map((issue) => [issue.nodeId, issue.field])).toEqual([
      ['c', 'inputs'],
      ['c', 'outChannels'],
    ]);
    expect(inference.byId.get('r')!.output).toBeNull();
  });
});
