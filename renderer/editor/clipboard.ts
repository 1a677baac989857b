// Copy and paste of top-level nodes. A copy keeps the connections among the copied nodes; pasting gives every
// node a fresh id (conv1 → conv1_copy, conv1_copy2, …), rewires the copied connections to the new ids, drops
// connections to nodes outside the copy, and offsets hand-placed positions so the paste is visible.
import type { GraphNode, LayerGraph } from '../core/ir';

export interface ClipboardContent {
  format: 'model-lab/nodes';
  nodes: GraphNode[];
}

export function copyNodes(graph: LayerGraph, ids: Iterable<string>): ClipboardContent | null {
  const chosen = new Set(ids);
  const nodes = graph.nodes.filter((node) => chosen.has(node.id));
  if (nodes.length === 0) return null;
  return { format: 'model-lab/nodes', nodes: structuredClone(nodes) };
}

export function isClipboardContent(value: unknown): value is ClipboardContent {
  return typeof value === 'object' && value !== null && (value as ClipboardContent).format === 'model-lab/nodes' && Array.isArray((value as ClipboardContent).nodes);
}

function copyName(id: string, taken: Set<string>): string {
  const stem = id.replace(/_copy\d*$/, '');
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${stem}_copy` : `${stem}_copy${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The pasted nodes (fresh ids) for `graph`; add them with addNodes. */
export function pasteNodes(graph: LayerGraph, content: ClipboardContent, offset = { x: 40, y: 40 }): GraphNode[] {
  const taken = new Set(graph.nodes.map((node) => node.id));
  const renamed = new Map<string, string>();
  for (const node of content.nodes) {
    const id = copyName(node.id, taken);
    taken.add(id);
    renamed.set(node.id, id);
  }
  return content.nodes.map((node) => {
    const copy = structuredClone(node);
    copy.id = renamed.get(node.id)!;
    copy.inputs = node.inputs.filter((source) => renamed.has(source)).map((source) => renamed.get(source)!);
    if (node.position) copy.position = { x: node.position.x + offset.x, y: node.position.y + offset.y };
    return copy;
  });
}
