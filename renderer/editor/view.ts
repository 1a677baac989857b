// The canvas's view of a layer graph: which boxes and arrows are drawn, with the figures on them. Top-level
// layers are nodes; a collapsed block is one node; an expanded block is a frame holding its expanded layers
// (read-only: they come from the block's parameters). Every arrow carries the shape flowing along it, and every
// issue from the model core badges the node it names. Positions come later, from the layout (layout.ts).
import type { Analysis, LayerReport } from '../core/analysis';
import type { FlatGraph, GraphIssue, GraphNode, LayerGraph } from '../core/ir';
import { isCollapsed } from './graph-edit';
import { formatShape } from './format';

export const LAYER_SIZE = { width: 190, height: 58 } as const;
export const BLOCK_SIZE = { width: 220, height: 72 } as const;

export type ViewNodeType = 'layer' | 'block' | 'group';

export interface ViewNodeData extends Record<string, unknown> {
  /** The top-level graph node this box stands for or belongs to. */
  graphId: string;
  /** The flat layer id for layers; the block id for blocks and frames. */
  label: string;
  /** Layer kind, or the block type with its repeat (ResidualBasic ×2). */
  kind: string;
  /** A one-line summary of the attributes (3×3 /2, 64 ch). */
  detail: string;
  outputShape: string;
  params: number;
  macs: number;
  /** Issues located at this box (messages). */
  issues: string[];
  /** Top-level nodes are editable; layers inside an expanded block are not. */
  editable: boolean;
  /** Blocks: how many layers they expand to. */
  layerCount?: number;
  isOutput: boolean;
  hasInputs: boolean;
}

export interface ViewNode {
  id: string;
  type: ViewNodeType;
  data: ViewNodeData;
  width: number;
  height: number;
  /** For layers inside an expanded block: the frame's id. */
  parentId?: string;
  /** A hand-placed position from the graph (top-level nodes only). */
  manualPosition?: { x: number; y: number };
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  /** The tensor shape travelling along the arrow, e.g. 96×54×54. */
  label: string;
  /** The top-level connection this arrow stands for, when it is one (editable: it can be deleted). */
  connection?: { source: string; target: string };
}

export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** Issues not attached to any box (about the graph as a whole). */
  graphIssues: GraphIssue[];
}

function pair(value: unknown): string {
  if (Array.isArray(value)) return value.length === 2 && value[0] === value[1] ? String(value[0]) : value.join('×');
  return String(value);
}

/** A short description of a node's attributes, shown under its name. */
export function describeAttrs(node: GraphNode | { kind: string; attrs: Record<string, unknown> }): string {
  if (node.kind === 'Block') {
    const entries = Object.entries((node as { params: Record<string, unknown> }).params ?? {});
    return entries.map(([key, value]) => `${key} ${Array.isArray(value) ? value.join('/') : String(value)}`).join(', ');
  }
  const attrs = (node as { attrs: Record<string, unknown> }).attrs ?? {};
  switch (node.kind) {
    case 'Input':
      return `${attrs.channels}×${attrs.height}×${attrs.width}`;
    case 'Conv2d': {
      const parts = [`${pair(attrs.kernel)}×${pair(attrs.kernel)}`.replace(/^(\d+)×\1$/, '$1×$1'), `${attrs.outChannels} ch`];
      if (attrs.stride !== undefined && pair(attrs.stride) !== '1') parts.push(`/${pair(attrs.stride)}`);
      if (attrs.padding !== undefined && pair(attrs.padding) !== '0') parts.push(`pad ${pair(attrs.padding)}`);
      if (attrs.groups !== undefined && attrs.groups !== 1) parts.push(`g${attrs.groups}`);
      return parts.join(' ');
    }
    case 'MaxPool2d':
    case 'AvgPool2d': {
      const parts = [`${pair(attrs.kernel)}`];
      parts.push(`/${pair(attrs.stride ?? attrs.kernel)}`);
      if (attrs.padding !== undefined && pair(attrs.padding) !== '0') parts.push(`pad ${pair(attrs.padding)}`);
      return parts.join(' ');
    }
    case 'AdaptiveAvgPool2d':
      return `→ ${pair(attrs.outputSize)}`;
    case 'Dense':
      return `${attrs.outFeatures} out`;
    case 'Dropout':
      return `p ${attrs.p ?? 0.5}`;
    case 'LRN':
      return `size ${attrs.size}`;
    default:
      return '';
  }
}

interface BlockFigures {
  params: number;
  macs: number;
  layers: number;
}

/** For each top-level block: the flat id of the layer giving its output. */
function blockOutputs(graph: LayerGraph, flat: FlatGraph): Map<string, string> {
  const owner = new Map<string, string>();
  for (const layer of flat.nodes) if (layer.blockPath.length > 0) owner.set(layer.id, layer.blockPath[0]!);
  const outputs = new Map<string, string>();
  for (const layer of flat.nodes) {
    const mine = owner.get(layer.id);
    for (const source of layer.inputs) {
      const theirs = owner.get(source);
      if (theirs !== undefined && theirs !== mine) outputs.set(theirs, source);
    }
  }
  const last = owner.get(flat.output);
  if (last !== undefined) outputs.set(last, flat.output);
  // A block nobody reads from: its last layer in expansion order.
  for (const node of graph.nodes) {
    if (node.kind !== 'Block' || outputs.has(node.id)) continue;
    const inside = flat.nodes.filter((layer) => layer.blockPath[0] === node.id);
    if (inside.length) outputs.set(node.id, inside[inside.length - 1]!.id);
  }
  return outputs;
}

/**
 * Builds the view. `flat` is the graph's block expansion (expandGraph), `analysis` its analysis; both must be
 * of this same graph.
 */
