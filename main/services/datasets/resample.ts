// Scale-to-cover then centre-crop, on channel-planar uint8 pixels, in plain TypeScript. Small images (the common
// case: decoded size within 2× of the target) cost far less here than a libvips resize pipeline per image, whose
// fixed cost dominates at these sizes; large images still go through libvips (JPEG shrink-on-load).
//
// Downscaling averages areas: each output pixel is the mean of the source area it covers, partial pixels weighed
// by their overlap (OpenCV's INTER_AREA), so nothing aliases and smooth gradients stay exact. Upscaling is bilinear.

interface Taps {
  /** First source index of each output index. */
  start: Int32Array;
  /** Taps per output index, the same for all (the widest; the others padded with zero weights), so loops unroll. */
  n: number;
  /** `n` weights per output index, summing to 1. */
  weights: Float64Array;
}

const tapCache = new Map<string, Taps>();

/** Taps for `outSize` outputs over `inSize` inputs at `scale` (out/in), skipping `offset` output pixels (the crop). */
function taps(inSize: number, outSize: number, scale: number, offset: number): Taps {
  const key = `${inSize}:${outSize}:${scale}:${offset}`;
  const cached = tapCache.get(key);
  if (cached) return cached;
  const each: { lo: number; weights: number[] }[] = [];
  for (let o = 0; o < outSize; o++) {
    if (scale < 1) {
      const a = Math.max(0, (o + offset) / scale);
      const b = Math.min(inSize, (o + offset + 1) / scale);
      const lo = Math.min(inSize - 1, Math.floor(a));
      const hi = Math.max(lo + 1, Math.ceil(b));
      const weights: number[] = [];
      for (let i = lo; i < hi; i++) weights.push(Math.max(0, Math.min(i + 1, b) - Math.max(i, a)) / (b - a));
      each.push({ lo, weights });
    } else {
      const position = Math.min(inSize - 1, Math.max(0, (o + offset + 0.5) / scale - 0.5));
      const lo = Math.min(inSize - 2, Math.floor(position));
      each.push(lo < 0 ? { lo: 0, weights: [1] } : { lo, weights: [1 - (position - lo), position - lo] });
    }
  }
  // Every tap list lies within [0, inSize), so the widest fits and shorter ones can be shifted left to fit too.
  const n = Math.max(...each.map((e) => e.weights.length));
  const start = new Int32Array(outSize);
  const weights = new Float64Array(outSize * n);
  each.forEach(({ lo, weights: w }, o) => {
    const first = Math.min(lo, inSize - n);
    start[o] = first;
    w.forEach((v, k) => (weights[o * n + lo - first + k] = v));
  });
  const result = { start, n, weights };
  if (tapCache.size > 512) tapCache.clear();
  tapCache.set(key, result);
  return result;
}

/**
 * The scale and crop offsets of covering outW×outH with a w×h image, centred. An odd surplus puts the extra pixel
 * on the left/top, as sharp's centre crop does, so both decode routes crop alike.
 */
export function coverGeometry(w: number, h: number, outW: number, outH: number): { scale: number; left: number; top: number } {
  const scale = Math.max(outW / w, outH / h);
  return { scale, left: Math.floor((Math.round(w * scale) - outW + 1) / 2), top: Math.floor((Math.round(h * scale) - outH + 1) / 2) };
}

let scratch = new Float64Array(0);

/** How the source pixels lie in memory: planar (C×H×W) or interleaved (H×W×C, as decoders give them). */
export type PixelLayout = 'planar' | 'interleaved';

/**
 * Resizes `src` (channels × h × w, in `layout`) to cover outH×outW and centre-crops it, into `out`, channel-planar
 * (channels×outH×outW). Two separable passes: across each needed source row (all channels of an interleaved pixel
 * at once, so a decoder's output is read in order), then down, adding 2 or 3 weighted rows (unrolled) into `out`.
 * The weights are non-negative and sum to 1, so every value lies in [0, 255] give or take rounding error and is
 * rounded as floor(v + 0.5), unclamped: half the time of Math.round with clamps (0.12 against 0.25 ms for a
 * 160×120 or 128×96 colour image to 64×64), the same pixels.
 */
