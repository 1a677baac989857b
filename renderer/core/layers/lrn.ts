// LRN: local response normalisation across channels (AlexNet, 2012), as torch.nn.LocalResponseNorm:
// b_c = a_c / (k + α/n · Σ_{c' in window of n channels} a_c'²)^β.
import { elementCount } from '../shape';
import { fail, needsImage, NO_PARAMS, ok, ONE_INPUT, type LayerDefinition } from './layer';

export interface LRNAttrs {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

export const lrn: LayerDefinition<'LRN', LRNAttrs> = {
  kind: 'LRN',
  palette: {
    category: 'normalisation',
    description: "Divides each value by the energy of neighbouring channels at the same position (AlexNet's 2012 normalisation).",
    defaultAttrs: { size: 5, alpha: 1e-4, beta: 0.75, k: 2 },
  },
  arity: ONE_INPUT,
  normalise(read) {
    const attrs = {
      size: read.int('size', { min: 1, what: 'a positive whole number of channels' }),
      alpha: read.number('alpha', { min: -Infinity, max: Infinity, fallback: 1e-4 }),
      beta: read.number('beta', { min: -Infinity, max: Infinity, fallback: 0.75 }),
      k: read.number('k', { min: -Infinity, max: Infinity, fallback: 1 }),
    };
    read.rejectUnknown();
    return attrs;
  },
  outputShape(site) {
    if (site.inputs[0]!.shape.length !== 3) return fail(needsImage('LRN', site));
    return ok(site.inputs[0]!.shape);
  },
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: per value, `size` multiply-adds for the windowed sum of squares and one for the scaling.
  allMacs: (site, output) => (site.attrs.size + 1) * elementCount(output),
  // Across channels only: each position sees only itself spatially.
  receptiveField: () => ({ kind: 'pointwise' }),
};
