import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('MaxPool2d', () => {
  it('defaults the stride to the kernel', () => {
    const run = expectOk(runLayer('MaxPool2d', { kernel: 2 }, [[6, 28, 28]]));
    expect(run.shape).toEqual([6, 14, 14]);
    expect(run.rf).toEqual({ kind: 'window', kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] });
  });

  it('rounds up in ceil mode (GoogLeNet: 3×3 stride 2 on 112 gives 56, not 55)', () => {
    expect(expectOk(runLayer('MaxPool2d', { kernel: 3, stride: 2, ceilMode: true }, [[64, 112, 112]])).shape).toEqual([64, 56, 56]);
    expect(expectOk(runLayer('MaxPool2d', { kernel: 3, stride: 2 }, [[64, 112, 112]])).shape).toEqual([64, 55, 55]);
  });

  it('drops a ceil-mode window that would start in the padding, as PyTorch does', () => {
    // 5 + 2·1 − 2 = 5 → ceil(5/2)+1 = 4 windows, but the 4th starts at 6 ≥ 5 + 1, so 3.
    expect(expectOk(runLayer('MaxPool2d', { kernel: 2, stride: 2, padding: 1, ceilMode: true }, [[1, 5, 5]])).shape).toEqual([1, 3, 3]);
  });

  it('pads (ResNet stem: 3×3 stride 2 padding 1 on 112 gives 56)', () => {
    expect(expectOk(runLayer('MaxPool2d', { kernel: 3, stride: 2, padding: 1 }, [[64, 112, 112]])).shape).toEqual([64, 56, 56]);
  });

  it('has no parameters and no conventional MACs; one op per window element when counting every layer', () => {
    const run = expectOk(runLayer('MaxPool2d', { kernel: 3, stride: 2 }, [[64, 55, 55]]));
    expect(run.params).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(run.macs).toBe(0);
    expect(run.allMacs).toBe(64 * 27 * 27 * 9);
  });

  it('refuses padding beyond half the window', () => {
    const [problem] = expectProblems(runLayer('MaxPool2d', { kernel: 3, padding: 2 }, [[1, 8, 8]], 'pool'));
    expect(problem!.field).toBe('padding');
    expect(problem!.message).toMatch(/MaxPool2d 'pool' has padding 2 .*at most 1/);
  });

  it('reports a window larger than the input', () => {
    const [problem] = expectProblems(runLayer('MaxPool2d', { kernel: 3, stride: 2 }, [[256, 2, 2]], 'pool5'));
    expect(problem!.message).toContain("MaxPool2d 'pool5' has a 3×3 kernel but its padded input is only 2×2");
  });
});
