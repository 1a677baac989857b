// The view (view.ts) and layout (layout.ts) as Svelte Flow nodes and edges. Structural types only, so this stays
// plain TypeScript that Node tests import.
import type { Layout } from './layout';
import type { GraphView, ViewNodeData } from './view';

export interface FlowNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: ViewNodeData;
  width: number;
  height: number;
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

export function toFlowNodes(view: GraphView, placed: Layout, selection: readonly string[]): FlowNode[] {
  const selected = new Set(selection);
  return view.nodes.map((node) => {
    const place = placed.get(node.id);
    const flow: FlowNode = {
      id: node.id,
      type: node.type,
      position: { x: place?.x ?? 0, y: place?.y ?? 0 },
      data: node.data,
      width: node.type === 'group' ? (place?.width ?? node.width) : node.width,
      height: node.type === 'group' ? (place?.height ?? node.height) : node.height,
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
