import { describe, expect, it } from 'vitest';
import { builderFrom, differentiate } from '../../../renderer/core/autodiff/differentiate';
import { GraphBuilder } from '../../../renderer/core/onnx/builder';
import { DataType } from '../../../renderer/core/onnx/model';
import { refTensor, runGraph } from '../../../renderer/core/onnx/reference';
import { emitCrossEntropy } from '../../../renderer/core/training/loss';
import { OPSET, shapesOf } from '../autodiff/gradcheck';

const B = 4;
const K = 5;
const logits = [2, -1, 0.5, 3, 0, /**/ 0.1, 0.2, 0.3, -0.4, 0.5, /**/ -3, 8, 1, 1, 2, /**/ 4, 4, 1, 0, -1];
const labels = [3, 0, 1, 1];

function build(labelSmoothing = 0) {
  const b = new GraphBuilder('ce');
  const z = b.input('logits', DataType.FLOAT, [B, K]);
  const y = b.input('labels', DataType.INT32, [B]);
  const values = emitCrossEntropy(b, { logits: z, labels: y, batch: B, classes: K, labelSmoothing });
  b.output(values.loss, DataType.FLOAT, []);
  return { b, values, graph: b.build() };
}
const feeds = { logits: refTensor([B, K], logits), labels: refTensor([B], labels, DataType.INT32) };

/** log-softmax of one row, in float64 directly. */
function logSoftmaxRow(row: number[]): number[] {
  const max = Math.max(...row);
  const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
  return row.map((v) => v - logSum);
}

describe('softmax cross-entropy', () => {
  it('equals the mean negative log-likelihood, and counts the samples whose true class has the top logit', () => {
    const { graph, values } = build();
    const out = runGraph(graph, OPSET, feeds, [values.loss, values.correct, values.perSample]);
    const expected = labels.map((label, i) => -logSoftmaxRow(logits.slice(i * K, i * K + K))[label]!);
    expect(Array.from(out[values.perSample]!.data)).toEqual(expected.map((v) => expect.closeTo(v, 12)));
    expect(out[values.loss]!.data[0]).toBeCloseTo(expected.reduce((a, b) => a + b) / B, 12);
    // Row 0: top logit 3 at class 3 = label ✓; row 1: top 0.5 at class 4 ≠ 0; row 2: top 8 at class 1 ✓;
    // row 3: classes 0 and 1 tie at 4 and the label is 1: counted (a tie is not a wrong answer).
    expect(out[values.correct]!.data[0]).toBe(3);
  });

  it('applies label smoothing as PyTorch does: (1 − ε)·NLL + ε·mean over classes of −log p', () => {
    const eps = 0.1;
    const { graph, values } = build(eps);
    const loss = runGraph(graph, OPSET, feeds, [values.loss])[values.loss]!.data[0]!;
    const expected =
      labels
        .map((label, i) => {
          const lp = logSoftmaxRow(logits.slice(i * K, i * K + K));
          return (1 - eps) * -lp[label]! + (eps * lp.reduce((s, v) => s - v, 0)) / K;
        })
        .reduce((a, b) => a + b) / B;
    expect(loss).toBeCloseTo(expected, 6); // 1 − ε and ε/K are float32 constants in the graph
  });

  it('has the gradient (softmax − target) / B with respect to the logits, the shift held constant', () => {
    const { graph, values } = build();
    const builder = builderFrom(graph);
    const grads = differentiate({ graph, loss: values.loss, wrt: ['logits'], shapes: shapesOf(graph, feeds), builder, stopGradient: values.stopGradient });
    const dz = runGraph(builder.build(), OPSET, feeds, [grads.get('logits')!])[grads.get('logits')!]!;
    labels.forEach((label, i) => {
      const p = logSoftmaxRow(logits.slice(i * K, i * K + K)).map(Math.exp);
      p.forEach((pk, k) => expect(dz.data[i * K + k]).toBeCloseTo((pk - (k === label ? 1 : 0)) / B, 12));
    });
  });

  it('rejects label smoothing outside [0, 1)', () => {
    expect(() => build(1)).toThrow('Label smoothing must be in [0, 1); got 1.');
  });
});
