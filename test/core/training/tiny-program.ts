// A small CNN in forward-program form, built by hand (the lowering's output shape), for training-step tests:
// Conv 1→4 3×3 pad 1 → ReLU → MaxPool 2 → Flatten → Gemm → 2 logits, on 1×8×8 images.
import { GraphBuilder } from '../../../renderer/core/onnx/builder';
import { DataType } from '../../../renderer/core/onnx/model';
import type { ForwardProgram } from '../../../renderer/core/training/step';
import { random } from '../autodiff/gradcheck';

export const TINY = { batch: 8, classes: 2, image: [1, 8, 8] as const };

export function tinyProgram(lrMultipliers: Record<string, number> = {}): ForwardProgram {
  const { batch, classes } = TINY;
  const b = new GraphBuilder('tiny');
  const x = b.input('input', DataType.FLOAT, [batch, 1, 8, 8]);
  const params = [
    { name: 'conv.weight', shape: [4, 1, 3, 3] },
    { name: 'conv.bias', shape: [4] },
    { name: 'fc.weight', shape: [classes, 64] },
    { name: 'fc.bias', shape: [classes] },
  ];
  for (const p of params) b.input(p.name, DataType.FLOAT, p.shape);
  const conv = b.add('Conv', [x, 'conv.weight', 'conv.bias'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' })[0]!;
  const relu = b.add('Relu', [conv], {}, { name: 'relu' })[0]!;
  const pool = b.add('MaxPool', [relu], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'pool' })[0]!;
  const flat = b.add('Flatten', [pool], { axis: 1 }, { name: 'flatten' })[0]!;
  const logits = b.add('Gemm', [flat, 'fc.weight', 'fc.bias'], { transB: 1 }, { name: 'fc' })[0]!;
  b.output(logits, DataType.FLOAT, [batch, classes]);
  return {
    graph: b.build(),
    input: x,
    logits,
    batch,
    classes,
    imageShape: TINY.image,
    params: params.map((p) => ({ ...p, lrMultiplier: lrMultipliers[p.name] ?? 1 })),
    buffers: [],
    masks: [],
  };
}

/** Initial parameter values (small, seeded). */
export function tinyParams(seed = 3): Record<string, { data: Float32Array; dims: number[] }> {
  const next = random(seed);
  const make = (dims: number[], scale: number) => ({ data: Float32Array.from({ length: dims.reduce((a, c) => a * c, 1) }, () => (next() * 2 - 1) * scale), dims });
  return { 'conv.weight': make([4, 1, 3, 3], 0.5), 'conv.bias': make([4], 0.1), 'fc.weight': make([2, 64], 0.2), 'fc.bias': make([2], 0.1) };
}

/** A batch of a learnable task: class 1 images are bright in the top half, class 0 in the bottom half. */
export function tinyBatch(seed: number): { pixels: Uint8Array; labels: Int32Array } {
  const next = random(seed);
  const pixels = new Uint8Array(TINY.batch * 64);
  const labels = new Int32Array(TINY.batch);
  for (let n = 0; n < TINY.batch; n++) {
    labels[n] = next() < 0.5 ? 0 : 1;
    for (let i = 0; i < 64; i++) {
      const top = i < 32;
      const bright = (labels[n] === 1) === top;
      pixels[n * 64 + i] = Math.floor((bright ? 150 : 30) + next() * 100);
    }
  }
  return { pixels, labels };
}
