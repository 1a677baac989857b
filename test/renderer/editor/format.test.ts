import { describe, expect, it } from 'vitest';
import { formatBytes, formatCompact, formatCount, formatShape, formatShare } from '../../../renderer/editor/format';

describe('number formats', () => {
  it('writes exact counts with thousands separators', () => {
    expect(formatCount(46_764_746)).toBe('46,764,746');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(-1234)).toBe('-1,234');
  });

  it('writes compact counts with three significant figures and never in exponent notation', () => {
    expect(formatCompact(37_752_832)).toBe('37.8 M');
    expect(formatCompact(61_100_840)).toBe('61.1 M');
    expect(formatCompact(1_430_000_000)).toBe('1.43 G');
    expect(formatCompact(999_600)).toBe('1 M');
    expect(formatCompact(999_400)).toBe('999 k');
    expect(formatCompact(4096)).toBe('4.1 k');
    expect(formatCompact(512)).toBe('512');
  });

  it('writes memory in binary units', () => {
    expect(formatBytes(1010 * 1024 ** 2)).toBe('1010 MiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(233.1 * 1024 ** 2)).toBe('233 MiB');
  });

  it('writes shapes and shares', () => {
    expect(formatShape([96, 54, 54])).toBe('96×54×54');
    expect(formatShape(null)).toBe('?');
    expect(formatShare(37_752_832, 61_100_840)).toBe('61.8 %');
    expect(formatShare(1, 0)).toBe('0 %');
  });
});
