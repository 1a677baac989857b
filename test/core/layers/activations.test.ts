// ReLU, LeakyReLU, Sigmoid, Tanh, Softmax and Identity share the pointwise rules; each kind is checked here.
import { describe, expect, it } from 'vitest';
import type { LayerKind } from '../../../renderer/core/ir';
import { expectOk, expectProblems, runLayer } from './run-layer';

const opsPerValue: [LayerKind, number][] = [
  ['ReLU', 1],
  ['LeakyReLU', 1],
  ['Sigmoid', 1],
  ['Tanh', 1],
  ['Softmax', 2],
  ['Identity', 0],
];

describe.each(opsPerValue)('%s', (kind, ops) => {
  it('keeps the shape, has no parameters or conventional MACs, and sees only its own position', () => {
    const run = expectOk(runLayer(kind, {}, [[16, 10, 10]]));
    expect(run.shape).toEqual([16, 10, 10]);
    expect(run.params).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(run.macs).toBe(0);
    expect(run.allMacs).toBe(ops * 1600);
    expect(run.rf).toEqual({ kind: 'pointwise' });
  });
});

describe('LeakyReLU', () => {
  it('needs a numeric slope', () => {
    expect(expectProblems(runLayer('LeakyReLU', { negativeSlope: 'steep' }, [[4]]))[0]!.message).toContain('"steep"');
    expect(expectOk(runLayer('LeakyReLU', { negativeSlope: 0.2 }, [[4]])).shape).toEqual([4]);
  });
});

describe('ReLU', () => {
  it('rejects attributes that are not an object', () => {
    expect(expectProblems(runLayer('ReLU', [1], [[4]]))[0]!.field).toBe('attrs');
  });
});
