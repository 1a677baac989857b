// The figures the visualisers draw, computed from an analysis: per-layer parameter and MAC rows, the share of
// convolutions versus dense layers, treemap rectangles (d3-hierarchy), receptive-field growth per layer, and the
// memory budget at batch B with the largest batch that fits a given GPU memory.
import { hierarchy, treemap, treemapSquarify } from 'd3';
import type { Analysis, LayerReport, MemoryEstimate } from '../core/analysis';
import type { LayerKind } from '../core/ir';

export type Metric = 'params' | 'macs';
export type Family = 'convolution' | 'dense' | 'other';

export function familyOf(kind: LayerKind): Family {
  if (kind === 'Conv2d') return 'convolution';
  if (kind === 'Dense') return 'dense';
  return 'other';
}

export interface LayerRow {
  name: string;
  kind: LayerKind;
  family: Family;
  /** The top-level node it belongs to (its block, or itself). */
  group: string;
  params: number;
  macs: number;
}

export function layerRows(analysis: Analysis): LayerRow[] {
  return analysis.layers.map((layer: LayerReport) => ({
    name: layer.name,
    kind: layer.kind,
    family: familyOf(layer.kind),
    group: layer.blockPath[0] ?? layer.name,
    params: layer.params,
    macs: layer.macs,
  }));
}

/** The rows with the largest values of a metric, largest first (ties keep graph order). */
export function topRows(rows: readonly LayerRow[], metric: Metric, count: number): LayerRow[] {
  return rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row[metric] > 0)
    .sort((a, b) => b.row[metric] - a.row[metric] || a.index - b.index)
    .slice(0, count)
    .map(({ row }) => row);
}

export type Shares = Record<Family, { params: number; macs: number }>;

export function familyShares(rows: readonly LayerRow[]): Shares {
  const shares: Shares = { convolution: { params: 0, macs: 0 }, dense: { params: 0, macs: 0 }, other: { params: 0, macs: 0 } };
  for (const row of rows) {
    shares[row.family].params += row.params;
    shares[row.family].macs += row.macs;
  }
  return shares;
}

export interface TreemapCell {
  name: string;
  group: string;
  family: Family;
  value: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface TreeNode {
  name: string;
  children?: TreeNode[];
  row?: LayerRow;
}

/**
 * Treemap rectangles for one metric: layers grouped by the top-level node they belong to (a block's layers sit
 * together), each rectangle's area proportional to the layer's share. Layers with nothing to count are left out.
 */
export function treemapCells(rows: readonly LayerRow[], metric: Metric, width: number, height: number): TreemapCell[] {
  const groups = new Map<string, TreeNode>();
  for (const row of rows) {
    if (row[metric] <= 0) continue;
    let group = groups.get(row.group);
    if (!group) groups.set(row.group, (group = { name: row.group, children: [] }));
    group.children!.push({ name: row.name, row });
  }
  if (groups.size === 0) return [];
  const root = hierarchy<TreeNode>({ name: 'model', children: [...groups.values()] })
    .sum((node) => (node.row ? node.row[metric] : 0))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  treemap<TreeNode>().tile(treemapSquarify).size([width, height]).paddingInner(1).paddingOuter(1).round(false)(root);
  return root.leaves().map((leaf) => {
    const rect = leaf as typeof leaf & { x0: number; y0: number; x1: number; y1: number };
    const row = leaf.data.row!;
    return { name: row.name, group: row.group, family: row.family, value: row[metric], x0: rect.x0, y0: rect.y0, x1: rect.x1, y1: rect.y1 };
  });
}

export interface FieldRow {
  name: string;
  kind: LayerKind;
  /** Largest size over paths (height). */
  size: number;
  minSize: number;
  stride: number;
  alignedCentres: boolean;
  /** Whether the field is larger than the input image (its edge then sees only padding). */
  exceedsInput: boolean;
}

/** Receptive-field growth: one row per layer with a spatial output, in graph order (height axis). */
export function fieldRows(analysis: Analysis): FieldRow[] {
  const inputHeight = analysis.input?.[1] ?? Infinity;
  return analysis.layers.flatMap((layer) => {
    const field = layer.receptiveField;
    if (!field) return [];
    return [
      {
        name: layer.name,
        kind: layer.kind,
        size: field.size[0],
        minSize: field.minSize[0],
        stride: field.stride[0],
        alignedCentres: field.alignedCentres,
        exceedsInput: field.size[0] > inputHeight,
      },
    ];
  });
}

export interface Budget {
  /** Bytes at the analysed batch. */
  inference: number;
  training: number;
  /** Bytes that do not grow with the batch (parameters; for training also gradients and optimiser state). */
  fixedInference: number;
  fixedTraining: number;
  /** Bytes per image. */
  perImageInference: number;
  perImageTraining: number;
}

/** Splits a memory estimate into what grows with the batch and what does not (activations scale linearly). */
export function budgetOf(memory: MemoryEstimate): Budget {
  const fixedTraining = memory.parameters + memory.gradients + memory.optimizerState;
  return {
    inference: memory.inference,
    training: memory.training,
    fixedInference: memory.parameters,
    fixedTraining,
    perImageInference: memory.inferenceActivations / memory.batch,
    perImageTraining: memory.trainingActivations / memory.batch,
  };
}

/** The largest batch whose memory fits `capacity` bytes; 0 when not even one image fits. */
export function largestBatch(fixed: number, perImage: number, capacity: number): number {
  if (fixed + perImage > capacity) return 0;
  if (perImage <= 0) return Infinity;
  return Math.floor((capacity - fixed) / perImage);
}

export const GPU_SIZES_GIB = [4, 6, 8, 12, 16, 24, 32, 40, 48, 80, 141] as const;
export const GIB = 1024 ** 3;

export interface UnitField {
  /** Input rows and columns the unit sees, inclusive; they may lie outside the image (in the padding). */
  top: number;
  left: number;
  bottom: number;
  right: number;
  /** Whether part of the field is padding rather than image. */
  touchesPadding: boolean;
}

/**
 * The input region one output unit (row, column) of a layer sees (Araujo et al. 2019): unit i starts at
 * i·S − P along each axis and spans r pixels, with r, S and P the layer's receptive-field size, effective stride
 * and effective padding (of its largest path).
 */
export function unitField(field: { size: readonly [number, number]; stride: readonly [number, number]; padding: readonly [number, number] }, unit: readonly [number, number], input: readonly [number, number]): UnitField {
  const top = unit[0] * field.stride[0] - field.padding[0];
  const left = unit[1] * field.stride[1] - field.padding[1];
  const bottom = top + field.size[0] - 1;
  const right = left + field.size[1] - 1;
  return { top, left, bottom, right, touchesPadding: top < 0 || left < 0 || bottom >= input[0] || right >= input[1] };
}
