import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { convertPlanar, decodeRoute } from '../../../main/services/datasets/decode';
import { coverGeometry, lumaPlanar, resizeCover, resizeCoverPlanar, type PixelLayout } from '../../../main/services/datasets/resample';
import { referenceCover } from './reference-resize';

/** A smooth grey test pattern (gradients and a low-frequency wave), channel-planar. */
function pattern(h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = Math.round(127 + 60 * Math.sin(x / 7) + 50 * Math.cos(y / 9));
  return out;
}

async function libvipsCover(src: Uint8Array, h: number, w: number, outH: number, outW: number): Promise<Uint8Array> {
  const image = sharp(src, { raw: { width: w, height: h, channels: 1 } }).resize(outW, outH, { fit: 'cover', position: 'centre' });
  return new Uint8Array(await image.toColourspace('b-w').raw().toBuffer());
}

describe('scale-to-cover resampling', () => {
  it('computes the crop of the covering scale', () => {
    expect(coverGeometry(128, 96, 64, 64)).toEqual({ scale: 2 / 3, left: 11, top: 0 });
    expect(coverGeometry(20, 40, 10, 10)).toEqual({ scale: 0.5, left: 0, top: 5 });
  });

  // libvips uses lanczos3 where we average areas (or interpolate bilinearly when enlarging), so the two differ by a
  // grey level or two on average; a crop off by one pixel or swapped axes would differ by ten or more.
  it.each([
    [96, 128, 64, 64, 2.5],
    [120, 160, 64, 64, 2.5],
    [28, 28, 32, 32, 4],
    [50, 30, 20, 20, 2.5],
  ])('matches libvips closely: %i×%i → %i×%i', async (h, w, outH, outW, meanLimit) => {
    const src = pattern(h, w);
    const ours = new Uint8Array(outH * outW);
    resizeCoverPlanar(src, 1, h, w, ours, outH, outW);
    const theirs = await libvipsCover(src, h, w, outH, outW);
    let total = 0;
    let worst = 0;
    for (let i = 0; i < ours.length; i++) {
      const d = Math.abs(ours[i]! - theirs[i]!);
      total += d;
      worst = Math.max(worst, d);
    }
    expect(total / ours.length).toBeLessThan(meanLimit);
    expect(worst).toBeLessThan(16);
  });

  // Shapes that exercise 1, 2, 3 and wider vertical taps, 1, 3 and 4 interleaved lanes, planar passes and enlarging.
  it.each([
    [3, 96, 128, 64, 64, 'interleaved'],
    [3, 120, 160, 64, 64, 'interleaved'],
    [1, 96, 128, 64, 64, 'planar'],
    [3, 50, 30, 64, 64, 'planar'],
    [4, 33, 47, 20, 21, 'interleaved'],
    [2, 33, 47, 40, 71, 'interleaved'],
    [3, 300, 400, 64, 48, 'interleaved'],
    [1, 1, 9, 4, 4, 'planar'],
  ] as [number, number, number, number, number, PixelLayout][])('equals the filter evaluated pixel by pixel: %i×%i×%i → %i×%i, %s', (c, h, w, outH, outW, layout) => {
    const src = Uint8Array.from({ length: c * h * w }, (_, i) => (i * 7 + (i >> 5) + Math.round(40 * Math.sin(i / 11))) & 255);
    const ours = new Uint8Array(c * outH * outW);
    resizeCover(src, layout, c, h, w, ours, outH, outW);
    const theirs = referenceCover(src, layout, c, h, w, outH, outW);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
    // Only the order of the floating-point sums differs, which can move a value sitting on .5 by one.
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('averages areas exactly when shrinking by a whole factor', () => {
    const src = Uint8Array.from({ length: 16 }, (_, i) => i * 10); // 4×4
    const out = new Uint8Array(4);
    resizeCoverPlanar(src, 1, 4, 4, out, 2, 2);
    expect([...out]).toEqual([25, 45, 105, 125]);
  });

  it('gives the same result from interleaved (decoder) and planar pixels', () => {
    const [h, w] = [30, 44];
    const planar = new Uint8Array(3 * h * w);
    for (let c = 0; c < 3; c++) planar.set(pattern(h, w).map((v) => (v + 40 * c) & 255), c * h * w);
    const interleaved = new Uint8Array(3 * h * w);
    for (let p = 0; p < h * w; p++) for (let c = 0; c < 3; c++) interleaved[p * 3 + c] = planar[c * h * w + p]!;
    for (const to of [[3, 16, 16], [1, 16, 16], [3, h, w]] as [number, number, number][]) {
      expect([...convertPlanar(interleaved, [3, h, w], to, 'interleaved')]).toEqual([...convertPlanar(planar, [3, h, w], to, 'planar')]);
    }
  });

  it('sends images over twice the target size to libvips (JPEG shrink-on-load), the rest through full decodes', () => {
    expect(decodeRoute({ width: 128, height: 96 }, [3, 64, 64])).toBe('full');
    expect(decodeRoute({ width: 640, height: 480 }, [3, 64, 64])).toBe('shrink');
    expect(decodeRoute({ width: 20, height: 20 }, [3, 64, 64])).toBe('full');
    expect(decodeRoute(undefined, [3, 64, 64])).toBe('full');
  });

  it('keeps a flat image flat and leaves a same-size image unchanged', () => {
    const flat = new Uint8Array(3 * 30 * 40).fill(200);
    const out = convertPlanar(flat, [3, 30, 40], [3, 16, 16]);
    expect(out.every((v) => v === 200)).toBe(true);
    const src = pattern(10, 12);
    expect([...convertPlanar(src, [1, 10, 12], [1, 10, 12])]).toEqual([...src]);
  });

  it('converts colour to grey by luma and grey to colour by copying the plane', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]); // 1×3 pixels: red, green, blue → planes
    expect([...lumaPlanar(new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]), 3)]).toEqual([76, 150, 29]);
    expect([...convertPlanar(rgb, [3, 1, 3], [1, 1, 3])]).toEqual([76, 150, 29]);
    expect([...convertPlanar(new Uint8Array([1, 2]), [1, 1, 2], [3, 1, 2])]).toEqual([1, 2, 1, 2, 1, 2]);
  });
});

// resizeCover rounds without clamping (its weights are non-negative and sum to 1): at the extremes of the range a
// value must neither wrap (256 stored as 0) nor drift from the pixel-by-pixel filter.
const roundingShapes: [number, number, number, number, number, PixelLayout][] = [
  [3, 120, 160, 64, 64, 'interleaved'],
  [3, 96, 128, 64, 64, 'interleaved'],
  [1, 97, 61, 32, 32, 'planar'],
  [3, 20, 30, 64, 48, 'planar'],
  [4, 33, 47, 20, 21, 'interleaved'],
  [2, 7, 5, 40, 71, 'interleaved'],
];

describe('rounding at the ends of the range', () => {
  it.each(roundingShapes)('keeps black, white and black-and-white stripes as the filter gives them: %i×%i×%i → %i×%i, %s', (c, h, w, outH, outW, layout) => {
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
