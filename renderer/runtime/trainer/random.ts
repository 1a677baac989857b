// Seeded randomness for training runs: one generator per purpose (data order, dropout masks), each derived from the
// run's seed, so changing how many masks a model draws never changes its data order, and the same seed gives the
// same run bit for bit. The generator itself is the core's (renderer/core/random.ts), shared with initialisation.
import { seededRandom } from '../../core/random';

export { seededRandom };

/** A seed for one purpose of one run (splitmix-style mixing of the run seed with a stream id and an index). */
export function deriveSeed(seed: number, stream: number, index = 0): number {
  let z = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export const STREAM = { dataOrder: 1, dropout: 2 } as const;

/** The order of `count` samples in epoch `epoch` (0-based): a Fisher–Yates shuffle seeded by the run seed and epoch. */
export function epochPermutation(seed: number, epoch: number, count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const next = seededRandom(deriveSeed(seed, STREAM.dataOrder, epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** Fills an inverted-dropout mask: 0 with probability p, else 1/(1 − p). */
export function fillDropoutMask(mask: Float32Array, p: number, next: () => number): Float32Array {
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = next() < p ? 0 : keep;
  return mask;
}
