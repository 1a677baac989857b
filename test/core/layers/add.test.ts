import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('Add', () => {
  it('adds same-shaped inputs; n − 1 additions per value when counting every layer', () => {
    const run = expectOk(runLayer('Add', {}, [[64, 56, 56], [64, 56, 56], [64, 56, 56]]));
    expect(run.shape).toEqual([64, 56, 56]);
    expect(run.allMacs).toBe(2 * 64 * 56 * 56);
    expect(run.rf).toEqual({ kind: 'merge' });
  });

  it('reports mismatched shapes, quoting each with the node that gives it', () => {
    const [problem] = expectProblems(runLayer('Add', {}, [[64, 56, 56], [128, 28, 28]], 'sum'));
    expect(problem!.message).toContain("Add 'sum' needs inputs of one shape, but it is fed 64×56×56 from 'in0', 128×28×28 from 'in1'");
  });
});
