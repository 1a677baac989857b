import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../models/index';
import { analyse } from '../../../renderer/core/analysis';
import { budgetOf, familyShares, fieldRows, GIB, largestBatch, layerRows, topRows, treemapCells } from '../../../renderer/visualisers/figures';

describe('parameter and compute figures', () => {
  const alexnet = analyse(zooModel('alexnet')!.build());
  const rows = layerRows(alexnet);

  it("makes AlexNet's first dense layer stand out: 37.7 M of its 61.1 M parameters", () => {
    const [largest] = topRows(rows, 'params', 3);
    expect(largest!.kind).toBe('Dense');
    expect(largest!.params).toBe(9216 * 4096 + 4096);
    expect(largest!.params / alexnet.totals.params).toBeGreaterThan(0.6);
    const shares = familyShares(rows);
    expect(shares.dense.params + shares.convolution.params + shares.other.params).toBe(61_100_840);
    expect(shares.dense.params).toBe(58_631_144);
    expect(shares.convolution.macs).toBeGreaterThan(shares.dense.macs);
  });

  it('lays out a treemap whose areas are proportional to the values, grouped by block', () => {
    const cells = treemapCells(rows, 'params', 1000, 600);
    expect(cells).toHaveLength(rows.filter((row) => row.params > 0).length);
    const area = (cell: (typeof cells)[number]) => (cell.x1 - cell.x0) * (cell.y1 - cell.y0);
    const dense = cells.find((cell) => cell.value === 9216 * 4096 + 4096)!;
    const share = area(dense) / cells.reduce((sum, cell) => sum + area(cell), 0);
    expect(share).toBeCloseTo(dense.value / 61_100_840, 1);
    for (const cell of cells) {
      expect(cell.x0).toBeGreaterThanOrEqual(0);
      expect(cell.x1).toBeLessThanOrEqual(1000);
      expect(cell.y1).toBeLessThanOrEqual(600);
    }
    const resnet = layerRows(analyse(zooModel('resnet18')!.build()));
    const groups = new Set(treemapCells(resnet, 'macs', 800, 400).map((cell) => cell.group));
    expect(groups.has('layer1')).toBe(true);
  });

  it('tracks receptive-field growth layer by layer and flags fields larger than the input', () => {
    const field = fieldRows(analyse(zooModel('alexnet-d2l')!.build()));
    expect(field[0]).toMatchObject({ kind: 'Input', size: 1, stride: 1 });
    const conv1 = field.find((row) => row.kind === 'Conv2d')!;
    expect(conv1).toMatchObject({ size: 11, stride: 4 });
    for (let i = 1; i < field.length; i++) expect(field[i]!.size).toBeGreaterThanOrEqual(field[i - 1]!.size);
    const small = fieldRows(analyse(zooModel('alexnet-d2l')!.build({ input: [1, 112, 112] })));
    expect(small.some((row) => row.exceedsInput)).toBe(true);
    expect(field.some((row) => row.exceedsInput)).toBe(false);
  });

  it('finds the largest batch that fits a GPU memory, from memory that grows linearly with the batch', () => {
    const graph = zooModel('resnet18')!.build();
    const at8 = analyse(graph, { batch: 8 }).totals.memory!;
    const at9 = analyse(graph, { batch: 9 }).totals.memory!;
    const budget = budgetOf(at8);
    expect(budget.fixedTraining + 9 * budget.perImageTraining).toBeCloseTo(at9.training, 0);
    expect(budget.fixedInference + 9 * budget.perImageInference).toBeCloseTo(at9.inference, 0);
    const capacity = 8 * GIB;
    const batch = largestBatch(budget.fixedTraining, budget.perImageTraining, capacity);
    expect(analyse(graph, { batch }).totals.memory!.training).toBeLessThanOrEqual(capacity);
    expect(analyse(graph, { batch: batch + 1 }).totals.memory!.training).toBeGreaterThan(capacity);
    expect(largestBatch(10, 5, 12)).toBe(0);
  });
});

describe("one unit's receptive field on the input", () => {
  it("places AlexNet conv1's units 4 pixels apart, the first reaching 2 pixels into the padding", async () => {
    const { unitField } = await import('../../../renderer/visualisers/figures');
    const analysis = analyse(zooModel('alexnet')!.build());
    const conv1 = analysis.layers.find((layer) => layer.kind === 'Conv2d')!;
    const field = conv1.receptiveField!;
    expect(unitField(field, [0, 0], [224, 224])).toEqual({ top: -2, left: -2, bottom: 8, right: 8, touchesPadding: true });
    expect(unitField(field, [1, 2], [224, 224])).toEqual({ top: 2, left: 6, bottom: 12, right: 16, touchesPadding: false });
    const last = analysis.layers.filter((layer) => layer.receptiveField).at(-1)!;
    const centre = unitField(last.receptiveField!, [3, 3], [224, 224]);
    expect(centre.bottom - centre.top + 1).toBe(195);
  });
});
