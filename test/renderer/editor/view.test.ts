import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../models/index';
import { analyse } from '../../../renderer/core/analysis';
import { expandGraph } from '../../../renderer/core/blocks/expand';
import type { LayerGraph } from '../../../renderer/core/ir';
import { setCollapsed } from '../../../renderer/editor/graph-edit';
import { computeLayout, FrameLayoutCache, layoutKey, placeNodes, readLayout, toElkGraph } from '../../../renderer/editor/layout';
import { buildView } from '../../../renderer/editor/view';
import { fitViewport, toFlowNodes } from '../../../renderer/editor/flow';

function view(graph: LayerGraph) {
  return buildView(graph, expandGraph(graph).flat, analyse(graph));
}

describe('the canvas view of a graph', () => {
  it("labels every arrow of d2l's AlexNet with the shape it carries", () => {
    const graph = zooModel('alexnet-d2l')!.build();
    const { nodes, edges } = view(graph);
    expect(nodes).toHaveLength(graph.nodes.length);
    const flattenInput = edges.find((edge) => edges.some((e) => e.source === edge.target) && nodes.find((n) => n.id === edge.target)!.data.kind === 'Flatten')!;
    expect(flattenInput.label).toBe('256×5×5');
    const first = edges.find((edge) => nodes.find((n) => n.id === edge.source)!.data.kind === 'Input')!;
    expect(first.label).toBe('1×224×224');
    expect(edges.every((edge) => edge.connection)).toBe(true);
    expect(nodes.reduce((sum, node) => sum + node.data.params, 0)).toBe(46_764_746);
  });

  it('shows a collapsed block as one node with its figures, an expanded one as a frame of read-only layers', () => {
    const graph = zooModel('resnet18')!.build();
    const collapsed = view(graph);
    const blocks = collapsed.nodes.filter((node) => node.type === 'block');
    expect(blocks.length).toBeGreaterThan(0);
    // All parameters: torchvision's 11,689,512 trainable plus BatchNorm's 9,600 running statistics.
    expect(collapsed.nodes.reduce((sum, node) => sum + node.data.params, 0)).toBe(11_689_512 + 9_600);
    const block = blocks[0]!;
    const expanded = view(setCollapsed(graph, block.id, false));
    const frame = expanded.nodes.find((node) => node.id === block.id)!;
    expect(frame.type).toBe('group');
    const inside = expanded.nodes.filter((node) => node.parentId === block.id);
    expect(inside.length).toBe(block.data.layerCount);
    expect(inside.every((node) => !node.data.editable)).toBe(true);
    expect(inside.reduce((sum, node) => sum + node.data.params, 0)).toBe(block.data.params);
    // Arrows into the frame reach its first layer, with the same shape as before.
    const into = collapsed.edges.find((edge) => edge.target === block.id)!;
    const intoExpanded = expanded.edges.filter((edge) => edge.source === into.source);
    expect(intoExpanded.length).toBeGreaterThan(0);
    expect(intoExpanded.every((edge) => edge.label === into.label)).toBe(true);
    expect(intoExpanded.every((edge) => edge.connection?.target === block.id)).toBe(true);
  });

  it('badges the node an issue names, and keeps graph-wide issues apart', () => {
    const graph: LayerGraph = {
      format: 'model-lab/graph',
      version: 1,
      name: 'bad',
      nodes: [
        { id: 'input', kind: 'Input', attrs: { channels: 3, height: 32, width: 32 }, inputs: [] },
        { id: 'fc', kind: 'Dense', attrs: { outFeatures: 10 }, inputs: ['input'] },
      ],
    };
    const { nodes } = view(graph);
    expect(nodes.find((node) => node.id === 'fc')!.data.issues.join(' ')).toMatch(/Flatten/);
    expect(nodes.find((node) => node.id === 'input')!.data.issues).toEqual([]);
  });
});

describe('the layered layout', () => {
  const elk = new ELK();

  it('places every box, top to bottom, frames around their layers', async () => {
    const graph = zooModel('resnet18')!.build();
    const block = graph.nodes.find((node) => node.kind === 'Block')!;
    const shown = view(setCollapsed(graph, block.id, false));
    const layout = await computeLayout(elk, shown);
    for (const node of shown.nodes) expect(layout.has(node.id), node.id).toBe(true);
    const input = shown.nodes.find((node) => node.data.kind === 'Input')!;
    const output = shown.nodes.find((node) => node.data.isOutput && !node.parentId)!;
    expect(layout.get(output.id)!.y).toBeGreaterThan(layout.get(input.id)!.y);
    const frame = layout.get(block.id)!;
    for (const child of shown.nodes.filter((node) => node.parentId === block.id)) {
      const placed = layout.get(child.id)!;
      expect(placed.x + placed.width).toBeLessThanOrEqual(frame.width);
      expect(placed.y + placed.height).toBeLessThanOrEqual(frame.height);
    }
  });

  it('keeps hand-placed nodes where they were put, and re-lays out only on structural change', async () => {
    const graph = zooModel('lenet5')!.build();
    graph.nodes[1]!.position = { x: 900, y: 5 };
    const shown = view(graph);
    const placed = placeNodes(shown, await computeLayout(elk, shown));
    expect(placed.get(graph.nodes[1]!.id)).toMatchObject({ x: 900, y: 5 });
    const resized = zooModel('lenet5')!.build({ input: [1, 32, 32] });
    expect(layoutKey(view(resized))).toBe(layoutKey(view(zooModel('lenet5')!.build())));
    expect(toElkGraph(shown).edges).toHaveLength(shown.edges.length);
  });
});

