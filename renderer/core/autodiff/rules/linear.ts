// Matrix products and convolution.
import { AutodiffError, onlyDy, type RuleContext, type RuleEntry } from '../emitter';

type Pair = [number, number];

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
  // dX = ConvTranspose(dY, W) with the forward stride, dilation, pads and groups (output_padding restores H, W).
  // dW[m,c] = Σₙ X[n, group(m)·C/g + c] ⋆ dY[n,m]: a convolution whose batch is C/g, whose channels are g·N, whose
  //   kernel is dY with N and M swapped, with stride = forward dilation and dilation = forward stride; crop to kh×kw.
  // dB = Σ_{n,h,w} dY
  Conv: {
    rule: (c) => {
      const [x, w, bias] = c.node.inputs as [string, string, string | undefined];
      const dy = onlyDy(c);
      const { strides, dilations, pads } = convAttrs(c);
      const group = c.attr('group', 1);
      const [n, channels, h, wIn] = c.shape(x) as [number, number, number, number];
      const [, , kh, kw] = c.shape(w) as [number, number, number, number];
      const [, , ho, wo] = c.shape(c.node.outputs[0]!) as [number, number, number, number];
      let dX: string | null = null;
      let dW: string | null = null;
      let dB: string | null = null;
      if (c.needs[0]) {
        const outputPadding = [
          h - ((ho - 1) * strides[0] - pads[0] - pads[2] + dilations[0] * (kh - 1) + 1),
          wIn - ((wo - 1) * strides[1] - pads[1] - pads[3] + dilations[1] * (kw - 1) + 1),
        ];
        dX = c.emit.op1('ConvTranspose', [dy, w], {
          kernel_shape: [kh, kw],
          strides: [...strides],
          dilations: [...dilations],
          pads: [...pads],
          group,
          output_padding: outputPadding,
        });
      }
      if (c.needs[1]) {
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
        dW = c.emit.transpose(cropped, [1, 0, 2, 3]);
      }
      if (bias && c.needs[2]) dB = c.emit.reduceSum(dy, [0, 2, 3], false);
      return [dX, dW, dB];
    },
  },
} satisfies Record<string, RuleEntry>;

export { convAttrs };
