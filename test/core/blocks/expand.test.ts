// expandGraph: naming, repeat chaining, nesting, Custom bodies, reference rewriting, and every bad-block issue.
import { describe, expect, it } from 'vitest';
import { checkBlock, expandGraph } from '../../../renderer/core/blocks/expand';
import { block } from '../../../renderer/core/blocks/index';
import { add, conv, customBlock, dense, flatten, input, relu } from '../../../renderer/core/blocks/layers';
import { GRAPH_ISSUE } from '../../../renderer/core/graph';
import type { FlatNode, GraphIssue, GraphNode, LayerGraph } from '../../../renderer/core/ir';

function graph(nodes: GraphNode[], extra: Partial<LayerGraph> = {}): LayerGraph {
  return { format: 'model-lab/graph', version: 1, name: 'test', nodes, ...extra };
}

function expand(nodes: GraphNode[], extra: Partial<LayerGraph> = {}) {
  const result = expandGraph(graph(nodes, extra));
  const byId = new Map(result.flat.nodes.map((node) => [node.id, node]));
  const node = (id: string): FlatNode => {
    const found = byId.get(id);
    if (!found) throw new Error(`no flat layer '${id}'; have ${[...byId.keys()].join(', ')}`);
    return found;
  };
  return { ...result, ids: result.flat.nodes.map((n) => n.id), node };
}

/** The issues of a graph whose only problem is the given (top-level) node. */
function issuesOf(bad: GraphNode, before: GraphNode[] = [input('x', 3, 32, 32)]): GraphIssue[] {
  return expandGraph(graph([...before, bad])).issues;
}

