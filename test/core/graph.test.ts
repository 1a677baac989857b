import { describe, expect, it } from 'vitest';
import { checkFlatGraph, GRAPH_ISSUE, parseGraph } from '../../renderer/core/graph';
import type { FlatGraph, FlatNode } from '../../renderer/core/ir';
import { zoo } from '../../models/index';
import { graph, node } from './graph-helpers';

function flat(nodes: [id: string, kind: string, inputs: string[], attrs?: Record<string, unknown>][], output?: string): FlatGraph {
  return {
    name: 'flat',
    nodes: nodes.map(([id, kind, inputs, attrs = {}]) => ({ id, kind, inputs, attrs, blockPath: [] }) as unknown as FlatNode),
    output: output ?? nodes[nodes.length - 1]![0],
  };
}

const input = { channels: 1, height: 8, width: 8 };

describe('parseGraph', () => {
  it('returns a valid graph unchanged', () => {
    const valid = graph([node('x', 'Input', input), node('c', 'Conv2d', { outChannels: 4, kernel: 3 }, ['x'])], { output: 'c' });
    expect(parseGraph(JSON.stringify(valid))).toEqual({ graph: valid, issues: [] });
  });

  it('explains malformed JSON instead of throwing', () => {
    const parsed = parseGraph('{"format": "model-lab/graph", "nodes": [');
    expect(parsed.graph).toBeNull();
    expect(parsed.issues).toHaveLength(1);
    expect(parsed.issues[0]!.message).toMatch(/^The graph is not valid JSON: /);
  });

  it('rejects values that are not graphs', () => {
    for (const value of ['null', '[]', '42', '"graph"']) {
      const parsed = parseGraph(value);
      expect(parsed.graph).toBeNull();
      expect(parsed.issues[0]!.field).toBe('format');
    }
  });

  it('reports wrong format, version, name and unknown fields, all at once', () => {
    const parsed = parseGraph({ format: 'onnx', version: 2, nodes: [], layers: [] });
    expect(parsed.issues.map((issue) => issue.field)).toEqual(['format', 'version', 'name', 'layers', 'nodes']);
    expect(parsed.issues[0]!.message).toContain('"onnx"');
    expect(parsed.issues[1]!.message).toContain('version is 2');
    expect(parsed.issues[3]!.message).toContain("unknown field 'layers'");
    expect(parsed.issues.every((issue) => issue.nodeId === GRAPH_ISSUE)).toBe(true);
  });

  it('names the node and field for every node problem, quoting the bad value', () => {
    const parsed = parseGraph(
      graph([
        node('x', 'Input', { channels: 3, height: 0, width: -4 }),
        node('c', 'Convolution', {}, ['x']),
        node('d', 'Dense', { outFeatures: 2.5 }, ['nowhere']),
        node('x', 'ReLU', {}, ['d']),
        { ...node('r', 'ReLU', {}, ['x']), colour: 'red' } as never,
      ]),
    );
    expect(parsed.graph).toBeNull();
    const found = parsed.issues.map((issue) => [issue.nodeId, issue.field]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['x', 'height'],
        ['x', 'width'],
        ['c', 'kind'],
        ['d', 'outFeatures'],
        ['x', 'id'],
        ['r', 'colour'],
        ['d', 'inputs[0]'],
      ]),
    );
    const message = (nodeId: string, field: string) => parsed.issues.find((issue) => issue.nodeId === nodeId && issue.field === field)!.message;
    expect(message('x', 'height')).toContain('= 0');
    expect(message('x', 'width')).toContain('= -4');
    expect(message('c', 'kind')).toMatch(/"Convolution", which Model Lab does not know; use one of Input, Conv2d/);
    expect(message('d', 'outFeatures')).toContain('= 2.5');
    expect(message('x', 'id')).toContain("Two nodes are named 'x'");
    expect(message('d', 'inputs[0]')).toContain("'nowhere'");
  });

  it('checks node fields that are not attributes: inputs, train and position', () => {
    const parsed = parseGraph(
      graph([
        node('x', 'Input', input),
        { ...node('a', 'ReLU', {}, ['x']), train: { lrMultiplier: -1 } } as never,
        { ...node('b', 'ReLU', {}, ['a']), position: { x: 'left' } } as never,
        { id: 'c', kind: 'ReLU', attrs: {}, inputs: 'b' } as never,
        { id: 'd', kind: 'ReLU', attrs: {} } as never,
      ]),
    );
    expect(parsed.issues.map((issue) => [issue.nodeId, issue.field])).toEqual([
      ['a', 'train'],
      ['b', 'position'],
      ['c', 'inputs'],
      ['d', 'inputs'],
    ]);
  });

  it("checks a block's JSON shape and its body's references, leaving parameters to the block", () => {
    const parsed = parseGraph(
      graph([
        node('x', 'Input', input),
        { id: 'b', kind: 'Block', block: 'Custom', params: {}, repeat: 0, inputs: ['x'], body: [node('r', 'ReLU', {}, ['$in1'])], output: 'q' } as never,
      ]),
    );
    const fields = parsed.issues.map((issue) => [issue.nodeId, issue.layer, issue.field]);
    expect(fields).toEqual([
      ['b', undefined, 'repeat'],
      ['b', 'r', 'inputs[0]'],
      ['b', undefined, 'output'],
    ]);
  });

  it('accepts every zoo model written out as JSON (blocks included)', () => {
    for (const model of zoo) {
      const built = model.build();
      expect(parseGraph(JSON.stringify(built)), model.id).toEqual({ graph: built, issues: [] });
    }
  });

  it('reports an output that is not a node', () => {
    const parsed = parseGraph(graph([node('x', 'Input', input)], { output: 'y' }));
    expect(parsed.issues).toEqual([expect.objectContaining({ nodeId: GRAPH_ISSUE, field: 'output' })]);
  });
});

