// How the Data area writes datasets for people, and the geometry of its figures: the class-balance bar chart
// (d3 scales) and the class labels beside the server's thumbnail grid.
import { scaleBand, scaleLinear } from 'd3';
import type { DatasetHealth, DatasetManifest, DatasetSplit, SplitCounts } from '../../preload/types/datasets';
import { formatCount } from '../editor/format';

/** The name the host installs its bundled Fashion-MNIST sample under (main/services/datasets/sample.ts). */
export const SAMPLE_DATASET_NAME = 'fashion-mnist-sample';

export const shapeText = (shape: readonly number[]): string => shape.join('×');

export const totalCount = (counts: SplitCounts): number => counts.train + counts.val + counts.test;

/** '54,000 / 6,000 / 10,000' — train / val / test. */
export const splitCountsText = (counts: SplitCounts): string => `${formatCount(counts.train)} / ${formatCount(counts.val)} / ${formatCount(counts.test)}`;

/** '2026-11-25 14:03' in UTC, so the same dataset reads the same on every machine and in screenshots. */
export function importedAtText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
}

export function sourceText(manifest: Pick<DatasetManifest, 'source'>): string {
  const test = manifest.source.test === 'source' ? "the source's own test set" : 'test carved from the training data';
  return `${manifest.source.format.toUpperCase()} from ${manifest.source.path} (${test})`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** One line per health finding, with whether it is a problem; the view lists them in this order. */
export interface HealthFinding {
  id: 'balance' | 'empty' | 'duplicates' | 'leakage' | 'skipped' | 'integrity';
  ok: boolean;
  text: string;
}

export function healthFindings(health: DatasetHealth): HealthFinding[] {
  const conflicting = health.duplicates.filter((g) => g.conflictingLabels).length;
  const leaked = health.leakage.val + health.leakage.test;
  const ratio = health.imbalanceRatio;
  return [
    {
      id: 'balance',
      // Above 1.5 a plain accuracy figure starts to flatter a classifier that favours the large classes.
      ok: ratio <= 1.5,
      text: ratio === 1 ? 'Classes are perfectly balanced in the training split.' : `Largest training class is ${ratio.toFixed(2)}× the smallest.`,
    },
    {
      id: 'empty',
      ok: health.emptyClasses.length === 0,
      text: health.emptyClasses.length === 0 ? 'Every class has training samples.' : `No training samples for: ${health.emptyClasses.join(', ')}.`,
    },
    {
      id: 'duplicates',
      ok: health.duplicateSamples === 0,
      text:
        health.duplicateSamples === 0
          ? 'No byte-identical duplicate samples.'
          : `${plural(health.duplicateSamples, 'duplicate sample')} (byte-identical)${conflicting > 0 ? `; ${plural(conflicting, 'group')} with conflicting labels` : ''}.`,
    },
    {
      id: 'leakage',
      ok: leaked === 0,
      text:
        leaked === 0
          ? 'No validation or test sample also occurs in training.'
          : `Train/test leakage: ${formatCount(health.leakage.val)} validation and ${formatCount(health.leakage.test)} test samples also occur in training.`,
    },
    {
      id: 'skipped',
      ok: health.skipped.length === 0,
      text: health.skipped.length === 0 ? 'No unreadable files were skipped on import.' : `${plural(health.skipped.length, 'unreadable file')} skipped on import.`,
    },
    {
      id: 'integrity',
      ok: health.contentHashMatches,
      text: health.contentHashMatches ? 'Files on disk match the manifest’s content hash.' : 'Files on disk no longer match the manifest’s content hash; import the dataset again.',
    },
  ];
}

export const BALANCE_SPLITS: readonly DatasetSplit[] = ['train', 'val', 'test'];

export interface BalanceBar {
  className: string;
  split: DatasetSplit;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BalanceChart {
  width: number;
  height: number;
  /** Left margin holding the class names. */
  labelWidth: number;
  rows: { className: string; y: number; height: number; total: number }[];
  /** Stacked per class: train, then val, then test, left to right. */
  bars: BalanceBar[];
  ticks: { value: number; x: number }[];
}

/** A horizontal stacked bar per class (train, val, test), scaled to the largest class total. */
export function balanceChart(classes: readonly string[], classCounts: DatasetManifest['classCounts'], width: number, rowHeight = 18): BalanceChart {
  const labelWidth = Math.min(160, Math.max(60, 7 * Math.max(...classes.map((c) => c.length), 1) + 12));
  const totals = classes.map((_, c) => BALANCE_SPLITS.reduce((sum, split) => sum + (classCounts[split][c] ?? 0), 0));
  const height = classes.length * rowHeight;
  const x = scaleLinear()
    .domain([0, Math.max(1, ...totals)])
    .range([labelWidth, Math.max(labelWidth + 40, width - 8)])
    .nice();
  const y = scaleBand<number>()
    .domain(classes.map((_, c) => c))
    .range([0, height])
    .padding(0.2);
  const bars: BalanceBar[] = [];
  const rows = classes.map((className, c) => {
    let start = 0;
    for (const split of BALANCE_SPLITS) {
      const count = classCounts[split][c] ?? 0;
      if (count > 0) bars.push({ className, split, count, x: x(start), y: y(c)!, width: x(start + count) - x(start), height: y.bandwidth() });
      start += count;
    }
    return { className, y: y(c)!, height: y.bandwidth(), total: totals[c]! };
  });
  return { width, height, labelWidth, rows, bars, ticks: x.ticks(4).map((value) => ({ value, x: x(value) })) };
}

/** Where each class's row of the thumbnail grid falls once the grid is drawn `rowHeight` pixels per sample. */
export interface ThumbnailLayout {
  /** The server-side nearest-neighbour scale to ask for (crisp small images). */
  scale: number;
  displayWidth: number;
  displayHeight: number;
  rows: { className: string; top: number; height: number }[];
}

/** The grid has one row per class, `perClass` samples across, 1 pixel between samples (main/services/datasets/thumbnails.ts). */
export function thumbnailLayout(shape: readonly [number, number, number], classes: readonly string[], perClass: number, rowHeight = 56): ThumbnailLayout {
  const GAP = 1;
  const [, h, w] = shape;
  const factor = rowHeight / h;
  const scale = Math.max(1, Math.min(16, Math.floor(factor)));
  const rows = classes.map((className, c) => ({ className, top: c * (h + GAP) * factor, height: h * factor }));
  return {
    scale,
    displayWidth: (perClass * (w + GAP) - GAP) * factor,
    displayHeight: (classes.length * (h + GAP) - GAP) * factor,
    rows,
  };
}
