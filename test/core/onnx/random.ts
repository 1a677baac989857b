/** A seeded uniform generator in [lo, hi) (mulberry32), so test inputs are reproducible. */
export function seededUniform(seed: number, lo = -1, hi = 1): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

/** `count` seeded values rounded to float32, so float32 and float64 runs see the same inputs. */
export function randomValues(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = seededUniform(seed, lo, hi);
  return Float32Array.from({ length: count }, next);
}