describe('checkFlatGraph', () => {
  it('orders nodes after their inputs, keeping the listed order where it can', () => {
    const checked = checkFlatGraph(
      flat([
        ['sum', 'Add', ['b', 'a']],
        ['a', 'ReLU', ['x']],
        ['x', 'Input', [], input],
        ['b', 'Sigmoid', ['x']],
      ]),
    );
    expect(checked.issues).toEqual([]);
    expect(checked.order.map((n) => n.id)).toEqual(['x', 'b', 'a', 'sum']);
  });

  it('reports a cycle once, naming its layers in order, and leaves it out of the order', () => {
    const checked = checkFlatGraph(
      flat([
        ['x', 'Input', [], input],
        ['a', 'Add', ['x', 'c']],
        ['b', 'ReLU', ['a']],
        ['c', 'ReLU', ['b']],
        ['d', 'ReLU', ['c']],
      ]),
    );
    expect(checked.issues).toHaveLength(1);
    expect(checked.issues[0]!.message).toContain("Layers 'a' → 'b' → 'c' → 'a' form a cycle");
    expect(checked.order.map((n) => n.id)).toEqual(['x', 'd']);
    expect([...checked.broken].sort()).toEqual(['a', 'b', 'c']);
  });

  it('reports a layer that reads itself', () => {
    const checked = checkFlatGraph(flat([['x', 'Input', [], input], ['a', 'Add', ['x', 'a']]]));
    expect(checked.issues[0]!.message).toContain("Layers 'a' → 'a' form a cycle");
  });

  it('checks how many inputs each kind takes', () => {
    const checked = checkFlatGraph(
      flat([
        ['x', 'Input', ['y'], input],
        ['y', 'Input', [], input],
        ['lonely', 'ReLU', []],
        ['sum', 'Add', ['y']],
        ['fc', 'Dense', ['y', 'x'], { outFeatures: 2 }],
      ]),
    );
    const byNode = Object.fromEntries(checked.issues.map((issue) => [issue.nodeId, issue.message]));
    expect(byNode.x).toBe("Input 'x' takes no inputs but lists 1 input ('y'); remove them.");
    expect(byNode.lonely).toContain("ReLU 'lonely' has no input connected");
    expect(byNode.sum).toContain("Add 'sum' has 1 input ('y') but needs at least 2");
    expect(byNode.fc).toContain("Dense 'fc' has 2 inputs ('y', 'x') but takes exactly 1");
  });

  it('does not mistake inherited object properties for layer kinds', () => {
    const checked = checkFlatGraph(flat([['x', 'Input', [], input], ['odd', 'toString', ['x']]]));
    expect(checked.issues).toEqual([expect.objectContaining({ nodeId: 'odd', field: 'kind' })]);
    expect(checked.issues[0]!.message).toContain('"toString", which Model Lab does not know');
  });

  it('reports inputs naming unknown layers, duplicate ids and a missing output', () => {
    const checked = checkFlatGraph(
      flat(
        [
          ['x', 'Input', [], input],
          ['a', 'ReLU', ['ghost']],
          ['a', 'ReLU', ['x']],
        ],
        'out',
      ),
    );
    expect(checked.issues.map((issue) => [issue.nodeId, issue.field])).toEqual([
      ['a', 'id'],
      ['a', 'inputs[0]'],
      [GRAPH_ISSUE, 'output'],
    ]);
    expect(checked.issues[1]!.message).toContain("'ghost'");
  });

  it('locates problems inside a block at the block, naming the layer', () => {
    const nodes = [
      { id: 'x', kind: 'Input', attrs: input, inputs: [], blockPath: [] },
      { id: 'stage.0.sum', kind: 'Add', attrs: {}, inputs: ['x'], blockPath: ['stage', 'stage.0'] },
    ] as unknown as FlatNode[];
    const checked = checkFlatGraph({ name: 'g', nodes, output: 'stage.0.sum' });
    expect(checked.issues).toEqual([expect.objectContaining({ nodeId: 'stage', layer: 'stage.0.sum', field: 'inputs' })]);
  });

  it('orders a very deep chain without overflowing the stack', () => {
    const deep: [string, string, string[], Record<string, unknown>?][] = [['x', 'Input', [], input]];
    for (let i = 0; i < 50_000; i++) deep.push([`r${i}`, 'ReLU', [i === 0 ? 'x' : `r${i - 1}`]]);
    const checked = checkFlatGraph(flat(deep.reverse()));
    expect(checked.order).toHaveLength(50_001);
    expect(checked.order[0]!.id).toBe('x');
  });
});
