import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('BatchNorm', () => {
  it('learns γ and β per channel; the running mean and variance are not trainable', () => {
    const run = expectOk(runLayer('BatchNorm', {}, [[64, 56, 56]]));
    expect(run.shape).toEqual([64, 56, 56]);
    expect(run.params).toEqual({ trainable: 128, nonTrainable: 128 });
    expect(run.macs).toBe(0);
    expect(run.allMacs).toBe(64 * 56 * 56);
  });

  it('without affine has only running statistics', () => {
    expect(expectOk(runLayer('BatchNorm', { affine: false }, [[32, 4, 4]])).params).toEqual({ trainable: 0, nonTrainable: 64 });
  });

  it('normalises features too (BatchNorm1d)', () => {
    expect(expectOk(runLayer('BatchNorm', {}, [[120]])).params).toEqual({ trainable: 240, nonTrainable: 240 });
  });

  it('needs a positive eps and a momentum within [0, 1]', () => {
    const problems = expectProblems(runLayer('BatchNorm', { eps: 0, momentum: 2 }, [[8, 4, 4]]));
    expect(problems.map((problem) => problem.field)).toEqual(['eps', 'momentum']);
    expect(problems[1]!.message).toContain('= 2');
  });
});
