import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('AvgPool2d', () => {
  it("pools LeNet's 6×28×28 to 6×14×14 with stride defaulting to the kernel", () => {
    const run = expectOk(runLayer('AvgPool2d', { kernel: 2 }, [[6, 28, 28]]));
    expect(run.shape).toEqual([6, 14, 14]);
    expect(run.allMacs).toBe(6 * 14 * 14 * 4);
    expect(run.macs).toBe(0);
  });

  it('supports padding and ceil mode', () => {
    expect(expectOk(runLayer('AvgPool2d', { kernel: 3, stride: 1, padding: 1 }, [[8, 7, 7]])).shape).toEqual([8, 7, 7]);
    expect(expectOk(runLayer('AvgPool2d', { kernel: 2, ceilMode: true }, [[8, 7, 7]])).shape).toEqual([8, 4, 4]);
  });

  it('has no dilation attribute', () => {
    const [problem] = expectProblems(runLayer('AvgPool2d', { kernel: 2, dilation: 2 }, [[1, 8, 8]]));
    expect(problem!.field).toBe('dilation');
  });

  it('checks countIncludePad is a boolean', () => {
    const [problem] = expectProblems(runLayer('AvgPool2d', { kernel: 2, countIncludePad: 'yes' }, [[1, 8, 8]]));
    expect(problem!.message).toContain('"yes"');
  });
});
