import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('Concat', () => {
  it('sums channels (Inception 3a: 64 + 128 + 32 + 32 = 256)', () => {
    const run = expectOk(runLayer('Concat', {}, [[64, 28, 28], [128, 28, 28], [32, 28, 28], [32, 28, 28]]));
    expect(run.shape).toEqual([256, 28, 28]);
    expect(run.allMacs).toBe(0);
  });

  it('joins feature vectors', () => {
    expect(expectOk(runLayer('Concat', {}, [[10], [20]])).shape).toEqual([30]);
  });

  it('reports 28×28 against 27×27, quoting both and their nodes', () => {
    const [problem] = expectProblems(runLayer('Concat', {}, [[64, 28, 28], [32, 27, 27]], 'cat'));
    expect(problem!.field).toBe('inputs');
    expect(problem!.message).toContain("Concat 'cat' needs the same height×width on every input, but it is fed 28×28 from 'in0', 27×27 from 'in1'");
  });

  it('reports inputs of different ranks', () => {
    expect(expectProblems(runLayer('Concat', {}, [[64, 2, 2], [256]]))[0]!.message).toContain('64×2×2');
  });
});
