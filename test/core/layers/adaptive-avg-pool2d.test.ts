import { describe, expect, it } from 'vitest';
import { expectOk, runLayer } from './run-layer';

describe('AdaptiveAvgPool2d', () => {
  it('outputs the requested size whatever the input', () => {
    expect(expectOk(runLayer('AdaptiveAvgPool2d', { outputSize: 6 }, [[256, 13, 13]])).shape).toEqual([256, 6, 6]);
    expect(expectOk(runLayer('AdaptiveAvgPool2d', { outputSize: [2, 3] }, [[4, 7, 9]])).shape).toEqual([4, 2, 3]);
  });

  it('counts each input value once per window containing it (13 → 6 uses six overlapping windows of 3)', () => {
    expect(expectOk(runLayer('AdaptiveAvgPool2d', { outputSize: 6 }, [[256, 13, 13]])).allMacs).toBe(256 * 18 * 18);
    expect(expectOk(runLayer('AdaptiveAvgPool2d', { outputSize: 1 }, [[512, 7, 7]])).allMacs).toBe(512 * 49);
  });

  it('is global pooling at 1×1, a regular window when the size divides, and the identity at the same size', () => {
    expect(expectOk(runLayer('AdaptiveAvgPool2d', { outputSize: 1 }, [[512, 7, 7]])).rf).toEqual({ kind: 'global' });
    expect(expectOk(runLayer('AdaptiveAvgPool2d', { outputSize: 7 }, [[512, 14, 14]])).rf).toMatchObject({ kernel: [2, 2], stride: [2, 2] });
    expect(expectOk(runLayer('AdaptiveAvgPool2d', { outputSize: 6 }, [[256, 6, 6]])).rf).toMatchObject({ kernel: [1, 1], stride: [1, 1] });
  });
});