describe('expandGraph naming', () => {
  it("prefixes a block's layers with its id and records the block in blockPath", () => {
    const { ids, node, issues } = expand([input('x', 192, 28, 28), block('InceptionV1', 'inception3a', ['x'])]);
    expect(issues).toEqual([]);
    expect(ids).toContain('inception3a.branch1.conv');
    expect(ids).toContain('inception3a.branch2.1.conv');
    expect(ids).toContain('inception3a.branch4.0');
    expect(node('inception3a.branch4.1.conv').inputs).toEqual(['inception3a.branch4.0']);
    expect(node('inception3a.branch1.conv').inputs).toEqual(['x']);
    expect(node('inception3a.concat').blockPath).toEqual(['inception3a']);
    expect(node('x').blockPath).toEqual([]);
  });

  it('numbers the copies of a repeated block and chains each copy to the previous one', () => {
    const { ids, node, flat } = expand([input('x', 64, 8, 8), block('ResidualBasic', 'layer1', ['x'], { channels: 64 }, { repeat: 3 })]);
    expect(ids.filter((id) => id.endsWith('.conv1'))).toEqual(['layer1.0.conv1', 'layer1.1.conv1', 'layer1.2.conv1']);
    expect(node('layer1.0.conv1').inputs).toEqual(['x']);
    expect(node('layer1.1.conv1').inputs).toEqual(['layer1.0.relu']);
    expect(node('layer1.2.add').inputs).toEqual(['layer1.2.bn2', 'layer1.1.relu']);
    expect(node('layer1.1.bn1').blockPath).toEqual(['layer1', 'layer1.1']);
    expect(flat.output).toBe('layer1.2.relu');
  });

  it('does not number a block repeated once', () => {
    const { ids } = expand([input('x', 3, 8, 8), block('VGG', 'block1', ['x'], { convs: 1 }, { repeat: 1 })]);
    expect(ids).toEqual(['x', 'block1.conv1', 'block1.relu1', 'block1.pool']);
  });

  it("rewrites references to a block into its output layer's id, for nodes and for the graph's output", () => {
    const nodes = [
      input('x', 3, 16, 16),
      block('VGG', 'features', ['x'], { convs: 2, channels: 8 }, { repeat: 2 }),
      flatten('flat', 'features'),
      dense('fc', 'flat', 10),
    ];
    expect(expand(nodes).node('flat').inputs).toEqual(['features.1.pool']);
    expect(expand(nodes).flat.output).toBe('fc');
    expect(expand(nodes, { output: 'features' }).flat.output).toBe('features.1.pool');
  });

  it('resolves references to a block that comes later in the node list', () => {
    const { node } = expand([input('x', 3, 8, 8), flatten('flat', 'late'), block('VGG', 'late', ['x'], { convs: 1 })], { output: 'flat' });
    expect(node('flat').inputs).toEqual(['late.pool']);
  });

  it('nests the prefixes and block paths of blocks inside Custom bodies', () => {
    const stage = customBlock(
      'layer2',
      ['x'],
      [block('ResidualBasic', '0', ['$in0'], { channels: 128, stride: 2, projection: true }), block('ResidualBasic', '1', ['0'], { channels: 128 })],
      '1',
    );
    const { node, flat, issues } = expand([input('x', 64, 16, 16), stage]);
    expect(issues).toEqual([]);
    expect(node('layer2.0.downsample.0').inputs).toEqual(['x']);
    expect(node('layer2.0.downsample.0').blockPath).toEqual(['layer2', 'layer2.0']);
    expect(node('layer2.1.conv1').inputs).toEqual(['layer2.0.relu']);
    expect(flat.output).toBe('layer2.1.relu');
  });

  it("follows a Custom block's output through a nested repeated block", () => {
    const outer = customBlock('outer', ['x'], [block('VGG', 'inner', ['$in0'], { convs: 1, channels: 4 }, { repeat: 2 })], 'inner');
    const { node } = expand([input('x', 3, 16, 16), outer, flatten('flat', 'outer')]);
    expect(node('flat').inputs).toEqual(['outer.inner.1.pool']);
    expect(node('outer.inner.1.conv1').blockPath).toEqual(['outer', 'outer.inner', 'outer.inner.1']);
  });

  it("binds '$in0', '$in1' to a Custom block's inputs; later copies get the previous copy as '$in0' and the rest unchanged", () => {
    const merge = customBlock('merge', ['a', 'b'], [add('sum', ['$in0', '$in1']), relu('out', 'sum')], 'out', { repeat: 2 });
    const { node } = expand([input('a', 3, 4, 4), input('b', 3, 4, 4), merge]);
    expect(node('merge.0.sum').inputs).toEqual(['a', 'b']);
    expect(node('merge.1.sum').inputs).toEqual(['merge.0.out', 'b']);
  });

  it("gives a block's training settings to its layers unless a layer has its own", () => {
    const frozen = customBlock('frozen', ['x'], [conv('c1', '$in0', 4, 3), { ...conv('c2', 'c1', 4, 3), train: { lrMultiplier: 0.5 } }], 'c2');
    frozen.train = { lrMultiplier: 0 };
    const { node } = expand([input('x', 3, 16, 16), frozen]);
    expect(node('frozen.c1').train).toEqual({ lrMultiplier: 0 });
    expect(node('frozen.c2').train).toEqual({ lrMultiplier: 0.5 });
    expect(node('x').train).toBeUndefined();
  });

  it('keeps top-level positions and class names, and drops positions of expanded layers', () => {
    const inner = { ...conv('c', '$in0', 4, 3), position: { x: 1, y: 2 } };
    const { node, flat } = expand([{ ...input('x', 3, 8, 8), position: { x: 5, y: 6 } }, customBlock('g', ['x'], [inner], 'c')], { classes: ['cat', 'dog'] });
    expect(node('x').position).toEqual({ x: 5, y: 6 });
    expect(node('g.c').position).toBeUndefined();
    expect(flat.classes).toEqual(['cat', 'dog']);
  });

  it('does not modify the graph it expands', () => {
    const nodes = [input('x', 3, 8, 8), block('VGG', 'b', ['x'], { convs: 1 }, { repeat: 2 })];
    const before = JSON.stringify(nodes);
    expand(nodes);
    expect(JSON.stringify(nodes)).toBe(before);
  });
});

