import { describe, expect, it } from 'vitest';
import type { DatasetHealth } from '../../../preload/types/datasets';
import { SAMPLE_DATASET_NAME as HOST_SAMPLE_NAME } from '../../../main/services/datasets/sample';
import { balanceChart, healthFindings, importedAtText, SAMPLE_DATASET_NAME, shapeText, sourceText, splitCountsText, thumbnailLayout } from '../../../renderer/data/format';

const healthy: DatasetHealth = {
  name: 'd',
  counts: { train: 8, val: 2, test: 2 },
  balance: [],
  imbalanceRatio: 1,
  emptyClasses: [],
  duplicates: [],
  duplicateSamples: 0,
  leakage: { val: 0, test: 0 },
  skipped: [],
  contentHashMatches: true,
};

describe('dataset text', () => {
  it('writes shapes, split counts, sources and import times', () => {
    expect(shapeText([1, 28, 28])).toBe('1×28×28');
    expect(splitCountsText({ train: 54000, val: 6000, test: 10000 })).toBe('54,000 / 6,000 / 10,000');
    expect(importedAtText('2026-11-25T14:03:59.123Z')).toBe('2026-11-25 14:03 UTC');
    expect(importedAtText('not a date')).toBe('not a date');
    expect(sourceText({ source: { format: 'idx', path: '/d/f', test: 'source' } })).toBe("IDX from /d/f (the source's own test set)");
    expect(sourceText({ source: { format: 'folder', path: '/p', test: 'split' } })).toBe('FOLDER from /p (test carved from the training data)');
  });
});

it("knows the name the host installs its sample under (the list offers the sample while it is missing)", () => {
  expect(SAMPLE_DATASET_NAME).toBe(HOST_SAMPLE_NAME);
});

describe('health findings', () => {
  it('a healthy dataset: every finding fine', () => {
    expect(healthFindings(healthy).every((f) => f.ok)).toBe(true);
  });

  it('names each problem with its figures', () => {
    const findings = healthFindings({
      ...healthy,
      imbalanceRatio: 3,
      emptyClasses: ['emu'],
      duplicates: [
        { samples: [{ split: 'train', index: 1, label: 0 }, { split: 'test', index: 0, label: 1 }], conflictingLabels: true },
        { samples: [{ split: 'train', index: 2, label: 0 }, { split: 'val', index: 0, label: 0 }], conflictingLabels: false },
      ],
      duplicateSamples: 2,
      leakage: { val: 1, test: 1 },
      skipped: [{ path: 'cat/bad.png', reason: 'not an image' }],
      contentHashMatches: false,
    });
    const byId = Object.fromEntries(findings.map((f) => [f.id, f]));
    expect(findings.every((f) => !f.ok)).toBe(true);
    expect(byId.balance!.text).toBe('Largest training class is 3.00× the smallest.');
    expect(byId.empty!.text).toBe('No training samples for: emu.');
    expect(byId.duplicates!.text).toBe('2 duplicate samples (byte-identical); 1 group with conflicting labels.');
    expect(byId.leakage!.text).toMatch(/1 validation and 1 test samples also occur in training/);
    expect(byId.skipped!.text).toBe('1 unreadable file skipped on import.');
    expect(byId.integrity!.text).toMatch(/no longer match/);
  });
});

describe('class balance chart', () => {
  const classes = ['cat', 'dog', 'emu'];
  const counts = { train: [80, 40, 0], val: [10, 5, 0], test: [10, 5, 2] };
  const chart = balanceChart(classes, counts, 500);

  it('stacks train, val and test per class with lengths proportional to the counts', () => {
    const cat = chart.bars.filter((b) => b.className === 'cat');
    expect(cat.map((b) => b.split)).toEqual(['train', 'val', 'test']);
    expect(cat[1]!.x).toBeCloseTo(cat[0]!.x + cat[0]!.width);
    expect(cat[0]!.width / cat[1]!.width).toBeCloseTo(8);
    const dogTrain = chart.bars.find((b) => b.className === 'dog' && b.split === 'train')!;
    expect(cat[0]!.width / dogTrain.width).toBeCloseTo(2);
    // Zero counts draw nothing; emu has only its 2 test samples.
    expect(chart.bars.filter((b) => b.className === 'emu').map((b) => b.split)).toEqual(['test']);
  });

  it('fits the width, one row per class in order, and ticks cover the largest class', () => {
    for (const bar of chart.bars) {
      expect(bar.x).toBeGreaterThanOrEqual(chart.labelWidth);
      expect(bar.x + bar.width).toBeLessThanOrEqual(500);
    }
    expect(chart.rows.map((r) => r.className)).toEqual(classes);
    expect(chart.rows.map((r) => r.total)).toEqual([100, 50, 2]);
    expect(chart.rows[0]!.y).toBeLessThan(chart.rows[1]!.y);
    expect(chart.ticks.at(-1)!.value).toBeGreaterThanOrEqual(100);
  });
});

describe('thumbnail grid layout', () => {
  it('asks small images to be scaled up crisply and puts each class label on its row', () => {
    const layout = thumbnailLayout([1, 28, 28], ['a', 'b', 'c'], 8, 56);
    expect(layout.scale).toBe(2);
    // 3 rows of 28 px with 1 px gaps, drawn at twice the size.
    expect(layout.displayHeight).toBe((3 * 29 - 1) * 2);
    expect(layout.displayWidth).toBe((8 * 29 - 1) * 2);
    expect(layout.rows.map((r) => r.top)).toEqual([0, 58, 116]);
    expect(layout.rows[2]!.height).toBe(56);
  });

  it('does not ask to scale large images (it shrinks them in the page instead)', () => {
    const layout = thumbnailLayout([3, 224, 224], ['a'], 8, 56);
    expect(layout.scale).toBe(1);
    expect(layout.displayHeight).toBe(56);
  });
});
