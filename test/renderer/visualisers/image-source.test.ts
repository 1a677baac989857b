import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../preload/types/datasets';
import { chooseSource, clampSample, GRID, noDatasetReason, sampleNote, sampleSplit } from '../../../renderer/visualisers/image-source';

const fashion: DatasetSummary = { name: 'fashion', shape: [1, 28, 28], classes: ['a', 'b'], counts: { train: 60, val: 10, test: 0 } };
const testOnly: DatasetSummary = { name: 'held-out', shape: [3, 32, 32], classes: ['a'], counts: { train: 0, val: 0, test: 5 } };
const empty: DatasetSummary = { name: 'empty', shape: [3, 32, 32], classes: [], counts: { train: 0, val: 0, test: 0 } };

describe("the receptive-field view's image source", () => {
  it('draws from train, else the first split with samples', () => {
    expect(sampleSplit(fashion)).toBe('train');
    expect(sampleSplit(testOnly)).toBe('test');
    expect(sampleSplit(empty)).toBeNull();
  });

  it('keeps the sample index inside the split', () => {
    expect(clampSample(5, 60)).toBe(5);
    expect(clampSample(99, 60)).toBe(59);
    expect(clampSample(-3, 60)).toBe(0);
    expect(clampSample(2.7, 60)).toBe(2);
    expect(clampSample(Number.NaN, 60)).toBe(0);
  });

  it('turns a picker choice into a source; unknown names and empty datasets stay on the grid', () => {
    const datasets = [fashion, testOnly, empty];
    expect(chooseSource('fashion', datasets, 70)).toEqual({ kind: 'dataset', dataset: 'fashion', split: 'train', index: 59 });
    expect(chooseSource('held-out', datasets, 3)).toEqual({ kind: 'dataset', dataset: 'held-out', split: 'test', index: 3 });
    expect(chooseSource('grid', datasets)).toEqual(GRID);
    expect(chooseSource('empty', datasets)).toEqual(GRID);
    expect(chooseSource('gone', datasets)).toEqual(GRID);
  });

  it('says how the sample is drawn against the model input', () => {
    expect(sampleNote(fashion, 'train', 3, [1, 28, 28])).toBe("Sample 3 of fashion's train split (1×28×28).");
    expect(sampleNote(fashion, 'train', 3, [3, 224, 224])).toBe(
      "Sample 3 of fashion's train split (1×28×28), stretched to the model's 224×224 input; the model takes 3 channels, the image is shown in grey as stored.",
    );
    expect(sampleNote(testOnly, 'test', 0, [1, 32, 32])).toBe("Sample 0 of held-out's test split (3×32×32); the model takes 1 channel, the image is shown in colour as stored.");
  });

  it('says why it stays on the grid when no dataset has samples', () => {
    expect(noDatasetReason([])).toMatch(/no dataset yet.*install the Fashion-MNIST sample/);
    expect(noDatasetReason([empty])).toMatch(/has any samples/);
    expect(noDatasetReason([empty, fashion])).toBeNull();
  });
});
