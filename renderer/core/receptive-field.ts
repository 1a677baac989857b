// Receptive fields after Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks"
// (Distill, 2019). Per axis and per path from the input, a layer's output has receptive-field size r, effective
// stride S and effective padding P, all in input pixels. Through a layer with kernel k, dilation d, stride s and
// leading padding p (k_eff = d·(k − 1) + 1):
//   r_out = r_in + (k_eff − 1)·S_in,   S_out = S_in·s,   P_out = P_in + p·S_in.
// Output unit 0 is centred on input coordinate c = (r − 1)/2 − P (unit i on c + i·S). A branching graph has one
// (r, S, P) per path; Add and Concat keep all of them, and the report gives the minimum and maximum size over
// paths and whether all paths' centres coincide (same c and S). Flatten, Dense and global pooling end the field.
import type { Pair2, ReceptiveFieldRule } from './layers/layer';

/** The field along one axis through one path (or through every path with these same numbers). */
export interface AxisPath {
  size: number;
  stride: number;
  padding: number;
}

/** The distinct paths' fields per axis, or null once the output is no longer spatial. */
export type FieldState = { height: AxisPath[]; width: AxisPath[] } | null;

export interface ReceptiveField {
  /** The largest size over paths, [height, width]. */
  size: Pair2;
  /** The smallest size over paths; equal to `size` for a single path. */
  minSize: Pair2;
  /** Effective stride of the path with the largest size. */
  stride: Pair2;
  /** Effective (leading) padding of the path with the largest size. */
  padding: Pair2;
  /** Whether every path's receptive fields share centres (always true for a single path). */
  alignedCentres: boolean;
}

export const SOURCE_FIELD: FieldState = { height: [{ size: 1, stride: 1, padding: 0 }], width: [{ size: 1, stride: 1, padding: 0 }] };

/**
 * Distinct paths kept per axis. Paths with equal (r, S, P) are one entry, so realistic graphs (DenseNet's
 * concatenations included) stay far below this; beyond it only the extreme paths (smallest and largest size,
 * and extreme centres) are kept, which preserves every figure reported.
 */
const MAX_PATHS = 256;

function centre(path: AxisPath): number {
  return (path.size - 1) / 2 - path.padding;
}

function distinct(paths: AxisPath[]): AxisPath[] {
  if (paths.length <= 1) return paths;
  const seen = new Map<string, AxisPath>();
  for (const path of paths) seen.set(`${path.size},${path.stride},${path.padding}`, path);
  const unique = [...seen.values()];
  if (unique.length <= MAX_PATHS) return unique;
  const pick = (better: (a: AxisPath, b: AxisPath) => boolean) => unique.reduce((best, path) => (better(path, best) ? path : best));
  return distinct([
    pick((a, b) => a.size < b.size),
    pick((a, b) => a.size > b.size),
    pick((a, b) => centre(a) < centre(b)),
    pick((a, b) => centre(a) > centre(b)),
  ]);
}

function throughWindow(paths: AxisPath[], kernel: number, stride: number, padding: number, dilation: number): AxisPath[] {
  const effectiveKernel = dilation * (kernel - 1) + 1;
  return distinct(
    paths.map((path) => ({
      size: path.size + (effectiveKernel - 1) * path.stride,
      stride: path.stride * stride,
      padding: path.padding + padding * path.stride,
    })),
  );
}

/** The field of a layer's output, from its rule and its inputs' fields (in input order). */
export function propagateField(rule: ReceptiveFieldRule, inputs: readonly FieldState[]): FieldState {
  switch (rule.kind) {
    case 'source':
      return SOURCE_FIELD;
    case 'global':
      return null;
    case 'pointwise':
      return inputs[0] ?? null;
    case 'window': {
      const field = inputs[0];
      if (!field) return null;
      return {
        height: throughWindow(field.height, rule.kernel[0], rule.stride[0], rule.padding[0], rule.dilation[0]),
        width: throughWindow(field.width, rule.kernel[1], rule.stride[1], rule.padding[1], rule.dilation[1]),
      };
    }
    case 'merge': {
      if (inputs.length === 0 || inputs.some((field) => field === null)) return null;
      const fields = inputs as { height: AxisPath[]; width: AxisPath[] }[];
      return {
        height: distinct(fields.flatMap((field) => field.height)),
        width: distinct(fields.flatMap((field) => field.width)),
      };
    }
  }
}

function largest(paths: AxisPath[]): AxisPath {
  return paths.reduce((best, path) => (path.size > best.size ? path : best));
}

function aligned(paths: AxisPath[]): boolean {
  const first = paths[0]!;
  return paths.every((path) => path.stride === first.stride && centre(path) === centre(first));
}

/** The figures reported for a field; null when the output is no longer spatial. */
export function summariseField(field: FieldState): ReceptiveField | null {
  if (!field) return null;
  const height = largest(field.height);
  const width = largest(field.width);
  return {
    size: [height.size, width.size],
    minSize: [Math.min(...field.height.map((path) => path.size)), Math.min(...field.width.map((path) => path.size))],
    stride: [height.stride, width.stride],
    padding: [height.padding, width.padding],
    alignedCentres: aligned(field.height) && aligned(field.width),
  };
}
