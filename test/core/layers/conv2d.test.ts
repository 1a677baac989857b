import { describe, expect, it } from 'vitest';
import { resolveConvPadding } from '../../../renderer/core/layers/conv2d';
import { expectOk, expectProblems, runLayer } from './run-layer';

describe('Conv2d', () => {
  it("computes AlexNet conv1 (3→64, 11×11, stride 4, padding 2 on 224): 55×55, 23,296 params", () => {
    const run = expectOk(runLayer('Conv2d', { outChannels: 64, kernel: 11, stride: 4, padding: 2 }, [[3, 224, 224]]));
    expect(run.shape).toEqual([64, 55, 55]);
    expect(run.params).toEqual({ trainable: 64 * 3 * 11 * 11 + 64, nonTrainable: 0 });
    expect(run.params.trainable).toBe(23_296);
    expect(run.macs).toBe(64 * 55 * 55 * 3 * 11 * 11);
    expect(run.allMacs).toBe(run.macs);
    expect(run.rf).toEqual({ kind: 'window', kernel: [11, 11], stride: [4, 4], padding: [2, 2], dilation: [1, 1] });
  });

  it('divides filters among groups (AlexNet paper conv2: 96→256, 5×5, 2 groups)', () => {
    const run = expectOk(runLayer('Conv2d', { outChannels: 256, kernel: 5, padding: 2, groups: 2 }, [[96, 27, 27]]));
    expect(run.shape).toEqual([256, 27, 27]);
    expect(run.params.trainable).toBe(256 * 48 * 25 + 256);
    expect(run.macs).toBe(256 * 27 * 27 * 48 * 25);
  });

  it('drops the bias when asked', () => {
    const run = expectOk(runLayer('Conv2d', { outChannels: 8, kernel: 3, bias: false }, [[4, 10, 10]]));
    expect(run.params.trainable).toBe(8 * 4 * 9);
  });

  it('widens the kernel by its dilation', () => {
    const run = expectOk(runLayer('Conv2d', { outChannels: 2, kernel: 3, dilation: 2 }, [[1, 10, 10]]));
    expect(run.shape).toEqual([2, 6, 6]); // effective kernel 5
    expect(run.params.trainable).toBe(2 * 9 + 2); // dilation adds no weights
    expect(run.macs).toBe(2 * 6 * 6 * 9);
  });

  it("pads 'same' so the output is ceil(input / stride), the extra pixel at the bottom/right", () => {
    expect(expectOk(runLayer('Conv2d', { outChannels: 4, kernel: 5, padding: 'same' }, [[3, 17, 17]])).shape).toEqual([4, 17, 17]);
    const strided = expectOk(runLayer('Conv2d', { outChannels: 4, kernel: 3, stride: 2, padding: 'same' }, [[3, 8, 7]]));
    expect(strided.shape).toEqual([4, 4, 4]);
    // height 8: (4−1)·2 + 3 − 8 = 1 pixel of padding, all at the bottom; width 7: 2, one each side.
    expect(resolveConvPadding('same', [8, 7], [3, 3], [2, 2], [1, 1])).toEqual([0, 1, 1, 1]);
    expect(strided.rf).toMatchObject({ kind: 'window', padding: [0, 1] });
  });

  it("accepts 'valid', [h, w] and [top, left, bottom, right] padding", () => {
    expect(expectOk(runLayer('Conv2d', { outChannels: 1, kernel: 3, padding: 'valid' }, [[1, 5, 5]])).shape).toEqual([1, 3, 3]);
    expect(expectOk(runLayer('Conv2d', { outChannels: 1, kernel: [1, 7], padding: [0, 3] }, [[1, 9, 9]])).shape).toEqual([1, 9, 9]);
    const asymmetric = expectOk(runLayer('Conv2d', { outChannels: 1, kernel: 3, padding: [1, 0, 0, 0] }, [[1, 5, 5]]));
    expect(asymmetric.shape).toEqual([1, 4, 3]);
    expect(asymmetric.rf).toMatchObject({ padding: [1, 0] });
  });

  it('reports a kernel larger than its padded input, quoting both sizes', () => {
    const [problem] = expectProblems(runLayer('Conv2d', { outChannels: 8, kernel: 11, padding: 1 }, [[3, 8, 8]], 'conv1'));
    expect(problem!.field).toBe('kernel');
    expect(problem!.message).toContain("Conv2d 'conv1'");
    expect(problem!.message).toContain('11×11 kernel');
    expect(problem!.message).toContain('only 10×10');
  });

  it('reports input channels that groups does not divide, naming the feeding node', () => {
    const [problem] = expectProblems(runLayer('Conv2d', { outChannels: 6, kernel: 3, groups: 3 }, [[64, 8, 8]], 'g'));
    expect(problem!.field).toBe('groups');
    expect(problem!.message).toMatch(/groups 3 .*'in0' has 64 channels/);
  });

  it('reports output channels that groups does not divide', () => {
    const [problem] = expectProblems(runLayer('Conv2d', { outChannels: 10, kernel: 3, groups: 4 }, [[8, 8, 8]]));
    expect(problem!.field).toBe('groups');
    expect(problem!.message).toContain('10 output channels');
  });

  it('reports every bad attribute at once, quoting each value', () => {
    const problems = expectProblems(runLayer('Conv2d', { outChannels: 0, kernel: 2.5, stride: -1, padding: 'full', kernal: 3 }, [[3, 8, 8]]));
    const byField = Object.fromEntries(problems.map((problem) => [problem.field, problem.message]));
    expect(Object.keys(byField).sort()).toEqual(['kernal', 'kernel', 'outChannels', 'padding', 'stride']);
    expect(byField.outChannels).toContain('= 0');
    expect(byField.kernel).toContain('= 2.5');
    expect(byField.stride).toContain('= -1');
    expect(byField.padding).toContain('"full"');
    expect(byField.kernal).toContain("unknown attribute 'kernal'");
  });

  it('asks for an image input when fed features', () => {
    const [problem] = expectProblems(runLayer('Conv2d', { outChannels: 8, kernel: 3 }, [[9216]]));
    expect(problem!.message).toContain('9216 features');
  });
});
