import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('GlobalAvgPool', () => {
  it('averages each channel to 1×1 and ends the spatial field', () => {
    const run = expectOk(runLayer('GlobalAvgPool', {}, [[512, 7, 7]]));
    expect(run.shape).toEqual([512, 1, 1]);
    expect(run.allMacs).toBe(512 * 49);
    expect(run.rf).toEqual({ kind: 'global' });
  });

  it('takes no attributes', () => {
    const [problem] = expectProblems(runLayer('GlobalAvgPool', { size: 7 }, [[512, 7, 7]]));
    expect(problem!.message).toContain("unknown attribute 'size'");
  });
});
