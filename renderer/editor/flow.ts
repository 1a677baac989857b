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
