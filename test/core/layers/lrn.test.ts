import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('LRN', () => {
  it('keeps the shape, has no parameters, and counts size + 1 ops per value when counting every layer', () => {
    const run = expectOk(runLayer('LRN', { size: 5, alpha: 1e-4, beta: 0.75, k: 2 }, [[96, 55, 55]]));
    expect(run.shape).toEqual([96, 55, 55]);
    expect(run.params).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(run.allMacs).toBe(6 * 96 * 55 * 55);
    expect(run.rf).toEqual({ kind: 'pointwise' });
  });

  it('needs a whole-number size and an image input', () => {
    expect(expectProblems(runLayer('LRN', { size: 2.5 }, [[96, 55, 55]]))[0]!.message).toContain('= 2.5');
    expect(expectProblems(runLayer('LRN', { size: 5 }, [[4096]]))[0]!.message).toContain('4096 features');
  });
});
