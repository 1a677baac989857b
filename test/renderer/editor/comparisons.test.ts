import { describe, expect, it } from 'vitest';
import { analysePair, bottleneck, vggStack } from '../../../renderer/visualisers/comparisons';

describe('what-if comparisons', () => {
  it('one 7×7 against three 3×3: 49C² against 27C² weights, the same 7×7 receptive field', () => {
    const channels = 64;
    const [one, three] = analysePair(vggStack(channels));
    expect(one.analysis.totals.params).toBe(49 * channels * channels);
    expect(three.analysis.totals.params).toBe(27 * channels * channels);
    expect(one.analysis.receptiveField!.size).toBe(7);
    expect(three.analysis.receptiveField!.size).toBe(7);
    expect(one.analysis.output).toEqual(three.analysis.output);
  });

  it('a 5×5 against a 1×1 bottleneck and the 5×5: 819,200 against 204,800 weights in the 5×5', () => {
    const [plain, reduced] = analysePair(bottleneck(256, 64, 128));
    expect(plain.analysis.totals.params).toBe(819_200);
    const fiveByFive = reduced.analysis.layers.find((layer) => layer.name === 'conv5x5')!;
    expect(fiveByFive.params).toBe(204_800);
    expect(reduced.analysis.totals.params).toBe(204_800 + 256 * 64);
    expect(plain.analysis.output).toEqual(reduced.analysis.output);
  });
});
