import { describe, expect, it } from 'vitest';
import { analyse } from '../../renderer/core/analysis';
import type { BlockNode, GraphNode } from '../../renderer/core/ir';
import { alexnetFeatures, chain, graph, node } from './graph-helpers';

function torchvisionAlexNet() {
  const features = alexnetFeatures();
  const head: GraphNode[] = [
    node('avgpool', 'AdaptiveAvgPool2d', { outputSize: 6 }, ['pool5']),
    node('flatten', 'Flatten', {}, ['avgpool']),
    node('drop1', 'Dropout', {}, ['flatten']),
    node('fc1', 'Dense', { outFeatures: 4096 }, ['drop1']),
    node('relu6', 'ReLU', {}, ['fc1']),
    node('drop2', 'Dropout', {}, ['relu6']),
    node('fc2', 'Dense', { outFeatures: 4096 }, ['drop2']),
    node('relu7', 'ReLU', {}, ['fc2']),
    node('fc3', 'Dense', { outFeatures: 1000 }, ['relu7']),
  ];
  return graph([...features.nodes, ...head]);
}

describe('analyse', () => {
  it("reproduces torchvision AlexNet's published parameter count and MACs", () => {
    const analysis = analyse(torchvisionAlexNet());
    expect(analysis.issues).toEqual([]);
    expect(analysis.totals.params).toBe(61_100_840);
    expect(analysis.totals.trainableParams).toBe(61_100_840);
    expect(analysis.totals.macs).toBe(714_188_480); // torchvision lists 0.71 GFLOPS, fvcore's multiply-add count
    expect(analysis.totals.flops).toBe(2 * 714_188_480);
    expect(analysis.input).toEqual([3, 224, 224]);
    expect(analysis.output).toEqual([1000]);
    expect(analysis.layers.map((layer) => layer.name).slice(0, 3)).toEqual(['x', 'conv1', 'relu1']);
    expect(analysis.layers.find((layer) => layer.name === 'pool5')).toMatchObject({ kind: 'MaxPool2d', inputShapes: [[256, 13, 13]], outputShape: [256, 6, 6] });
  });

  it('counts BatchNorm running statistics as non-trainable parameters', () => {
    const analysis = analyse(
      chain(['x', 'Input', { channels: 3, height: 8, width: 8 }], ['c', 'Conv2d', { outChannels: 16, kernel: 3, bias: false }], ['bn', 'BatchNorm']),
    );
    expect(analysis.totals).toMatchObject({ params: 432 + 64, trainableParams: 432 + 32, nonTrainableParams: 32 });
    expect(analysis.layers[2]).toMatchObject({ params: 64, trainableParams: 32 });
  });

  it('counts every layer when asked, by each kind’s documented rule', () => {
    const stack = chain(
      ['x', 'Input', { channels: 1, height: 4, width: 4 }],
      ['c', 'Conv2d', { outChannels: 2, kernel: 3, padding: 1 }],
      ['bn', 'BatchNorm'],
      ['r', 'ReLU'],
      ['p', 'MaxPool2d', { kernel: 2 }],
      ['f', 'Flatten'],
      ['fc', 'Dense', { outFeatures: 3 }],
    );
    const conventional = analyse(stack);
    expect(conventional.totals.macs).toBe(2 * 16 * 9 + 8 * 3);
    const every = analyse(stack, { countAllLayers: true });
    expect(every.countAllLayers).toBe(true);
    expect(every.layers.map((layer) => layer.macs)).toEqual([0, 288, 32, 32, 2 * 2 * 2 * 4, 0, 24]);
    expect(every.totals.macs).toBe(288 + 32 + 32 + 32 + 24);
  });

  it('reports every shape error at once, each at its node and quoting the shapes', () => {
    const nodes: GraphNode[] = [
      node('x', 'Input', { channels: 3, height: 28, width: 28 }),
      node('a', 'Conv2d', { outChannels: 8, kernel: 3, padding: 1 }, ['x']),
      node('b', 'Conv2d', { outChannels: 8, kernel: 2 }, ['x']),
      node('cat', 'Concat', {}, ['a', 'b']),
      node('fc', 'Dense', { outFeatures: 10 }, ['a']),
      node('grouped', 'Conv2d', { outChannels: 4, kernel: 1, groups: 2 }, ['x']),
      node('sum', 'Add', {}, ['a', 'x']),
      node('big', 'Conv2d', { outChannels: 1, kernel: 31 }, ['x']),
    ];
    const analysis = analyse(graph(nodes, { output: 'fc' }));
    const byNode = Object.fromEntries(analysis.issues.map((issue) => [issue.nodeId, issue.message]));
    expect(Object.keys(byNode).sort()).toEqual(['big', 'cat', 'fc', 'grouped', 'sum']);
    expect(byNode.cat).toContain("28×28 from 'a', 27×27 from 'b'");
    expect(byNode.fc).toContain('insert a Flatten');
    expect(byNode.grouped).toContain("'x' has 3 channels");
    expect(byNode.sum).toContain("8×28×28 from 'a', 3×28×28 from 'x'");
    expect(byNode.big).toContain('31×31 kernel');
    expect(analysis.totals.memory).toBeNull();
  });

  it('does not cascade: layers after a broken one are skipped quietly', () => {
    const analysis = analyse(
      chain(
        ['x', 'Input', { channels: 3, height: 8, width: 8 }],
        ['c', 'Conv2d', { outChannels: 8, kernel: 11 }],
        ['r', 'ReLU'],
        ['p', 'MaxPool2d', { kernel: 2 }],
        ['fc', 'Dense', { outFeatures: 10 }],
      ),
    );
    expect(analysis.issues).toHaveLength(1);
    expect(analysis.issues[0]).toMatchObject({ nodeId: 'c', field: 'kernel' });
    expect(analysis.layers.map((layer) => layer.outputShape)).toEqual([[3, 8, 8], null, null, null, null]);
  });

  it('reports structural, attribute and shape problems together', () => {
    const nodes: GraphNode[] = [
      node('x', 'Input', { channels: 3, height: 8, width: 8 }),
      node('bad', 'Conv2d', { outChannels: -1, kernel: 3 }, ['x']),
      node('orphan', 'ReLU', {}, []),
      node('loop', 'Add', {}, ['x', 'loop']),
      node('fc', 'Dense', { outFeatures: 2 }, ['x']),
    ];
    const analysis = analyse(graph(nodes));
    expect(analysis.issues.map((issue) => [issue.nodeId, issue.field])).toEqual([
      ['orphan', 'inputs'],
      ['loop', 'inputs'],
      ['bad', 'outChannels'],
      ['fc', 'inputs'],
    ]);
  });

  it('reports a problem found by both block expansion and the flat-graph checks once', () => {
    const nodes: GraphNode[] = [node('x', 'Input', { channels: 1, height: 8, width: 8 }), node('a', 'ReLU', {}, ['x']), node('a', 'Sigmoid', {}, ['x'])];
    const analysis = analyse(graph(nodes, { output: 'nowhere' }));
    expect(analysis.issues.map((issue) => issue.field).sort()).toEqual(['id', 'output']);
  });

  it('never throws on junk typed as a graph', () => {
    const junk = [
      { format: 'model-lab/graph', version: 1, name: 'j', nodes: [null, 3, { id: 'x' }] },
      { format: 'model-lab/graph', version: 1, name: 'j', nodes: [{ id: 'x', kind: 'Warp', attrs: {}, inputs: [] }] },
      { format: 'model-lab/graph', version: 1, name: 'j', nodes: [{ id: 'x', kind: 'Input', attrs: 'big', inputs: [] }] },
      { format: 'model-lab/graph', version: 1, name: 'j', nodes: [] },
      { format: 'model-lab/graph', version: 1, name: 'j', nodes: [{ id: 'x', kind: 'Input', inputs: [7] }] },
      { format: 'model-lab/graph', version: 1, name: 'j', nodes: [{ id: 'x', kind: 'Input', attrs: { channels: 1, height: 4, width: 4 }, inputs: [] }], output: 42 },
      null,
    ];
    for (const value of junk) {
      const analysis = analyse(value as never);
      expect(analysis.issues.length, JSON.stringify(value)).toBeGreaterThan(0);
      expect(analysis.issues.every((issue) => issue.message.length > 20)).toBe(true);
    }
  });

  it('expands blocks and attributes their layers and errors to the block', () => {
    const stage: BlockNode = { id: 'layer1', kind: 'Block', block: 'ResidualBasic', params: { channels: 8 }, repeat: 2, inputs: ['x'] };
    const analysis = analyse(graph([node('x', 'Input', { channels: 8, height: 16, width: 16 }), stage]));
    expect(analysis.issues).toEqual([]);
    const conv = analysis.layers.find((layer) => layer.name === 'layer1.1.conv1')!;
    expect(conv).toMatchObject({ kind: 'Conv2d', blockPath: ['layer1', 'layer1.1'], outputShape: [8, 16, 16], params: 8 * 8 * 9 });
    // Two blocks of two 3×3 convolutions: the longest path grows by 2 four times, the shortcut path stays at 1.
    expect(analysis.receptiveField).toMatchObject({ size: 9, minSize: 1, stride: 1 });

    const wrong: BlockNode = { ...stage, params: { channels: 16 } };
    const broken = analyse(graph([node('x', 'Input', { channels: 8, height: 16, width: 16 }), wrong]));
    expect(broken.issues).toEqual([expect.objectContaining({ nodeId: 'layer1', layer: 'layer1.0.add', field: 'inputs' })]);
    expect(broken.issues[0]!.message).toContain("16×16×16 from 'layer1.0.bn2', 8×16×16 from 'x'");
  });

  it('estimates memory: peak live activations for inference; kept activations, gradients and optimiser state for training', () => {
    const stack = chain(
      ['x', 'Input', { channels: 1, height: 4, width: 4 }], // 16 values
      ['c', 'Conv2d', { outChannels: 2, kernel: 3, padding: 1 }], // 32 values, 20 params
      ['r', 'ReLU'], // 32
      ['f', 'Flatten'], // 32
      ['fc', 'Dense', { outFeatures: 3 }], // 3 values, 99 params
    );
    const memory = analyse(stack, { batch: 2, optimizer: 'adam' }).totals.memory!;
    // Live values after each step: 16, 16+32, 32+32, 32+32, 32+3 → peak 64 values × batch 2 × 4 bytes.
    expect(memory.inferenceActivations).toBe(64 * 2 * 4);
    expect(memory.parameters).toBe(119 * 4);
    expect(memory.inference).toBe(119 * 4 + 512);
    expect(memory.trainingActivations).toBe((16 + 32 + 32 + 32 + 3) * 2 * 4);
    expect(memory.gradients).toBe(119 * 4);
    expect(memory.optimizerState).toBe(2 * 119 * 4);
    expect(memory.training).toBe(119 * 4 * 4 + 920);
    expect(analyse(stack, { optimizer: 'sgd' }).totals.memory!.optimizerState).toBe(0);
    expect(analyse(stack).totals.memory).toMatchObject({ batch: 1, optimizer: 'sgd-momentum', optimizerState: 119 * 4 });
  });

  it('gives frozen layers no gradients or optimiser state', () => {
    const stack = chain(['x', 'Input', { channels: 1, height: 4, width: 4 }], ['c', 'Conv2d', { outChannels: 2, kernel: 3 }], ['f', 'Flatten'], ['fc', 'Dense', { outFeatures: 3 }]);
    (stack.nodes[1] as { train?: object }).train = { lrMultiplier: 0 };
    const memory = analyse(stack).totals.memory!;
    expect(memory.gradients).toBe((8 * 3 + 3) * 4);
    expect(memory.parameters).toBe((20 + 27) * 4);
  });

  it('refuses a batch size that is not a positive whole number', () => {
    const analysis = analyse(alexnetFeatures(), { batch: 0 });
    expect(analysis.issues).toEqual([expect.objectContaining({ field: 'batch' })]);
    expect(analysis.totals.memory!.batch).toBe(1);
  });
});
