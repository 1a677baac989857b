// Scale-to-cover with centre crop written out pixel by pixel: the same filter as resample.ts (area average when
// shrinking, bilinear when enlarging) but none of its tap tables, row passes or unrolling, to test them against.
import { coverGeometry } from '../../../main/services/datasets/resample';

/** Source indices and weights of output index `index` along one axis. */
function weights1d(inSize: number, scale: number, index: number): Map<number, number> {
  const found = new Map<number, number>();
  if (scale < 1) {
    const a = index / scale;
    const b = Math.min(inSize, (index + 1) / scale);
    for (let i = Math.floor(a); i < Math.ceil(b); i++) found.set(i, (Math.min(i + 1, b) - Math.max(i, a)) / (b - a));
  } else {
    const position = Math.min(inSize - 1, Math.max(0, (index + 0.5) / scale - 0.5));
    const lo = Math.min(inSize - 2, Math.floor(position));
    if (lo < 0) found.set(0, 1);
    else {
      found.set(lo, 1 - (position - lo));
      found.set(lo + 1, position - lo);
    }
  }
  return found;
}

/** `src` (h×w×channels interleaved, or channels×h×w planar) covered to outH×outW, centre-cropped, channel-planar. */
export function referenceCover(src: Uint8Array, layout: 'planar' | 'interleaved', channels: number, h: number, w: number, outH: number, outW: number): Uint8Array {
  const { scale, left, top } = coverGeometry(w, h, outW, outH);
  const at = (y: number, x: number, c: number) => (layout === 'interleaved' ? (y * w + x) * channels + c : c * h * w + y * w + x);
  const out = new Uint8Array(channels * outH * outW);
  const columns = Array.from({ length: outW }, (_, x) => weights1d(w, scale, x + left));
  for (let y = 0; y < outH; y++) {
    const down = weights1d(h, scale, y + top);
    for (let x = 0; x < outW; x++) {
      const across = columns[x]!;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (const [sy, wy] of down) for (const [sx, wx] of across) sum += src[at(sy, sx, c)]! * wy * wx;
        out[c * outH * outW + y * outW + x] = Math.min(255, Math.max(0, Math.round(sum)));
      }
    }
  }
  return out;
}