describe('expandGraph issues', () => {
  it('reports an unknown block type, quoting it', () => {
    const issues = issuesOf(block('Resnet' as never, 'b', ['x']));
    expect(issues).toEqual([{ nodeId: 'b', field: 'block', message: expect.stringContaining('"Resnet"') }]);
    expect(issues[0]!.message).toContain('ResidualBasic');
  });

  it.each([
    ['below its minimum', { channels: 0 }, 'params.channels', '= 0'],
    ['not a whole number', { convs: 2.5 }, 'params.convs', '= 2.5'],
    ['of the wrong type', { batchNorm: 'yes' }, 'params.batchNorm', '= "yes"'],
    ['unknown', { chanels: 64 }, 'params.chanels', "unknown parameter 'chanels'"],
  ])('reports a parameter %s', (_, params, field, quoted) => {
    const issues = issuesOf(block('VGG', 'b', ['x'], params as never));
    expect(issues).toEqual([{ nodeId: 'b', field, message: expect.stringContaining(quoted) }]);
  });

  it('reports a choice outside its list and names the choices', () => {
    const issues = issuesOf(block('ResidualBottleneck', 'b', ['x'], { strideOn: '2x2' as never }));
    expect(issues).toEqual([{ nodeId: 'b', field: 'params.strideOn', message: expect.stringMatching(/"2x2".*'3x3', '1x1'/) }]);
  });

  it('reports every bad parameter at once', () => {
    const issues = issuesOf(block('NiN', 'b', ['x'], { channels: -1, kernel: 0, padding: -2 }));
    expect(issues.map((issue) => issue.field)).toEqual(['params.channels', 'params.kernel', 'params.padding']);
  });

  it('reports params that are not an object', () => {
    const bad = { ...block('VGG', 'b', ['x']), params: [1, 2] as never };
    expect(issuesOf(bad)).toEqual([{ nodeId: 'b', field: 'params', message: expect.stringContaining('[1,2]') }]);
  });

  it.each([
    ['ResidualBasic', { stride: 2 }, 'params.projection'],
    ['ResidualBottleneck', { stride: 2, projection: false }, 'params.projection'],
    ['InceptionV1', { branch3Kernel: 4 }, 'params.branch3Kernel'],
    ['InceptionV2', { stride: 2, c1: 64 }, 'params.c1'],
  ] as const)('reports parameters of a %s block that do not fit together', (type, params, field) => {
    expect(issuesOf(block(type, 'b', ['x'], params as never))).toEqual([{ nodeId: 'b', field, message: expect.any(String) }]);
  });

  it.each([0, -1, 1.5, '2'])('reports repeat = %j', (repeat) => {
    const bad = { ...block('VGG', 'b', ['x']), repeat: repeat as never };
    expect(issuesOf(bad)).toEqual([{ nodeId: 'b', field: 'repeat', message: expect.stringContaining(`repeat = ${JSON.stringify(repeat)}`) }]);
  });

  it('reports a parametric block with the wrong number of inputs', () => {
    const issues = issuesOf(block('VGG', 'b', ['x', 'y']), [input('x', 3, 8, 8), input('y', 3, 8, 8)]);
    expect(issues).toEqual([{ nodeId: 'b', field: 'inputs', message: expect.stringContaining('takes exactly 1') }]);
  });

  it('reports a Custom block without a body or with an empty one', () => {
    const missing: GraphNode = { id: 'g', kind: 'Block', block: 'Custom', params: {}, inputs: ['x'], output: 'c' };
    expect(issuesOf(missing)).toEqual([{ nodeId: 'g', field: 'body', message: expect.stringContaining('body = nothing') }]);
    expect(issuesOf(customBlock('g', ['x'], [], 'c'))).toEqual([{ nodeId: 'g', field: 'body', message: expect.stringContaining('body = []') }]);
  });

  it('reports a Custom body node reading a node that is not in the body', () => {
    const issues = issuesOf(customBlock('g', ['x'], [conv('c', 'conv9', 4, 3)], 'c'));
    expect(issues).toEqual([{ nodeId: 'g', field: 'body', message: expect.stringContaining(`'c' reading "conv9"`) }]);
  });

  it("reports a Custom body reading '$in1' when the block has one input", () => {
    const issues = issuesOf(customBlock('g', ['x'], [add('s', ['$in0', '$in1'])], 's'));
    expect(issues).toEqual([{ nodeId: 'g', field: 'body', message: expect.stringContaining('"$in1"') }]);
  });

  it('reports a Custom block without an output, or with one that is not in its body', () => {
    const missing: GraphNode = { id: 'g', kind: 'Block', block: 'Custom', params: {}, inputs: ['x'], body: [relu('r', '$in0')] };
    expect(issuesOf(missing)).toEqual([{ nodeId: 'g', field: 'output', message: expect.stringContaining("one of 'r'") }]);
    expect(issuesOf(customBlock('g', ['x'], [relu('r', '$in0')], 'relu'))).toEqual([
      { nodeId: 'g', field: 'output', message: expect.stringContaining('output = "relu"') },
    ]);
  });

  it("reports duplicate body ids and body ids starting with '$'", () => {
    const issues = issuesOf(customBlock('g', ['x'], [relu('r', '$in0'), relu('r', '$in0'), relu('$in0', '$in0')], 'r'));
    expect(issues.map((issue) => [issue.field, issue.message.includes('unique') || issue.message.includes("'$'")])).toEqual([
      ['body', true],
      ['body', true],
    ]);
  });

  it('reports body nodes without an id', () => {
    const issues = issuesOf(customBlock('g', ['x'], [{ kind: 'ReLU', attrs: {}, inputs: ['$in0'] } as never], 'r'));
    expect(issues).toEqual([{ nodeId: 'g', field: 'body', message: expect.stringContaining('body[0]') }]);
  });

  it('locates a problem in a nested block at the top-level block, naming the nested one as the layer', () => {
    const stage = customBlock('stage', ['x'], [block('VGG', '0', ['$in0'], { convs: -1 })], '0');
    expect(issuesOf(stage)).toEqual([{ nodeId: 'stage', layer: 'stage.0', field: 'params.convs', message: expect.stringContaining("'stage.0'") }]);
  });

  it('reports a bad block inside a repeated block once, not once per copy', () => {
    const stage = customBlock('stage', ['x'], [block('VGG', '0', ['$in0'], { convs: -1 })], '0', { repeat: 3 });
    expect(issuesOf(stage)).toHaveLength(1);
  });

  it('keeps the graph connected around a failed block with a pass-through named after it', () => {
    const { node, issues } = expand([input('x', 3, 8, 8), block('VGG', 'b', ['x'], { convs: 0 }), flatten('flat', 'b')]);
    expect(issues).toHaveLength(1);
    expect(node('b')).toMatchObject({ kind: 'Identity', inputs: ['x'] });
    expect(node('flat').inputs).toEqual(['b']);
  });

  it('reports two layers that expand to the same id', () => {
    const { issues } = expand([input('x', 3, 8, 8), block('VGG', 'a', ['x'], { convs: 1 }), relu('a.pool', 'x')]);
    expect(issues).toEqual([{ nodeId: 'a.pool', field: 'id', message: expect.stringContaining("'a.pool'") }]);
  });

  it('reports a graph output that is not a node, as an issue of the whole graph', () => {
    const { issues } = expand([input('x', 3, 8, 8)], { output: 'y' });
    expect(issues).toEqual([{ nodeId: GRAPH_ISSUE, field: 'output', message: expect.stringContaining('"y"') }]);
  });

  it('accepts a graph output naming a layer inside a block by its flat id', () => {
    const { flat, issues } = expand([input('x', 3, 8, 8), block('VGG', 'b', ['x'], { convs: 2 })], { output: 'b.relu1' });
    expect(issues).toEqual([]);
    expect(flat.output).toBe('b.relu1');
  });

  it('never throws on malformed graphs', () => {
    const junk = [
      { nodes: 'none' },
      { nodes: [null, 3, { kind: 'ReLU' }, { id: 'r' }] },
      { nodes: [{ id: 'b', kind: 'Block', block: 'VGG', params: null, inputs: 'x' }] },
      { nodes: [{ id: 'g', kind: 'Block', block: 'Custom', inputs: [], body: [{ id: 'c', kind: 'ReLU', inputs: 7 }], output: 'c' }] },
      { nodes: [{ id: 'r', kind: 'ReLU', attrs: {}, inputs: { a: 1 } }] },
    ];
    for (const nodes of junk) {
      const result = expandGraph({ ...graph([]), ...nodes } as never);
      expect(result.issues.length).toBeGreaterThan(0);
    }
    expect(expandGraph(graph([{ id: 'r', kind: 'ReLU', attrs: {}, inputs: { a: 1 } } as never])).issues).toEqual([
      { nodeId: 'r', field: 'inputs', message: expect.stringContaining('{"a":1}') },
    ]);
  });
});

describe('checkBlock', () => {
  it("reports one block's problems, nested ones included, without needing the rest of the graph", () => {
    expect(checkBlock(block('ResidualBasic', 'b', ['elsewhere'], { channels: 64 }))).toEqual([]);
    const stage = customBlock('stage', ['elsewhere'], [block('VGG', '0', ['$in0'], { channels: 0 })], '0');
    expect(checkBlock(stage)).toEqual([{ nodeId: 'stage', layer: 'stage.0', field: 'params.channels', message: expect.stringContaining('= 0') }]);
  });
});

describe('expandGraph on nodes it cannot read', () => {
  it('reports a node without an id at the graph, naming its position, and one without a kind at the node', () => {
    const { issues } = expandGraph({ ...graph([]), nodes: [input('x', 3, 8, 8), { kind: 'ReLU' } as never, { id: 'r', inputs: ['x'] } as never] });
    expect(issues).toEqual([
      { nodeId: GRAPH_ISSUE, field: 'nodes[1]', message: expect.stringContaining('Node 2') },
      { nodeId: 'r', field: 'kind', message: expect.stringContaining('kind = nothing') },
    ]);
  });
});
