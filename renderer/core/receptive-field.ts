// Receptive fields after Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks"
// (Distill, 2019). Per axis and per path from the input, a layer's output has receptive-field size r, effective
// stride S and effective padding P, all in input pixels. Through a layer with kernel k, dilation d, stride s and
// leading padding p (k_eff = d·(k − 1) + 1):
//   r_out = r_in + (k_eff − 1)·S_in,   S_out = S_in·s,   P_out = P_in + p·S_in.
// Output unit 0 is centred on input coordinate c = (r − 1)/2 − P (unit i on c + i·S). A branching graph has one
// (r, S, P) per path; the report gives the minimum and maximum size over paths and whether all paths' centres
// coincide (same c and S). Flatten, Dense and global pooling end the field.
//
// Paths are not enumerated (DenseNet has exponentially many). Every path through a layer moves by the same rule,
// and paths sharing an effective stride S move by the same amounts: r by (k_eff − 1)·S, P by p·S, c by
// ((k_eff − 1)/2 − p)·S. So per axis it is exact to keep, for each distinct S, only the smallest and largest r
// (with the largest path's P) and the smallest and largest c, and to merge branches by taking minima and maxima.
import type { Pair2, ReceptiveFieldRule } from './layers/layer';

/** All paths along one axis that share an effective stride. */
export interface StrideGroup {
  stride: number;
  minSize: number;
  maxSize: number;
  /** Effective padding of the path with the largest size. */
  padding: number;
  minCentre: number;
  maxCentre: number;
}

/** Per axis, one group per distinct effective stride; null once the output is no longer spatial. */
export type FieldState = { height: StrideGroup[]; width: StrideGroup[] } | null;

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

const INPUT_AXIS: StrideGroup[] = [{ stride: 1, minSize: 1, maxSize: 1, padding: 0, minCentre: 0, maxCentre: 0 }];
export const SOURCE_FIELD: FieldState = { height: INPUT_AXIS, width: INPUT_AXIS };

function throughWindow(groups: StrideGroup[], kernel: number, stride: number, padding: number, dilation: number): StrideGroup[] {
  const growth = dilation * (kernel - 1); // k_eff − 1
  return groups.map((group) => ({
    stride: group.stride * stride,
    minSize: group.minSize + growth * group.stride,
    maxSize: group.maxSize + growth * group.stride,
    padding: group.padding + padding * group.stride,
    minCentre: group.minCentre + (growth / 2 - padding) * group.stride,
    maxCentre: group.maxCentre + (growth / 2 - padding) * group.stride,
  }));
}

/** The union of several branches' paths along one axis. */
function mergeAxis(branches: StrideGroup[][]): StrideGroup[] {
  const byStride = new Map<number, StrideGroup>();
  for (const groups of branches) {
    for (const group of groups) {
      const known = byStride.get(group.stride);
      if (!known) {
        byStride.set(group.stride, group);
        continue;
      }
      byStride.set(group.stride, {
        stride: group.stride,
        minSize: Math.min(known.minSize, group.minSize),
        maxSize: Math.max(known.maxSize, group.maxSize),
        padding: group.maxSize > known.maxSize ? group.padding : known.padding,
        minCentre: Math.min(known.minCentre, group.minCentre),
        maxCentre: Math.max(known.maxCentre, group.maxCentre),
      });
    }
  }
  return [...byStride.values()];
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
      const fields = inputs as { height: StrideGroup[]; width: StrideGroup[] }[];
      return { height: mergeAxis(fields.map((field) => field.height)), width: mergeAxis(fields.map((field) => field.width)) };
    }
  }
}

function largest(groups: StrideGroup[]): StrideGroup {
  return groups.reduce((best, group) => (group.maxSize > best.maxSize ? group : best));
}

function aligned(groups: StrideGroup[]): boolean {
  return groups.length === 1 && groups[0]!.minCentre === groups[0]!.maxCentre;
}

/** The figures reported for a field; null when the output is no longer spatial. */
export function summariseField(field: FieldState): ReceptiveField | null {
  if (!field) return null;
  const height = largest(field.height);
  const width = largest(field.width);
  return {
    size: [height.maxSize, width.maxSize],
    minSize: [Math.min(...field.height.map((group) => group.minSize)), Math.min(...field.width.map((group) => group.minSize))],
    stride: [height.stride, width.stride],
    padding: [height.padding, width.padding],
    alignedCentres: aligned(field.height) && aligned(field.width),
  };
}
