// A model's weights: float32 tensors keyed `${layerId}.${role}`, with PyTorch's role names, so weights move between
// our layer graphs, ONNX files and PyTorch state_dicts by name: Conv2d and Dense have `weight` ([out, in/groups, kh, kw]
// and [out, in]) and `bias`; BatchNorm has `weight` (γ), `bias` (β), `running_mean` and `running_var`.
import type { LayerKind } from './ir';

export type ParamRole = 'weight' | 'bias' | 'running_mean' | 'running_var';

export interface WeightTensor {
  dims: number[];
  data: Float32Array;
}

export type WeightStore = Map<string, WeightTensor>;

export const weightName = (layerId: string, role: ParamRole): string => `${layerId}.${role}`;

/** The parameter roles each layer kind has (given its attributes), in a fixed order. */
export function rolesOf(kind: LayerKind, attrs: { bias?: boolean; affine?: boolean }): ParamRole[] {
  switch (kind) {
    case 'Conv2d':
    case 'Dense':
      return attrs.bias === false ? ['weight'] : ['weight', 'bias'];
    case 'BatchNorm':
      return attrs.affine === false ? ['running_mean', 'running_var'] : ['weight', 'bias', 'running_mean', 'running_var'];
    default:
      return [];
  }
}

/** Running statistics are state, not trained parameters. */
export const isTrainableRole = (role: ParamRole): boolean => role === 'weight' || role === 'bias';
