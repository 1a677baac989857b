// Matrix products and convolution.
import { AutodiffError, onlyDy, type RuleContext, type RuleEntry } from '../emitter';

type Pair = [number, number];

/** Output × input channels (per group) from which a convolution's gradients use the GEMM-friendly forms (see Conv). */
export const WIDE_LAYER = 1024;

function convAttrs(c: RuleContext) {
  const autoPad = c.attr('auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET') {
    throw new AutodiffError(`${c.node.opType} node '${c.node.name}': auto_pad '${autoPad}' cannot be differentiated; emit explicit pads.`);
  }
  const strides = c.attr('strides', [1, 1]) as readonly number[];
  const dilations = c.attr('dilations', [1, 1]) as readonly number[];
  const pads = c.attr('pads', [0, 0, 0, 0]) as readonly number[];
  if (strides.length !== 2 || dilations.length !== 2 || pads.length !== 4) {
    throw new AutodiffError(`${c.node.opType} node '${c.node.name}': only 2-D operations can be differentiated.`);
  }
  return { strides: strides as unknown as Pair, dilations: dilations as unknown as Pair, pads: pads as [number, number, number, number] };
}

export const linearRules = {
  // Y = α·A′·B′ + β·C with A′ = transA ? Aᵀ : A, B′ = transB ? Bᵀ : B.
  // dA′ = α·dY·B′ᵀ ; dB′ = α·A′ᵀ·dY ; dC = β·dY (summed to C's shape by the walker)
  Gemm: {
    rule: (c) => {
      const [a, b, bias] = c.node.inputs as [string, string, string | undefined];
      const dy = onlyDy(c);
      const alpha = c.attr('alpha', 1);
      const beta = c.attr('beta', 1);
      const transA = c.attr('transA', 0);
      const transB = c.attr('transB', 0);
      let dA: string | null = null;
      let dB: string | null = null;
      let dC: string | null = null;
      if (c.needs[0]) {
        dA = transA
          ? c.emit.op1('Gemm', [b, dy], { alpha, transA: transB, transB: 1 })
          : c.emit.op1('Gemm', [dy, b], { alpha, transB: transB ? 0 : 1 });
      }
      if (c.needs[1]) {
        dB = transB
          ? c.emit.op1('Gemm', [dy, a], { alpha, transA: 1, transB: transA })
          : c.emit.op1('Gemm', [a, dy], { alpha, transA: transA ? 0 : 1 });
      }
      if (bias && c.needs[2]) {
        const biasShape = c.shape(bias);
        const yShape = c.shape(c.node.outputs[0]!);
        // Sum dY over the axes C was broadcast along, here rather than by the walker: Gemm is not elementwise.
        const axes = yShape.map((_, i) => i).filter((i) => {
          const fromEnd = yShape.length - 1 - i;
          const size = biasShape[biasShape.length - 1 - fromEnd];
          return size === undefined || (size === 1 && yShape[i] !== 1);
        });
        let summed = axes.length > 0 ? c.emit.reduceSum(dy, axes, true) : dy;
        summed = c.emit.reshape(summed, biasShape);
        dC = beta === 1 ? summed : c.emit.mul(summed, c.emit.float(beta));
      }
      return [dA, dB, dC];
    },
  },
  // 2-D only: dA = dY·Bᵀ ; dB = Aᵀ·dY
  MatMul: {
    rule: (c) => {
      const [a, b] = c.node.inputs as [string, string];
      if (c.shape(a).length !== 2 || c.shape(b).length !== 2) {
        throw new AutodiffError(`MatMul node '${c.node.name}': only 2-D matrix products can be differentiated (got ranks ${c.shape(a).length} and ${c.shape(b).length}).`);
      }
      const dy = onlyDy(c);
      return [
        c.needs[0] ? c.emit.op1('Gemm', [dy, b], { transB: 1 }) : null,
        c.needs[1] ? c.emit.op1('Gemm', [a, dy], { transA: 1 }) : null,
      ];
    },
  },
  // X [N,C,H,W] ⊛ W [M,C/g,kh,kw] → Y [N,M,Ho,Wo].
  // dX = ConvTranspose(dY, W) with the forward stride, dilation, pads and groups (output_padding restores H, W);
  //   for wide layers at stride 1, the same as Conv(dY, W flipped with C and M swapped per group, pads d·(k−1) − p).
  // dW = Σₙ X[n] ⋆ dY[n] as one convolution (convWeightGradient); for wide layers with one group, as
  //   dY_[M, N·Ho·Wo] · im2col(X)ᵀ_[N·Ho·Wo, k²·C], one GEMM over the k² strided Slices of X (as PyTorch's CPU backward).
  // dB = Σ_{n,h,w} dY
  // "Wide" is M·C/g ≥ WIDE_LAYER: onnxruntime's wasm CPU kernels run those forms as im2col + GEMM, measured 1.5–2.3× faster
  // than ConvTranspose (GEMM + col2im) and the dY-as-kernel convolution on ResNet-18's and AlexNet's layers; on
  // LeNet-5's 6- and 16-channel layers the copies of im2col cost more than they save (4–8× slower), so those keep
  // the convolution forms.
  Conv: {
    rule: (c) => {
      const [x, w, bias] = c.node.inputs as [string, string, string | undefined];
      const dy = onlyDy(c);
      const { strides, dilations, pads } = convAttrs(c);
      const group = c.attr('group', 1);
      const [m, perGroup, kh, kw] = c.shape(w) as [number, number, number, number];
      const wide = m * perGroup >= WIDE_LAYER;
      let dX: string | null = null;
      let dW: string | null = null;
      let dB: string | null = null;
      if (c.needs[0]) dX = convInputGradient(c, dy, w, { strides, dilations, pads, group }, wide);
      if (c.needs[1]) {
        dW = group === 1 && wide ? im2colWeightGradient(c, x, dy, [kh, kw], { strides, dilations, pads }) : convWeightGradient(c, x, dy, [kh, kw], { strides, dilations, pads, group });
      }
      if (bias && c.needs[2]) dB = c.emit.reduceSum(dy, [0, 2, 3], false);
      return [dX, dW, dB];
    },
  },
} satisfies Record<string, RuleEntry>;

