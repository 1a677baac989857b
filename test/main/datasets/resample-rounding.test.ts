// resizeCover rounds without clamping (its weights are non-negative and sum to 1): at the extremes of the range a
// value must neither wrap (256 stored as 0) nor drift from the pixel-by-pixel filter.
import { describe, expect, it } from 'vitest';
import { resizeCover, type PixelLayout } from '../../../main/services/datasets/resample';
import { referenceCover } from './reference-resize';

const shapes: [number, number, number, number, number, PixelLayout][] = [
  [3, 120, 160, 64, 64, 'interleaved'],
  [3, 96, 128, 64, 64, 'interleaved'],
  [1, 97, 61, 32, 32, 'planar'],
  [3, 20, 30, 64, 48, 'planar'],
  [4, 33, 47, 20, 21, 'interleaved'],
  [2, 7, 5, 40, 71, 'interleaved'],
];

describe('rounding at the ends of the range', () => {
  it.each(shapes)('keeps black, white and black-and-white stripes as the filter gives them: %i×%i×%i → %i×%i, %s', (c, h, w, outH, outW, layout) => {
    const images = {
      black: new Uint8Array(c * h * w),
      white: new Uint8Array(c * h * w).fill(255),
      stripes: Uint8Array.from({ length: c * h * w }, (_, i) => ((i >> 1) % 3 === 0 ? 255 : 0)),
    };
    for (const [name, src] of Object.entries(images)) {
      const ours = new Uint8Array(c * outH * outW);
      resizeCover(src, layout, c, h, w, ours, outH, outW);
      const theirs = referenceCover(src, layout, c, h, w, outH, outW);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
      expect(worst, name).toBeLessThanOrEqual(1);
      if (name !== 'stripes') expect(ours.every((v) => v === src[0]), name).toBe(true);
    }
  });
});