export function resizeCover(src: Uint8Array, layout: PixelLayout, channels: number, h: number, w: number, out: Uint8Array, outH: number, outW: number): void {
  const { scale, left, top } = coverGeometry(w, h, outW, outH);
  const { start: aStart, n: an, weights: aw } = taps(w, outW, scale, left);
  const { start: dStart, n: dn, weights: dw } = taps(h, outH, scale, top);
  const rowFirst = dStart[0]!;
  const rowEnd = dStart[outH - 1]! + dn;
  // Interleaved pixels are filtered as `lanes` values side by side; planar ones one channel plane per pass.
  const lanes = layout === 'interleaved' ? channels : 1;
  const passes = layout === 'interleaved' ? 1 : channels;
  const rowLength = outW * lanes;
  const need = (rowEnd - rowFirst) * rowLength;
  if (scratch.length < need) scratch = new Float64Array(need);
  const tmp = scratch;
  const plane = outH * outW;
  for (let pass = 0; pass < passes; pass++) {
    const base = pass * h * w;
    for (let y = rowFirst, t = 0; y < rowEnd; y++) {
      const row = base + y * w * lanes;
      if (lanes === 3) {
        for (let x = 0, wi = 0; x < outW; x++) {
          let p = row + aStart[x]! * 3;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          for (let k = 0; k < an; k++, p += 3) {
            const wk = aw[wi++]!;
            s0 += src[p]! * wk;
            s1 += src[p + 1]! * wk;
            s2 += src[p + 2]! * wk;
          }
          tmp[t++] = s0;
          tmp[t++] = s1;
          tmp[t++] = s2;
        }
      } else {
        for (let x = 0, wi = 0; x < outW; x++, wi += an) {
          const p = row + aStart[x]! * lanes;
          for (let c = 0; c < lanes; c++) {
            let sum = 0;
            for (let k = 0; k < an; k++) sum += src[p + k * lanes + c]! * aw[wi + k]!;
            tmp[t++] = sum;
          }
        }
      }
    }
    for (let y = 0; y < outH; y++) {
      const first = (dStart[y]! - rowFirst) * rowLength;
      const wb = y * dn;
      for (let c = 0; c < lanes; c++) {
        const o = (pass + c) * plane + y * outW;
        if (dn === 2) {
          const w0 = dw[wb]!;
          const w1 = dw[wb + 1]!;
          for (let x = 0, r = first + c; x < outW; x++, r += lanes) {
            const v = tmp[r]! * w0 + tmp[r + rowLength]! * w1;
            out[o + x] = (v + 0.5) | 0;
          }
        } else if (dn === 3) {
          const w0 = dw[wb]!;
          const w1 = dw[wb + 1]!;
          const w2 = dw[wb + 2]!;
          const twoRows = 2 * rowLength;
          for (let x = 0, r = first + c; x < outW; x++, r += lanes) {
            const v = tmp[r]! * w0 + tmp[r + rowLength]! * w1 + tmp[r + twoRows]! * w2;
            out[o + x] = (v + 0.5) | 0;
          }
        } else {
          for (let x = 0, r = first + c; x < outW; x++, r += lanes) {
            let v = 0;
            for (let k = 0, q = r; k < dn; k++, q += rowLength) v += tmp[q]! * dw[wb + k]!;
            out[o + x] = (v + 0.5) | 0;
          }
        }
      }
    }
  }
}

/** resizeCover for channel-planar sources. */
export function resizeCoverPlanar(src: Uint8Array, channels: number, h: number, w: number, out: Uint8Array, outH: number, outW: number): void {
  resizeCover(src, 'planar', channels, h, w, out, outH, outW);
}

/** Channel-planar colour to one grey plane (ITU-R BT.601 luma, as libvips's sRGB → b-w). */
export function lumaPlanar(src: Uint8Array, plane: number): Uint8Array {
  const out = new Uint8Array(plane);
  for (let p = 0; p < plane; p++) out[p] = Math.round(0.299 * src[p]! + 0.587 * src[plane + p]! + 0.114 * src[2 * plane + p]!);
  return out;
}

/** Interleaved colour (H×W×3) to one grey plane. */
export function lumaInterleaved(src: Uint8Array, plane: number): Uint8Array {
  const out = new Uint8Array(plane);
  for (let p = 0, q = 0; p < plane; p++, q += 3) out[p] = Math.round(0.299 * src[q]! + 0.587 * src[q + 1]! + 0.114 * src[q + 2]!);
  return out;
}