interface ConvGeometry {
  strides: Pair;
  dilations: Pair;
  pads: [number, number, number, number];
  group: number;
}

function convInputGradient(c: RuleContext, dy: string, w: string, { strides, dilations, pads, group }: ConvGeometry, wide: boolean): string {
  const [, channels, h, wIn] = c.shape(c.node.inputs[0]!) as [number, number, number, number];
  const [m, , kh, kw] = c.shape(w) as [number, number, number, number];
  const [, , ho, wo] = c.shape(c.node.outputs[0]!) as [number, number, number, number];
  // Padding of the flipped convolution on each side; a forward pad wider than the dilated kernel would make it negative.
  const flippedPads = [dilations[0] * (kh - 1) - pads[0], dilations[1] * (kw - 1) - pads[1], dilations[0] * (kh - 1) - pads[2], dilations[1] * (kw - 1) - pads[3]];
  if (wide && strides[0] === 1 && strides[1] === 1 && flippedPads.every((p) => p >= 0)) {
    const flipped = c.emit.slice(w, [-1, -1], [-kh - 1, -kw - 1], [2, 3], [-1, -1]);
    // [M, C/g, kh, kw] → [C, M/g, kh, kw]: swap the in and out channels within each group.
    const swapped =
      group === 1
        ? c.emit.transpose(flipped, [1, 0, 2, 3])
        : c.emit.reshape(c.emit.transpose(c.emit.reshape(flipped, [group, m / group, channels / group, kh, kw]), [0, 2, 1, 3, 4]), [channels, m / group, kh, kw]);
    return c.emit.op1('Conv', [dy, swapped], { kernel_shape: [kh, kw], dilations: [...dilations], pads: flippedPads, group });
  }
  const outputPadding = [
    h - ((ho - 1) * strides[0] - pads[0] - pads[2] + dilations[0] * (kh - 1) + 1),
    wIn - ((wo - 1) * strides[1] - pads[1] - pads[3] + dilations[1] * (kw - 1) + 1),
  ];
  return c.emit.op1('ConvTranspose', [dy, w], {
    kernel_shape: [kh, kw],
    strides: [...strides],
    dilations: [...dilations],
    pads: [...pads],
    group,
    output_padding: outputPadding,
  });
}

