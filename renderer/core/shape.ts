// Tensor shapes as the analysis sees them: without the batch dimension ([C, H, W] for images, [F] for features),
// and how they are written in messages and tables.

export type Shape = readonly number[];

/** 64×28×28 — the way shapes are written to users (no batch dimension). */
export function formatShape(shape: Shape): string {
  return shape.length === 0 ? 'a scalar' : shape.join('×');
}

/** The spatial part of a C×H×W shape, written 28×28. */
export function formatSpatial(shape: Shape): string {
  return shape.slice(1).join('×');
}

/** Writes a pair as 3 when square, 3×5 otherwise. */
export function formatPair(pair: readonly [number, number]): string {
  return pair[0] === pair[1] ? String(pair[0]) : `${pair[0]}×${pair[1]}`;
}

export function elementCount(shape: Shape): number {
  let count = 1;
  for (const size of shape) count *= size;
  return count;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

/** How a tensor's rank is described to users, with the batch dimension counted as PyTorch does. */
export function describeRank(shape: Shape): string {
  if (shape.length === 3) return `a 4-D image tensor (N×${formatShape(shape)})`;
  if (shape.length === 1) return `a 2-D feature tensor (N×${shape[0]})`;
  return `a ${shape.length + 1}-D tensor (N×${formatShape(shape)})`;
}
