import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('Input', () => {
  it('gives C×H×W and starts the receptive field', () => {
    const run = expectOk(runLayer('Input', { channels: 1, height: 28, width: 32 }, []));
    expect(run.shape).toEqual([1, 28, 32]);
    expect(run.rf).toEqual({ kind: 'source' });
  });

  it('reports zero, negative and fractional sizes, each quoted', () => {
    const problems = expectProblems(runLayer('Input', { channels: 0, height: -3, width: 2.5 }, [], 'x'));
    expect(problems.map((problem) => problem.message)).toEqual([
      "Input 'x' has attrs.channels = 0; it must be a positive whole number.",
      "Input 'x' has attrs.height = -3; it must be a positive whole number.",
      "Input 'x' has attrs.width = 2.5; it must be a positive whole number.",
    ]);
  });
});