// im2col(X): for each kernel tap (i, j), the strided window of padded X it meets; stacked tap-major, then one GEMM.
function im2colWeightGradient(c: RuleContext, x: string, dy: string, [kh, kw]: Pair, { strides, dilations, pads }: Omit<ConvGeometry, 'group'>): string {
  const [n, channels, h, wIn] = c.shape(x) as [number, number, number, number];
  const [, m, ho, wo] = c.shape(c.node.outputs[0]!) as [number, number, number, number];
  // A 1×1, stride-1 tap covering all of (padded) X needs no Slice.
  const whole = kh === 1 && kw === 1 && strides[0] === 1 && strides[1] === 1 && ho === h + pads[0] + pads[2] && wo === wIn + pads[1] + pads[3];
  let input = c.emit.transpose(x, [1, 0, 2, 3]);
  if (pads.some((p) => p !== 0)) input = c.emit.op1('Pad', [input, c.emit.ints([0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]])]);
  const taps: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const top = i * dilations[0];
      const left = j * dilations[1];
      taps.push(whole ? input : c.emit.slice(input, [top, left], [top + strides[0] * (ho - 1) + 1, left + strides[1] * (wo - 1) + 1], [2, 3], [...strides]));
    }
  }
  const stacked = taps.length === 1 ? taps[0]! : c.emit.op1('Concat', taps, { axis: 0 });
  const patches = c.emit.reshape(stacked, [kh * kw * channels, n * ho * wo]);
  const gradient = c.emit.reshape(c.emit.transpose(dy, [1, 0, 2, 3]), [m, n * ho * wo]);
  const product = c.emit.op1('Gemm', [gradient, patches], { transB: 1 });
  return c.emit.transpose(c.emit.reshape(product, [m, kh, kw, channels]), [0, 3, 1, 2]);
}

// dW[m,c] = Σₙ X[n, group(m)·C/g + c] ⋆ dY[n,m]: a convolution whose batch is C/g, whose channels are g·N, whose
//   kernel is dY with N and M swapped, with stride = forward dilation and dilation = forward stride; crop to kh×kw.
function convWeightGradient(c: RuleContext, x: string, dy: string, [kh, kw]: Pair, { strides, dilations, pads, group }: ConvGeometry): string {
  const [n, channels, h, wIn] = c.shape(x) as [number, number, number, number];
  const [, , ho, wo] = c.shape(c.node.outputs[0]!) as [number, number, number, number];
  const perGroup = channels / group;
  const input =
    group === 1
      ? c.emit.transpose(x, [1, 0, 2, 3])
      : c.emit.reshape(c.emit.transpose(c.emit.reshape(x, [n, group, perGroup, h, wIn]), [2, 1, 0, 3, 4]), [perGroup, group * n, h, wIn]);
  const kernel = c.emit.transpose(dy, [1, 0, 2, 3]);
  const full = c.emit.op1('Conv', [input, kernel], {
    kernel_shape: [ho, wo],
    strides: [...dilations],
    dilations: [...strides],
    pads: [...pads],
    group,
  });
  const fullH = Math.floor((h + pads[0] + pads[2] - strides[0] * (ho - 1) - 1) / dilations[0]) + 1;
  const fullW = Math.floor((wIn + pads[1] + pads[3] - strides[1] * (wo - 1) - 1) / dilations[1]) + 1;
  const cropped = fullH === kh && fullW === kw ? full : c.emit.slice(full, [0, 0], [kh, kw], [2, 3]);
  return c.emit.transpose(cropped, [1, 0, 2, 3]);
}

export { convAttrs };
