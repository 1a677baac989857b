import { describe, expect, it } from 'vitest';
import { expectOk, runLayer } from './run-layer';

describe('Flatten', () => {
  it('turns C×H×W into C·H·W features and passes features through', () => {
    expect(expectOk(runLayer('Flatten', {}, [[256, 6, 6]])).shape).toEqual([9216]);
    expect(expectOk(runLayer('Flatten', {}, [[120]])).shape).toEqual([120]);
    expect(expectOk(runLayer('Flatten', {}, [[256, 6, 6]])).rf).toEqual({ kind: 'global' });
  });
});
