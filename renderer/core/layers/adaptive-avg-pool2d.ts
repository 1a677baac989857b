// AdaptiveAvgPool2d: averages into a fixed output size whatever the input size, as torch.nn.AdaptiveAvgPool2d.
// Output cell i along an axis of length n → m averages input [floor(i·n/m), ceil((i+1)·n/m)).
import { fail, needsImage, NO_PARAMS, ok, ONE_INPUT, type LayerDefinition, type Pair2 } from './layer';

export interface AdaptiveAvgPool2dAttrs {
  outputSize: Pair2;
}

function windowLengths(input: number, output: number): number[] {
  const lengths: number[] = [];
  for (let i = 0; i < output; i++) {
    lengths.push(Math.ceil(((i + 1) * input) / output) - Math.floor((i * input) / output));
  }
  return lengths;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export const adaptiveAvgPool2d: LayerDefinition<'AdaptiveAvgPool2d', AdaptiveAvgPool2dAttrs> = {
  kind: 'AdaptiveAvgPool2d',
  palette: {
    category: 'pooling',
    description: 'Averages down to a fixed output size whatever the input size (torchvision puts one before the classifier).',
    defaultAttrs: { outputSize: 1 },
  },
  arity: ONE_INPUT,
  normalise(read) {
    const attrs = { outputSize: read.pair('outputSize', { min: 1 }) };
    read.rejectUnknown();
    return attrs;
  },
  outputShape(site) {
    const input = site.inputs[0]!;
    if (input.shape.length !== 3) return fail(needsImage('AdaptiveAvgPool2d', site));
    return ok([input.shape[0]!, site.attrs.outputSize[0], site.attrs.outputSize[1]]);
  },
  params: () => NO_PARAMS,
  macs: () => 0,
  // Count-every-layer rule: one addition per input value per window it falls in (windows may overlap).
  allMacs(site) {
    const [channels, height, width] = site.inputs[0]!.shape as [number, number, number];
    const [outHeight, outWidth] = site.attrs.outputSize;
    return channels * sum(windowLengths(height, outHeight)) * sum(windowLengths(width, outWidth));
  },
  // A 1×1 output is global pooling and ends the spatial field. When the output size divides the input size
  // the windows are a regular kernel = stride = n/m; otherwise window lengths vary by one, and the rule uses the
  // longest window and the mean stride rounded down, an approximation the Distill framework cannot avoid.
  receptiveField(site) {
    const [, height, width] = site.inputs[0]!.shape as [number, number, number];
    const [outHeight, outWidth] = site.attrs.outputSize;
    if (outHeight === 1 && outWidth === 1) return { kind: 'global' };
    const axis = (input: number, output: number): [number, number] => [
      Math.max(...windowLengths(input, output)),
      Math.max(1, Math.floor(input / output)),
    ];
    const [kernelH, strideH] = axis(height, outHeight);
    const [kernelW, strideW] = axis(width, outWidth);
    return { kind: 'window', kernel: [kernelH, kernelW], stride: [strideH, strideW], padding: [0, 0], dilation: [1, 1] };
  },
  // Equal sizes: nothing to do; 1×1: global pooling; divisible: a plain average pool; otherwise PyTorch's uneven
  // bins as one matrix product with the bin-averaging matrix (exact, and differentiable with MatMul's rule).
  lower(ctx, site) {
    const [channels, height, width] = site.inputs[0]!.shape as [number, number, number];
    const [outHeight, outWidth] = site.attrs.outputSize;
    const x = site.values[0]!;
    if (outHeight === height && outWidth === width) return x;
    if (outHeight === 1 && outWidth === 1) return ctx.op('GlobalAveragePool', [x], {}, { final: true });
    if (height % outHeight === 0 && width % outWidth === 0) {
      const kernel = [height / outHeight, width / outWidth];
      return ctx.op('AveragePool', [x], { kernel_shape: kernel, strides: kernel }, { final: true });
    }
    const averaging = new Array<number>(height * width * outHeight * outWidth).fill(0);
    for (let i = 0; i < outHeight; i++) {
      const [h0, h1] = [Math.floor((i * height) / outHeight), Math.ceil(((i + 1) * height) / outHeight)];
      for (let j = 0; j < outWidth; j++) {
        const [w0, w1] = [Math.floor((j * width) / outWidth), Math.ceil(((j + 1) * width) / outWidth)];
        const share = 1 / ((h1 - h0) * (w1 - w0));
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) averaging[(h * width + w) * outHeight * outWidth + i * outWidth + j] = share;
      }
    }
    const rows = ctx.op('Reshape', [x, ctx.ints([-1, height * width])], {}, { suffix: 'rows' });
    const pooled = ctx.op('MatMul', [rows, ctx.float(averaging, [height * width, outHeight * outWidth])], {}, { suffix: 'bins' });
    return ctx.op('Reshape', [pooled, ctx.ints([-1, channels, outHeight, outWidth])], {}, { final: true });
  },
};
