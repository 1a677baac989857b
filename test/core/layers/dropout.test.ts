import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('Dropout', () => {
  it('keeps the shape and costs nothing at inference', () => {
    const run = expectOk(runLayer('Dropout', {}, [[4096]]));
    expect(run.shape).toEqual([4096]);
    expect(run.allMacs).toBe(0);
  });

  it('needs p within [0, 1]', () => {
    const [problem] = expectProblems(runLayer('Dropout', { p: 1.5 }, [[10]], 'drop'));
    expect(problem!.message).toBe("Dropout 'drop' has attrs.p = 1.5; it must be a number at least 0 and at most 1.");
  });
});