describe('the canvas nodes handed to Svelte Flow', () => {
  it('carry their sizes and handles, so boxes are not drawn once just to be measured', async () => {
    const graph = zooModel('resnet18')!.build();
    const block = graph.nodes.find((node) => node.kind === 'Block')!;
    const shown = view(setCollapsed(graph, block.id, false));
    const layout = await computeLayout(new ELK(), shown);
    const flow = toFlowNodes(shown, layout, []);
    const input = flow.find((node) => node.data.kind === 'Input')!;
    // The input has no input handle (nodes/LayerBox.svelte draws none), only its output at the bottom centre.
    expect(input.handles).toEqual([{ type: 'source', position: 'bottom', x: input.width / 2 - 4, y: input.height - 4, width: 8, height: 8 }]);
    const frame = flow.find((node) => node.id === block.id)!;
    expect(frame.measured).toEqual({ width: layout.get(block.id)!.width, height: layout.get(block.id)!.height });
    expect(frame.handles.map((handle) => `${handle.type}@${handle.position}:${handle.y}`)).toEqual(['target@top:-4', `source@bottom:${frame.height - 4}`]);
    for (const node of flow) expect(node.measured).toEqual({ width: node.width, height: node.height });
  });

  it('the analysis carries the expanded graph the view is built from', () => {
    const graph = zooModel('densenet121')!.build();
    expect(analyse(graph).flat).toEqual(expandGraph(graph).flat);
  });
});

describe('zoom to fit', () => {
  const box = (x: number, y: number, parentId?: string) => ({ position: { x, y }, width: 200, height: 60, ...(parentId ? { parentId } : {}) });

  it("centres the boxes with Svelte Flow fitView's padding, never zooming in past its limit", () => {
    // Bounds 0…400 × 0…300 in an 1000×800 pane: the padding leaves 926×742, so the zoom is min(926/400, 742/300), capped at 1.2.
    expect(fitViewport([box(0, 0), box(200, 240)], { width: 1000, height: 800 })).toEqual({ x: 500 - 200 * 1.2, y: 400 - 150 * 1.2, zoom: 1.2 });
    const wide = fitViewport([box(0, 0), box(1000, 0)], { width: 1000, height: 800 })!;
    expect(wide.zoom).toBeCloseTo(926 / 1200, 10);
    expect(wide.x).toBeCloseTo(500 - 600 * wide.zoom, 10);
    expect(wide.y).toBeCloseTo(400 - 30 * wide.zoom, 10);
  });

  it('shows a long chain from its top at a readable zoom, ignoring boxes inside frames', () => {
    const chain = Array.from({ length: 80 }, (_, i) => box(0, 100 * i));
    const viewport = fitViewport([...chain, box(5000, 0, 'frame')], { width: 1000, height: 800 })!;
    expect(viewport).toEqual({ x: 500 - 100 * 1, y: 16, zoom: 1 });
    expect(fitViewport([], { width: 1000, height: 800 })).toBeNull();
    expect(fitViewport(chain, { width: 0, height: 0 })).toBeNull();
  });
});

describe('frame by frame layout', () => {
  it("equals ELK's one-pass layout, shares identical frames, and remembers them", async () => {
    const elk = new ELK();
    const calls: string[] = [];
    const counting = { layout: (graph: Parameters<typeof elk.layout>[0]) => (calls.push(graph.id), elk.layout(graph)) };
    const graph = zooModel('resnet18')!.build();
    const expanded = graph.nodes.filter((node) => node.kind === 'Block').reduce((next, block) => setCollapsed(next, block.id, false), graph);
    const shown = view(expanded);
    const frames = shown.nodes.filter((node) => node.type === 'group');
    expect(frames).toHaveLength(4);
    const onePass = readLayout(await elk.layout(toElkGraph(shown)));
    const cache = new FrameLayoutCache();
    const split = await computeLayout(counting, shown, cache);
    for (const [id, place] of onePass) {
      const other = split.get(id)!;
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(other[key], `${id}.${key}`).toBeCloseTo(place[key], 6);
    }
    // ResNet-18's four stages come in two shapes (layer1 without a downsampling shortcut, layer2–4 with): two frame layouts and the top level.
    expect(cache.size).toBe(2);
    expect(calls).toHaveLength(3);
    calls.length = 0;
    await computeLayout(counting, shown, cache);
    expect(calls).toEqual(['root']);
  });
});
