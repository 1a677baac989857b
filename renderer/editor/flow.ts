// The view (view.ts) and layout (layout.ts) as Svelte Flow nodes and edges. Structural types only, so this stays
// plain TypeScript that Node tests import.
import type { Layout } from './layout';
import type { GraphView, ViewNodeData } from './view';

/** A connection point as Svelte Flow records it after measuring a node (relative to the node's corner). */
export interface FlowHandle {
  type: 'source' | 'target';
  position: 'top' | 'bottom';
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FlowNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: ViewNodeData;
  width: number;
  height: number;
  /** Known sizes and handles: Svelte Flow then skips drawing every new box once just to measure it. */
  measured: { width: number; height: number };
  handles: FlowHandle[];
  parentId?: string;
  selected: boolean;
  draggable: boolean;
  connectable: boolean;
  deletable: boolean;
  selectable: boolean;
  class?: string;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  selectable: boolean;
  deletable: boolean;
  selected: boolean;
  class?: string;
  data: { connection?: { source: string; target: string } };
}

/** The handles' drawn size (6 px and a 1 px border, centred on the box's edge: see @xyflow/svelte's style.css). */
const HANDLE_SIZE = 8;

/** Where the boxes' handles are drawn (nodes/*.svelte): inputs at the top centre (layers without inputs have none), output at the bottom. */
export function handlesOf(type: string, hasInputs: boolean, width: number, height: number): FlowHandle[] {
  const x = width / 2 - HANDLE_SIZE / 2;
  const handles: FlowHandle[] = [];
  if (type !== 'layer' || hasInputs) handles.push({ type: 'target', position: 'top', x, y: -HANDLE_SIZE / 2, width: HANDLE_SIZE, height: HANDLE_SIZE });
  handles.push({ type: 'source', position: 'bottom', x, y: height - HANDLE_SIZE / 2, width: HANDLE_SIZE, height: HANDLE_SIZE });
  return handles;
}

export function toFlowNodes(view: GraphView, placed: Layout, selection: readonly string[]): FlowNode[] {
  const selected = new Set(selection);
  return view.nodes.map((node) => {
    const place = placed.get(node.id);
    const width = node.type === 'group' ? (place?.width ?? node.width) : node.width;
    const height = node.type === 'group' ? (place?.height ?? node.height) : node.height;
    const flow: FlowNode = {
      id: node.id,
      type: node.type,
      position: { x: place?.x ?? 0, y: place?.y ?? 0 },
      data: node.data,
      width,
      height,
      measured: { width, height },
      handles: handlesOf(node.type, node.data.hasInputs, width, height),
      selected: selected.has(node.id),
      draggable: node.data.editable,
      connectable: node.data.editable,
      deletable: node.data.editable,
      selectable: true,
    };
    if (node.parentId) flow.parentId = node.parentId;
    if (node.data.issues.length) flow.class = 'has-issues';
    return flow;
  });
}

export function toFlowEdges(view: GraphView, selection: readonly string[]): FlowEdge[] {
  const selected = new Set(selection);
  return view.edges.map((edge) => {
    const flow: FlowEdge = {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      label: edge.label,
      selectable: edge.connection !== undefined,
      deletable: edge.connection !== undefined,
      selected: selected.has(edge.id),
      data: {},
    };
    if (edge.connection) flow.data.connection = edge.connection;
    if (edge.label === '?') flow.class = 'unknown-shape';
    return flow;
  });
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export const FIT = { padding: 0.08, minZoom: 0.05, maxZoom: 1.2, readableZoom: 0.6 } as const;

/**
 * The viewport that shows the top-level boxes: all of them centred (as Svelte Flow's fitView with FIT's padding
 * and zoom limits), or, for a graph too tall to fit readably (a long chain), its top at a readable zoom, centred
 * across. Computed from the layout alone, so the canvas can move there before it draws the boxes.
 */
export function fitViewport(nodes: readonly Pick<FlowNode, 'position' | 'width' | 'height' | 'parentId'>[], pane: { width: number; height: number }): Viewport | null {
  const top = nodes.filter((node) => !node.parentId);
  if (top.length === 0 || pane.width <= 0 || pane.height <= 0) return null;
  const minX = Math.min(...top.map((node) => node.position.x));
  const minY = Math.min(...top.map((node) => node.position.y));
  const maxX = Math.max(...top.map((node) => node.position.x + node.width));
  const maxY = Math.max(...top.map((node) => node.position.y + node.height));
  // Svelte Flow's numeric padding: the pane shrinks by (1 − 1/(1 + padding)), half on each side, floored.
  const inset = (size: number) => 2 * Math.floor((size - size / (1 + FIT.padding)) * 0.5);
  const fitted = Math.min((pane.width - inset(pane.width)) / Math.max(1, maxX - minX), (pane.height - inset(pane.height)) / Math.max(1, maxY - minY));
  const zoom = Math.min(FIT.maxZoom, Math.max(FIT.minZoom, fitted));
  if (zoom >= FIT.readableZoom) return { x: pane.width / 2 - ((minX + maxX) / 2) * zoom, y: pane.height / 2 - ((minY + maxY) / 2) * zoom, zoom };
  const readable = Math.max(FIT.readableZoom, Math.min(1, (pane.width * 0.95) / Math.max(1, maxX - minX)));
  return { x: pane.width / 2 - ((minX + maxX) / 2) * readable, y: 16 - minY * readable, zoom: readable };
}
