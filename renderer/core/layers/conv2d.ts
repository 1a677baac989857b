// Conv2d: a 2-D convolution over C×H×W, as torch.nn.Conv2d (plus ONNX's SAME_UPPER for padding 'same').
import {
  effectiveKernel,
  fail,
  needsImage,
  NO_PARAMS,
  ok,
  ONE_INPUT,
  windowOutputSize,
  windowTooLarge,
  type LayerDefinition,
  type LayerSite,
  type Pair2,
} from './layer';

/** Explicit padding [top, left, bottom, right], or 'same' (resolved against the input size). */
export type ConvPadding = [number, number, number, number] | 'same';

export interface Conv2dAttrs {
  outChannels: number;
  kernel: Pair2;
  stride: Pair2;
  padding: ConvPadding;
  dilation: Pair2;
  groups: number;
  bias: boolean;
}

function isPad(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Parses the IR's padding shorthands (see Padding in ir.ts). */
export function parseConvPadding(value: unknown): ConvPadding | undefined {
  if (value === undefined || value === 'valid') return [0, 0, 0, 0];
  if (value === 'same') return 'same';
  if (isPad(value)) return [value, value, value, value];
  if (Array.isArray(value) && value.every(isPad)) {
    if (value.length === 2) return [value[0], value[1], value[0], value[1]];
    if (value.length === 4) return [value[0], value[1], value[2], value[3]];
  }
  return undefined;
}

/**
 * Resolves padding to [top, left, bottom, right] for an input of height×width. 'same' pads so the output is
 * ceil(input / stride), the odd pixel going to the bottom/right (ONNX SAME_UPPER).
 */
export function resolveConvPadding(
  padding: ConvPadding,
  input: Pair2,
  kernel: Pair2,
  stride: Pair2,
  dilation: Pair2,
): [number, number, number, number] {
  if (padding !== 'same') return padding;
  const total = [0, 1].map((axis) => {
    const needed = (Math.ceil(input[axis]! / stride[axis]!) - 1) * stride[axis]! + effectiveKernel(kernel[axis]!, dilation[axis]!);
    return Math.max(needed - input[axis]!, 0);
  });
  const top = Math.floor(total[0]! / 2);
  const left = Math.floor(total[1]! / 2);
  return [top, left, total[0]! - top, total[1]! - left];
}

function sitePadding(site: LayerSite<Conv2dAttrs>): [number, number, number, number] {
  const { attrs } = site;
  const shape = site.inputs[0]!.shape;
  return resolveConvPadding(attrs.padding, [shape[1]!, shape[2]!], attrs.kernel, attrs.stride, attrs.dilation);
}

/** Multiply-adds per output value: one per weight in a filter (bias additions are not counted, as fvcore). */
function macsPerOutput(site: LayerSite<Conv2dAttrs>): number {
  const inChannels = site.inputs[0]!.shape[0]!;
  return (inChannels / site.attrs.groups) * site.attrs.kernel[0] * site.attrs.kernel[1];
}

export const conv2d: LayerDefinition<'Conv2d', Conv2dAttrs> = {
  kind: 'Conv2d',
  palette: {
    category: 'convolution',
    description: 'A 2-D convolution: learned filters slid over the image (kernel, stride, padding, dilation, groups).',
    defaultAttrs: { outChannels: 32, kernel: 3, stride: 1, padding: 1 },
  },
  arity: ONE_INPUT,
  normalise(read) {
    const attrs: Conv2dAttrs = {
      outChannels: read.int('outChannels', { min: 1 }),
      kernel: read.pair('kernel', { min: 1 }),
      stride: read.pair('stride', { min: 1, fallback: [1, 1] }),
      padding: read.custom(
        'padding',
        parseConvPadding,
        "a whole number ≥ 0, [height, width], [top, left, bottom, right], 'same' or 'valid'",
        [0, 0, 0, 0],
      ),
      dilation: read.pair('dilation', { min: 1, fallback: [1, 1] }),
      groups: read.int('groups', { min: 1, fallback: 1 }),
      bias: read.boolean('bias', true),
    };
    if (attrs.groups > 1 && attrs.outChannels % attrs.groups !== 0) {
      read.problem(
        'groups',
        `has groups ${attrs.groups}, which does not divide its ${attrs.outChannels} output channels; make outChannels a multiple of groups.`,
      );
    }
    read.rejectUnknown();
    return attrs;
  },
  outputShape(site) {
    const input = site.inputs[0]!;
    if (input.shape.length !== 3) return fail(needsImage('Conv2d', site));
    const { attrs } = site;
    const where = `Conv2d '${site.id}'`;
    const problems = [];
    const channels = input.shape[0]!;
    if (channels % attrs.groups !== 0) {
      problems.push({
        field: 'groups',
        message: `${where} has groups ${attrs.groups} but its input '${input.id}' has ${channels} channels, which ${attrs.groups} does not divide; change groups or the channels feeding it.`,
      });
    }
    const [top, left, bottom, right] = sitePadding(site);
    const height = windowOutputSize(input.shape[1]!, attrs.kernel[0], attrs.stride[0], top, bottom, attrs.dilation[0], false);
    const width = windowOutputSize(input.shape[2]!, attrs.kernel[1], attrs.stride[1], left, right, attrs.dilation[1], false);
    if (height === null || width === null) {
      problems.push({ field: 'kernel', message: windowTooLarge(where, input.shape, attrs.kernel, attrs.dilation, [top + bottom, left + right]) });
    }
    if (problems.length || height === null || width === null) return fail(...problems);
    return ok([attrs.outChannels, height, width]);
  },
  params(site) {
    const { attrs } = site;
    const weights = attrs.outChannels * macsPerOutput(site);
    return { trainable: weights + (attrs.bias ? attrs.outChannels : 0), nonTrainable: NO_PARAMS.nonTrainable };
  },
  macs(site, output) {
    return output[0]! * output[1]! * output[2]! * macsPerOutput(site);
  },
  allMacs(site, output) {
    return this.macs(site, output);
  },
  receptiveField(site) {
    const [top, left] = sitePadding(site);
    return { kind: 'window', kernel: site.attrs.kernel, stride: site.attrs.stride, padding: [top, left], dilation: site.attrs.dilation };
  },
  // onnxruntime-web 1.30's WebGPU Conv computes wrong values for ungrouped convolutions with a kernel larger than
  // 1×1, input channels ≡ 6 (mod 12) and output channels divisible by 4 (measured in Chromium on SwiftShader:
  // LeNet's 6 → 16 conv is one); multiples of 4 are always right. With the workaround on, such a convolution's input
  // and weights get zero channels up to a multiple of 4: the same sums, and gradients flow back through Pad.
  lower(ctx, site) {
    const { attrs } = site;
    const inChannels = site.inputs[0]!.shape[0]!;
    const weight = ctx.param('weight', [attrs.outChannels, inChannels / attrs.groups, attrs.kernel[0], attrs.kernel[1]]);
    let x = site.values[0]!;
    let w = weight;
    const affected = attrs.groups === 1 && inChannels % 12 === 6 && attrs.outChannels % 4 === 0 && attrs.kernel[0] * attrs.kernel[1] > 1;
    if (ctx.webgpuWorkarounds && affected) {
      const extra = ctx.ints([0, 0, 0, 0, 0, 4 - (inChannels % 4), 0, 0]);
      x = ctx.op('Pad', [x, extra], {}, { suffix: 'pad_channels' });
      w = ctx.op('Pad', [w, extra], {}, { suffix: 'pad_weight_channels' });
    }
    const inputs = [x, w, ...(attrs.bias ? [ctx.param('bias', [attrs.outChannels])] : [])];
    return ctx.op(
      'Conv',
      inputs,
      { kernel_shape: attrs.kernel, strides: attrs.stride, dilations: attrs.dilation, group: attrs.groups, pads: sitePadding(site) },
      { final: true },
    );
  },
};
