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

export function elementCount(shape: Shape): number {
  let count = 1;
  for (const size of shape) count *= size;
  return count;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}
