import { describe, expect, it } from 'vitest';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('Dense', () => {
  it("counts AlexNet's first classifier layer: 9216 → 4096", () => {
    const run = expectOk(runLayer('Dense', { outFeatures: 4096 }, [[9216]]));
    expect(run.shape).toEqual([4096]);
    expect(run.params.trainable).toBe(9216 * 4096 + 4096);
    expect(run.macs).toBe(9216 * 4096);
    expect(run.rf).toEqual({ kind: 'global' });
  });

  it('drops the bias when asked', () => {
    expect(expectOk(runLayer('Dense', { outFeatures: 10, bias: false }, [[84]])).params.trainable).toBe(840);
  });

  it('asks for a Flatten when fed an image tensor', () => {
    const [problem] = expectProblems(runLayer('Dense', { outFeatures: 10 }, [[16, 5, 5]], 'fc1'));
    expect(problem!.message).toContain("Dense 'fc1' is fed a 4-D tensor (N×16×5×5) by 'in0'");
    expect(problem!.message).toContain('insert a Flatten');
  });

  it('requires outFeatures', () => {
    const [problem] = expectProblems(runLayer('Dense', {}, [[84]]));
    expect(problem!.field).toBe('outFeatures');
    expect(problem!.message).toContain('missing attrs.outFeatures');
  });
});
