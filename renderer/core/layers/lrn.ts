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
  // As torch.nn.LocalResponseNorm: b = a / (k + α/n · Σ a²)^β over n neighbouring channels, padded size//2 before
  // and (size − 1)//2 after. ONNX's LRN pads the other way round for even sizes, and WebGPU has no LRN kernel, so
  // even sizes, training and WebGPU use primitives: the channel sum is an AveragePool down the channel axis.
  lower(ctx, site) {
    const { size, alpha, beta, k } = site.attrs;
    const x = site.values[0]!;
    if (ctx.mode === 'inference' && !ctx.lrnAsPrimitives && size % 2 === 1) {
      return ctx.op('LRN', [x], { size, alpha, beta, bias: k }, { final: true });
    }
    const [channels, height, width] = site.inputs[0]!.shape as [number, number, number];
    const squares = ctx.op('Mul', [x, x], {}, { suffix: 'square' });
    const column = ctx.op('Reshape', [squares, ctx.ints([0, 1, channels, height * width])], {}, { suffix: 'channels_as_rows' });
    const padded = ctx.op('Pad', [column, ctx.ints([0, 0, Math.floor(size / 2), 0, 0, 0, Math.floor((size - 1) / 2), 0])], {}, { suffix: 'pad' });
    const mean = ctx.op('AveragePool', [padded], { kernel_shape: [size, 1], strides: [1, 1] }, { suffix: 'window_mean' });
    const energy = ctx.op('Reshape', [mean, ctx.ints([0, channels, height, width])], {}, { suffix: 'energy' });
    const base = ctx.op('Add', [ctx.op('Mul', [energy, ctx.float(alpha)], {}, { suffix: 'scaled' }), ctx.float(k)], {}, { suffix: 'base' });
    return ctx.op('Div', [x, ctx.op('Pow', [base, ctx.float(beta)], {}, { suffix: 'denominator' })], {}, { final: true });
  },
};
