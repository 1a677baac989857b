// Automatic layered layout of the view with elkjs (Eclipse Layout Kernel, 'layered': the Sugiyama method), top to
// bottom like Netron. Expanded blocks are compound nodes, laid out with their contents in one pass
// (hierarchyHandling INCLUDE_CHILDREN), so a frame's position and size come out of the same layout as its layers.
// Nodes placed by hand (a `position` in the graph) keep their place; the layout fills in the rest.
// The ELK instance is passed in: the app uses elk.bundled.js on the main thread (it needs no eval, so it runs
// under the app's CSP), and Node tests use the same build.
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import type { GraphView } from './view';

export interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Positions of every box (children relative to their frame, as Svelte Flow expects), by view node id. */
export type Layout = Map<string, Placed>;

export const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  // Room between layers for the shape label on each arrow.
  'elk.layered.spacing.nodeNodeBetweenLayers': '46',
  'elk.spacing.nodeNode': '28',
  'elk.layered.spacing.edgeNodeBetweenLayers': '20',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

const FRAME_OPTIONS: LayoutOptions = {
  'elk.padding': '[top=40,left=16,bottom=16,right=16]',
};

/** The ELK graph for a view: frames hold their layers; all arrows live at the root. */
export function toElkGraph(view: GraphView): ElkNode {
  const children = new Map<string | undefined, ElkNode[]>();
  const elkNodes = new Map<string, ElkNode>();
  for (const node of view.nodes) {
    const elk: ElkNode = { id: node.id, width: node.width, height: node.height };
    if (node.type === 'group') {
      elk.layoutOptions = FRAME_OPTIONS;
      delete elk.width;
      delete elk.height;
    }
    elkNodes.set(node.id, elk);
    const siblings = children.get(node.parentId) ?? [];
    siblings.push(elk);
    children.set(node.parentId, siblings);
  }
  for (const [parent, list] of children) {
    if (parent === undefined) continue;
    const frame = elkNodes.get(parent);
    if (frame) frame.children = list;
  }
  const edges: ElkExtendedEdge[] = view.edges
    .filter((edge) => elkNodes.has(edge.source) && elkNodes.has(edge.target))
    .map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] }));
  return { id: 'root', layoutOptions: ROOT_OPTIONS, children: children.get(undefined) ?? [], edges };
}

/** Reads positions out of a laid-out ELK graph. */
export function readLayout(laid: ElkNode): Layout {
  const layout: Layout = new Map();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      layout.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      visit(child);
    }
  };
  visit(laid);
  return layout;
}

/** Where each box goes: hand-placed top-level nodes keep their own position, the rest follow the layout. */
export function placeNodes(view: GraphView, layout: Layout): Layout {
  const placed: Layout = new Map(layout);
  for (const node of view.nodes) {
    if (!node.manualPosition || node.parentId) continue;
    const auto = layout.get(node.id);
    placed.set(node.id, { x: node.manualPosition.x, y: node.manualPosition.y, width: auto?.width ?? node.width, height: auto?.height ?? node.height });
  }
  return placed;
}

/**
 * A key that changes exactly when the layout must be recomputed: the boxes, their sizes and parents, and the
 * arrows. Attribute edits that change only figures and labels keep the key, so the picture does not jump.
 */
export function layoutKey(view: GraphView): string {
  const nodes = view.nodes.map((node) => `${node.id}:${node.type}:${node.parentId ?? ''}`).join('|');
  const edges = view.edges.map((edge) => edge.id).join('|');
  return `${nodes}#${edges}`;
}

export async function computeLayout(elk: ElkLike, view: GraphView): Promise<Layout> {
  const laid = await elk.layout(toElkGraph(view));
  return readLayout(laid);
}
