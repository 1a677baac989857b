// Pooling. Both window pools scatter per-window contributions back with one ConvTranspose over (N·C, K, Ho, Wo).
import { AutodiffError, onlyDy, type Emitter, type RuleContext, type RuleEntry } from '../emitter';
import { convAttrs } from './linear';

const LOWEST_FLOAT = -3.4028234663852886e38;

interface Window {
  n: number;
  c: number;
  h: number;
  w: number;
  ho: number;
  wo: number;
  k: [number, number];
  s: [number, number];
  d: [number, number];
  pads: [number, number, number, number];
  /** Rows/columns the windows span from the top-left of the padded input. */
  extent: [number, number];
}

function windowOf(c: RuleContext): Window {
  const { strides, dilations, pads } = convAttrs(c);
  const k = c.attr('kernel_shape', [] as readonly number[]);
  if (k.length !== 2) throw new AutodiffError(`${c.node.opType} node '${c.node.name}': only 2-D pooling can be differentiated.`);
  const [n, ch, h, w] = c.shape(c.node.inputs[0]!) as [number, number, number, number];
  const [, , ho, wo] = c.shape(c.node.outputs[0]!) as [number, number, number, number];
  const extent: [number, number] = [(ho - 1) * strides[0] + (k[0]! - 1) * dilations[0] + 1, (wo - 1) * strides[1] + (k[1]! - 1) * dilations[1] + 1];
  return { n, c: ch, h, w, ho, wo, k: [k[0]!, k[1]!], s: strides, d: dilations, pads, extent };
}

/**
 * Scatters window contributions [N·C, K, Ho, Wo] back onto the input [N, C, H, W]: a ConvTranspose whose K kernels
 * are one-hot at each window offset (one all-ones kernel when `channels` is 1), then the padding is cropped off.
 */
function scatterWindows(e: Emitter, win: Window, contributions: string, channels: number): string {
  const [kh, kw] = win.k;
  const spanH = (kh - 1) * win.d[0] + 1;
  const spanW = (kw - 1) * win.d[1] + 1;
  const kernel = new Float32Array(channels * spanH * spanW);
  if (channels === 1) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) kernel[i * win.d[0] * spanW + j * win.d[1]] = 1;
  } else {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) kernel[(i * kw + j) * spanH * spanW + i * win.d[0] * spanW + j * win.d[1]] = 1;
  }
  let scattered = e.op1('ConvTranspose', [contributions, e.floatArray(kernel, [channels, 1, spanH, spanW])], {
    kernel_shape: [spanH, spanW],
    strides: [...win.s],
  });
  // The windows may stop short of the padded input's end (floor mode): pad the gradient with zeros up to it.
  const shortH = Math.max(0, win.pads[0] + win.h - win.extent[0]);
  const shortW = Math.max(0, win.pads[1] + win.w - win.extent[1]);
  if (shortH > 0 || shortW > 0) scattered = e.op1('Pad', [scattered, e.ints([0, 0, 0, 0, 0, 0, shortH, shortW])]);
  const cropped = e.slice(scattered, [win.pads[0], win.pads[1]], [win.pads[0] + win.h, win.pads[1] + win.w], [2, 3]);
  return e.reshape(cropped, [win.n, win.c, win.h, win.w]);
}

/** Divisors of each output position of an AveragePool, as PyTorch and onnxruntime define them. */
export function averagePoolDivisors(win: Window, countIncludePad: boolean): Float32Array {
  const divisors = new Float32Array(win.ho * win.wo);
  const span = (o: number, axis: 0 | 1) => {
    const size = axis === 0 ? win.h : win.w;
    const start = o * win.s[axis] - win.pads[axis];
    const end = Math.min(start + (win.k[axis] - 1) * win.d[axis] + 1, size + win.pads[axis + 2]);
    const padded = Math.ceil((end - start) / win.d[axis]);
    let inside = 0;
    for (let t = start; t < end; t += win.d[axis]) if (t >= 0 && t < size) inside++;
    return countIncludePad ? padded : inside;
  };
  for (let i = 0; i < win.ho; i++) for (let j = 0; j < win.wo; j++) divisors[i * win.wo + j] = span(i, 0) * span(j, 1);
  return divisors;
}

export const poolRules = {
  // Exact max-pool backward, gradient to the FIRST maximum of each window in row-major order (as PyTorch):
  //   windows = the K = kh·kw strided slices of the padded input, stacked: [N·C, K, Ho, Wo]
  //   first = (windows = Y) · (CumSum_K(windows = Y) < 1.5) ; dX = scatter(first · dY)
  MaxPool: {
    rule: (c) => {
      if (c.node.outputs.length > 1 && c.node.outputs[1]) {
        throw new AutodiffError(`MaxPool node '${c.node.name}': the Indices output is not supported (it fails on WebGPU).`);
      }
      const e = c.emit;
      const win = windowOf(c);
      const nc = win.n * win.c;
      const x = e.reshape(c.node.inputs[0]!, [nc, 1, win.h, win.w]);
      const padBottom = Math.max(0, win.extent[0] - win.pads[0] - win.h);
      const padRight = Math.max(0, win.extent[1] - win.pads[1] - win.w);
      const padded =
        win.pads[0] + win.pads[1] + padBottom + padRight > 0
          ? e.op1('Pad', [x, e.ints([0, 0, win.pads[0], win.pads[1], 0, 0, padBottom, padRight]), e.float(LOWEST_FLOAT)])
          : x;
      const slices: string[] = [];
      for (let i = 0; i < win.k[0]; i++) {
        for (let j = 0; j < win.k[1]; j++) {
          const top = i * win.d[0];
          const left = j * win.d[1];
          slices.push(e.slice(padded, [top, left], [top + (win.ho - 1) * win.s[0] + 1, left + (win.wo - 1) * win.s[1] + 1], [2, 3], [...win.s]));
        }
      }
      const windows = slices.length === 1 ? slices[0]! : e.op1('Concat', slices, { axis: 1 });
      const y = e.reshape(c.node.outputs[0]!, [nc, 1, win.ho, win.wo]);
      const isMax = e.mask(e.op1('Equal', [windows, y]));
      const seen = e.op1('CumSum', [isMax, e.intScalar(1)]);
      const first = e.mul(isMax, e.mask(e.op1('Less', [seen, e.float(1.5)])));
      const contributions = e.mul(first, e.reshape(onlyDy(c), [nc, 1, win.ho, win.wo]));
      return [scatterWindows(e, win, contributions, win.k[0] * win.k[1])];
    },
  },
  // dX[window] += dY / divisor, for every window (an all-ones kernel scatters it)
  AveragePool: {
    rule: (c) => {
      const e = c.emit;
      const win = windowOf(c);
      const nc = win.n * win.c;
      const divisors = averagePoolDivisors(win, c.attr('count_include_pad', 0) === 1);
      const uniform = divisors.every((d) => d === divisors[0]);
      const dy = e.reshape(onlyDy(c), [nc, 1, win.ho, win.wo]);
      const scaled = uniform ? e.mul(dy, e.float(1 / divisors[0]!)) : e.div(dy, e.floatArray(divisors, [1, 1, win.ho, win.wo]));
      return [scatterWindows(e, win, scaled, 1)];
    },
  },
  // dX = dY / (H·W), broadcast over H, W
  GlobalAveragePool: {
    rule: (c) => {
      const shape = c.shape(c.node.inputs[0]!);
      const area = shape.slice(2).reduce((a, b) => a * b, 1);
      return [c.emit.expand(c.emit.mul(onlyDy(c), c.emit.float(1 / area)), shape)];
    },
  },
} satisfies Record<string, RuleEntry>;