export function buildView(graph: LayerGraph, flat: FlatGraph, analysis: Analysis): GraphView {
  const reports = new Map<string, LayerReport>(analysis.layers.map((layer) => [layer.name, layer]));
  const topLevel = new Map(graph.nodes.map((node) => [node.id, node]));
  const outputs = blockOutputs(graph, flat);
  const outputTop = flat.nodes.find((layer) => layer.id === flat.output)?.blockPath[0] ?? flat.output;

  // Which box shows each flat layer.
  const boxOf = new Map<string, string>();
  const figures = new Map<string, BlockFigures>();
  for (const layer of flat.nodes) {
    const top = layer.blockPath[0];
    if (top === undefined) {
      boxOf.set(layer.id, layer.id);
      continue;
    }
    const block = topLevel.get(top);
    const collapsed = block?.kind === 'Block' ? isCollapsed(block) : true;
    boxOf.set(layer.id, collapsed ? top : layer.id);
    const report = reports.get(layer.id);
    const sum = figures.get(top) ?? { params: 0, macs: 0, layers: 0 };
    sum.params += report?.params ?? 0;
    sum.macs += report?.macs ?? 0;
    sum.layers += 1;
    figures.set(top, sum);
  }

  const nodes: ViewNode[] = [];
  const issuesAt = new Map<string, string[]>();
  const graphIssues: GraphIssue[] = [];
  for (const issue of analysis.issues) {
    let box: string | undefined;
    if (issue.layer !== undefined && boxOf.has(issue.layer)) box = boxOf.get(issue.layer);
    else if (topLevel.has(issue.nodeId)) box = issue.nodeId;
    else if (boxOf.has(issue.nodeId)) box = boxOf.get(issue.nodeId);
    if (box === undefined) {
      graphIssues.push(issue);
      continue;
    }
    const list = issuesAt.get(box) ?? [];
    list.push(issue.message);
    issuesAt.set(box, list);
  }

  for (const node of graph.nodes) {
    const manual = node.position ? { manualPosition: { x: node.position.x, y: node.position.y } } : {};
    if (node.kind !== 'Block') {
      const report = reports.get(node.id);
      nodes.push({
        id: node.id,
        type: 'layer',
        width: LAYER_SIZE.width,
        height: LAYER_SIZE.height,
        data: {
          graphId: node.id,
          label: node.id,
          kind: node.kind,
          detail: describeAttrs(node),
          outputShape: formatShape(report?.outputShape),
          params: report?.params ?? 0,
          macs: report?.macs ?? 0,
          issues: issuesAt.get(node.id) ?? [],
          editable: true,
          isOutput: outputTop === node.id,
          hasInputs: node.kind !== 'Input',
        },
        ...manual,
      });
      continue;
    }
    const sum = figures.get(node.id) ?? { params: 0, macs: 0, layers: 0 };
    const output = outputs.get(node.id);
    const repeat = node.repeat && node.repeat > 1 ? ` ×${node.repeat}` : '';
    const data: ViewNodeData = {
      graphId: node.id,
      label: node.id,
      kind: `${node.block}${repeat}`,
      detail: describeAttrs(node),
      outputShape: formatShape(output ? reports.get(output)?.outputShape : null),
      params: sum.params,
      macs: sum.macs,
      issues: issuesAt.get(node.id) ?? [],
      editable: true,
      layerCount: sum.layers,
      isOutput: outputTop === node.id,
      hasInputs: true,
    };
    if (isCollapsed(node)) {
      nodes.push({ id: node.id, type: 'block', width: BLOCK_SIZE.width, height: BLOCK_SIZE.height, data, ...manual });
      continue;
    }
    // The frame's size comes from the layout of its contents.
    nodes.push({ id: node.id, type: 'group', width: BLOCK_SIZE.width, height: BLOCK_SIZE.height, data, ...manual });
    for (const layer of flat.nodes) {
      if (layer.blockPath[0] !== node.id) continue;
      const report = reports.get(layer.id);
      nodes.push({
        id: layer.id,
        type: 'layer',
        parentId: node.id,
        width: LAYER_SIZE.width,
        height: LAYER_SIZE.height,
        data: {
          graphId: node.id,
          label: layer.id.slice(node.id.length + 1),
          kind: layer.kind,
          detail: describeAttrs(layer),
          outputShape: formatShape(report?.outputShape),
          params: report?.params ?? 0,
          macs: report?.macs ?? 0,
          issues: issuesAt.get(layer.id) ?? [],
          editable: false,
          isOutput: layer.id === flat.output,
          hasInputs: layer.inputs.length > 0,
        },
      });
    }
  }

  const topOf = new Map(flat.nodes.map((layer) => [layer.id, layer.blockPath[0] ?? layer.id]));
  const edges: ViewEdge[] = [];
  const seen = new Set<string>();
  for (const layer of flat.nodes) {
    const target = boxOf.get(layer.id)!;
    layer.inputs.forEach((source) => {
      const from = boxOf.get(source);
      if (from === undefined || from === target) return;
      const key = `${from}->${target}`;
      if (seen.has(key)) return;
      seen.add(key);
      const edge: ViewEdge = { id: key, source: from, target, label: formatShape(reports.get(source)?.outputShape) };
      const sourceTop = topOf.get(source) ?? source;
      const targetTop = layer.blockPath[0] ?? layer.id;
      if (sourceTop !== targetTop && topLevel.get(targetTop)?.inputs.includes(sourceTop)) edge.connection = { source: sourceTop, target: targetTop };
      edges.push(edge);
    });
  }
  return { nodes, edges, graphIssues };
}
