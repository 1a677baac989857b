// Seeded randomness for splits and sample order: the same seed gives the same dataset, byte for byte.

/** mulberry32: a small, fast 32-bit generator; plenty for shuffling. */
export function seededRandom(seed: number): () => number {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(items: T, random: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}

/**
 * Splits sample indices per class: of each class's samples (shuffled with `random`), round(n × fraction) go to
 * `taken`, the rest to `kept`. Classes keep their proportions in both parts.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  indices: ArrayLike<number>,
  fraction: number,
  random: () => number,
): { kept: number[]; taken: number[] } {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    const label = labels[index]!;
    let list = byClass.get(label);
    if (!list) byClass.set(label, (list = []));
    list.push(index);
  }
  const kept: number[] = [];
  const taken: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = shuffleInPlace(byClass.get(label)!, random);
    const count = Math.round(list.length * fraction);
    for (let i = 0; i < list.length; i++) (i < count ? taken : kept).push(list[i]!);
  }
  return { kept, taken };
}
