import { describe, expect, it } from 'vitest';
import { analyse } from '../../../renderer/core/analysis';
import type { LayerGraph } from '../../../renderer/core/ir';
import { copyNodes, pasteNodes } from '../../../renderer/editor/clipboard';
import {
  addNodes,
  clearPositions,
  connect,
  connectionProblem,
  disconnect,
  GraphEditError,
  groupIntoBlock,
  moveNodes,
  newBlock,
  newLayer,
  removeNodes,
  renameNode,
  setBlockParams,
  setCollapsed,
  setLayerAttrs,
  uniqueId,
} from '../../../renderer/editor/graph-edit';

function chain(): LayerGraph {
  return {
    format: 'model-lab/graph',
    version: 1,
    name: 'chain',
    nodes: [
      { id: 'input', kind: 'Input', attrs: { channels: 1, height: 28, width: 28 }, inputs: [] },
      { id: 'conv1', kind: 'Conv2d', attrs: { outChannels: 8, kernel: 3, padding: 1 }, inputs: ['input'] },
      { id: 'relu1', kind: 'ReLU', attrs: {}, inputs: ['conv1'] },
      { id: 'flatten', kind: 'Flatten', attrs: {}, inputs: ['relu1'] },
      { id: 'fc', kind: 'Dense', attrs: { outFeatures: 10 }, inputs: ['flatten'] },
    ],
  };
}

describe('graph edits', () => {
  it('makes fresh ids from a stem', () => {
    expect(uniqueId(['conv1', 'conv2'], 'conv')).toBe('conv3');
    expect(uniqueId([], 'fc7')).toBe('fc1');
  });

  it('adds layers with catalogue defaults and refuses duplicate ids', () => {
    const graph = chain();
    const conv = newLayer(graph, 'Conv2d', ['relu1'], { x: 10.4, y: 20.6 });
    expect(conv.id).toBe('conv2');
    expect(conv.position).toEqual({ x: 10, y: 21 });
    const next = addNodes(graph, [conv]);
    expect(next.nodes).toHaveLength(6);
    expect(graph.nodes).toHaveLength(5);
    expect(() => addNodes(next, [{ ...conv }])).toThrow(GraphEditError);
  });

  it('removes nodes and the connections to them', () => {
    const next = removeNodes(chain(), ['relu1']);
    expect(next.nodes.map((node) => node.id)).toEqual(['input', 'conv1', 'flatten', 'fc']);
    expect(next.nodes.find((node) => node.id === 'flatten')!.inputs).toEqual([]);
    expect(removeNodes(next, ['nothing'])).toBe(next);
  });

  it('connects: replaces the input of a one-input layer, appends to Concat, refuses cycles', () => {
    let graph = removeNodes(chain(), ['relu1']);
    graph = connect(graph, 'conv1', 'flatten');
    expect(analyse(graph).totals.params).toBe(8 * 9 + 8 + 8 * 28 * 28 * 10 + 10);
    graph = connect(graph, 'input', 'flatten');
    expect(graph.nodes.find((node) => node.id === 'flatten')!.inputs).toEqual(['input']);
    graph = addNodes(graph, [{ id: 'cat', kind: 'Concat', attrs: {}, inputs: ['input'] }]);
    graph = connect(graph, 'conv1', 'cat');
    expect(graph.nodes.find((node) => node.id === 'cat')!.inputs).toEqual(['input', 'conv1']);
    expect(connectionProblem(graph, 'fc', 'conv1')).toBeNull();
    expect(connectionProblem(graph, 'cat', 'conv1')).toMatch(/cycle/);
    expect(() => connect(graph, 'conv1', 'input')).toThrow(/takes no inputs/);
    expect(() => connect(graph, 'conv1', 'cat')).toThrow(/already feeds/);
    expect(disconnect(graph, 'conv1', 'cat').nodes.find((node) => node.id === 'cat')!.inputs).toEqual(['input']);
  });

  it('sets attributes and block parameters, returning the same graph when nothing changes', () => {
    const graph = chain();
    const next = setLayerAttrs(graph, 'fc', { outFeatures: 100 });
    expect(analyse(next).output).toEqual([100]);
    expect(setLayerAttrs(next, 'fc', { outFeatures: 100 })).toBe(next);
    const withBlock = addNodes(graph, [newBlock(graph, 'VGG', ['relu1'])]);
    const block = withBlock.nodes.at(-1)!;
    expect(block.kind).toBe('Block');
    const edited = setBlockParams(withBlock, block.id, { convs: 1, channels: 16 }, 3);
    const node = edited.nodes.at(-1)!;
    expect(node.kind === 'Block' && node.repeat).toBe(3);
    expect(() => setBlockParams(graph, 'fc', {})).toThrow(/not a block/);
    expect(setCollapsed(edited, block.id, false).nodes.at(-1)).toMatchObject({ collapsed: false });
  });

  it('renames a node and every reference to it', () => {
    const graph = { ...chain(), output: 'fc' };
    const next = renameNode(graph, 'conv1', 'features');
    expect(next.nodes[1]!.id).toBe('features');
    expect(next.nodes[2]!.inputs).toEqual(['features']);
    expect(renameNode(graph, 'fc', 'classifier').output).toBe('classifier');
    expect(() => renameNode(graph, 'conv1', 'relu1')).toThrow(/already exists/);
    expect(() => renameNode(graph, 'conv1', '$in0')).toThrow(/reserved/);
  });

  it('stores and clears hand-placed positions', () => {
    const moved = moveNodes(chain(), new Map([['conv1', { x: 1.2, y: 3.7 }]]));
    expect(moved.nodes[1]!.position).toEqual({ x: 1, y: 4 });
    expect(moveNodes(moved, new Map([['conv1', { x: 1, y: 4 }]]))).toBe(moved);
    expect(clearPositions(moved).nodes.some((node) => node.position)).toBe(false);
  });

  it('groups a single-exit selection into a Custom block with the same figures', () => {
    const graph = chain();
    const grouped = groupIntoBlock(graph, ['conv1', 'relu1'], 'features');
    expect(grouped.nodes.map((node) => node.id)).toEqual(['input', 'features', 'flatten', 'fc']);
    expect(grouped.nodes[2]!.inputs).toEqual(['features']);
    const before = analyse(graph);
    const after = analyse(grouped);
    expect(after.issues).toEqual([]);
    expect(after.totals.params).toBe(before.totals.params);
    expect(after.output).toEqual(before.output);
    expect(() => groupIntoBlock(graph, ['conv1'])).toThrow(/at least two/);
  });

  it('copies and pastes with fresh ids, keeping inner connections only', () => {
    const graph = chain();
    const content = copyNodes(graph, ['conv1', 'relu1'])!;
    const pasted = pasteNodes(graph, content);
    expect(pasted.map((node) => node.id)).toEqual(['conv1_copy', 'relu1_copy']);
    expect(pasted[0]!.inputs).toEqual([]);
    expect(pasted[1]!.inputs).toEqual(['conv1_copy']);
    const twice = pasteNodes(addNodes(graph, pasted), content);
    expect(twice.map((node) => node.id)).toEqual(['conv1_copy2', 'relu1_copy2']);
    expect(copyNodes(graph, ['nothing'])).toBeNull();
  });
});
