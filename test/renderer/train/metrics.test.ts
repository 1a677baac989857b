// The run view's arithmetic: smoothing, thinning, throughput, ETA, durations and the confusion matrix's figures.
import { describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration, runSteps, smooth, smoothingFor, summariseConfusion, thin, Throughput } from '../../../renderer/train/metrics';

const pts = (ys: number[]) => ys.map((y, i) => ({ x: i + 1, y }));

describe('smooth', () => {
  it('is bias-corrected: a constant series stays constant from the first point', () => {
    expect(smooth(pts([2, 2, 2, 2]), 0.9).map((p) => p.y)).toEqual([2, 2, 2, 2].map(() => expect.closeTo(2, 12)));
  });

  it('follows the exponential average (worked by hand) and keeps x', () => {
    // weight 0.5: ema 0.5, 1.75, 2.375; debiased by 1 − 0.5ⁿ: 0.5/0.5, 1.75/0.75, 2.375/0.875
    const out = smooth(pts([1, 3, 3]), 0.5);
    expect(out.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(out[0]!.y).toBeCloseTo(1, 12);
    expect(out[1]!.y).toBeCloseTo(1.75 / 0.75, 12);
    expect(out[2]!.y).toBeCloseTo(2.375 / 0.875, 12);
  });

  it('weight 0 returns the values; non-finite values are skipped; a bad weight is refused', () => {
    expect(smooth(pts([1, 5, 2]), 0).map((p) => p.y)).toEqual([1, 5, 2]);
    expect(smooth(pts([1, NaN, 3]), 0).map((p) => p.x)).toEqual([1, 3]);
    expect(() => smooth([], 1)).toThrow(/smoothing weight must be in \[0, 1\); got 1/);
  });

  it('smooths more for longer runs, never to 1', () => {
    expect(smoothingFor(5)).toBe(0);
    for (let steps = 0; steps < 50; steps++) expect(smoothingFor(steps)).toBeGreaterThanOrEqual(0);
    expect(smoothingFor(100)).toBeCloseTo(0.6, 12);
    expect(smoothingFor(1e9)).toBe(0.98);
  });
});

describe('thin', () => {
  it('keeps short series whole and long ones to max points, first and last included', () => {
    expect(thin([1, 2, 3], 5)).toEqual([1, 2, 3]);
    const long = Array.from({ length: 10_001 }, (_, i) => i);
    const out = thin(long, 101);
    expect(out).toHaveLength(101);
    expect(out[0]).toBe(0);
    expect(out.at(-1)).toBe(10_000);
    expect(out[50]).toBe(5000);
    expect(() => thin(long, 1)).toThrow(/at least 2/);
  });
});

describe('throughput and ETA', () => {
  it('averages images over step time, not step rates', () => {
    const t = new Throughput();
    t.add(100, 1000); // 0.1 s
    t.add(100, 100); // 1 s
    t.add(100, Infinity); // ignored: no time measured
    expect(t.imagesPerSecond).toBeCloseTo(200 / 1.1, 9);
  });

  it('counts the steps left over the whole run', () => {
    const p = { epoch: 2, epochs: 3, stepInEpoch: 10, stepsPerEpoch: 40 };
    expect(runSteps(p)).toEqual({ done: 50, total: 120 });
    expect(etaSeconds(p, 32, 64)).toBeCloseTo((70 * 32) / 64, 12);
    expect(etaSeconds(p, 32, 0)).toBeNaN();
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(0.4)).toBe('0:00');
    expect(formatDuration(NaN)).toBe('—');
  });
});

describe('summariseConfusion', () => {
  it('gives row shares, recall and precision', () => {
    const s = summariseConfusion([
      [8, 2, 0],
      [1, 3, 0],
      [0, 0, 0],
    ]);
    expect(s.rates[0]).toEqual([0.8, 0.2, 0]);
    expect(s.rates[2]).toEqual([0, 0, 0]);
    expect(s.recall[0]).toBeCloseTo(0.8, 12);
    expect(s.recall[1]).toBeCloseTo(0.75, 12);
    expect(s.recall[2]).toBeNaN();
    expect(s.precision[0]).toBeCloseTo(8 / 9, 12);
    expect(s.precision[1]).toBeCloseTo(3 / 5, 12);
    expect(s.precision[2]).toBeNaN();
    expect(s.total).toBe(14);
    expect(s.correct).toBe(11);
  });

  it('refuses a matrix that is not square', () => {
    expect(() => summariseConfusion([[1, 2], [3]])).toThrow(/must be square; got 2 rows of lengths 2, 1/);
  });
});
