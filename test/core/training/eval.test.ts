// The evaluation graph in the float64 reference interpreter against the CPU scoring of the inference model's logits
// (the path it replaces): loss sum, correct count and confusion on zoo models (BatchNorm with running statistics,
// Dropout left out), exact first-maximum ties, and a zero-padded partial batch whose padding counts for nothing.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../models/index';
import type { LayerGraph } from '../../../renderer/core/ir';
import { initialiseWeights, lowerEvaluation, lowerInference } from '../../../renderer/core/lowering/index';
import { checkModel } from '../../../renderer/core/onnx/checker';
import { DataType } from '../../../renderer/core/onnx/model';
import { refTensor, runReference, type RefTensor } from '../../../renderer/core/onnx/reference';
import { seededRandom } from '../../../renderer/core/random';
import { compileEvaluationStep, type EvaluationStep } from '../../../renderer/core/training/eval';
import type { Normalisation } from '../../../renderer/core/training/step';
import type { WeightStore } from '../../../renderer/core/weights';
import { normalise, scoreLogits } from '../../../renderer/runtime/trainer/evaluate';

interface Batch {
  pixels: Uint8Array;
  labels: Int32Array;
  /** Rows that are real images; the rest is padding. */
  n: number;
}

function randomBatch(rows: number, n: number, shape: readonly number[], classes: number, seed: number): Batch {
  const next = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  // Padding rows hold noise and a real class, so only the mask can keep them out of the counts.
  const pixels = Uint8Array.from({ length: rows * size }, () => Math.floor(next() * 256));
  const labels = Int32Array.from({ length: rows }, () => Math.floor(next() * classes));
  return { pixels, labels, n };
}

function runEvalGraph(step: EvaluationStep, batch: Batch, weights: WeightStore, imageShape: readonly number[]) {
  const feeds: Record<string, RefTensor> = {
    [step.inputs.batch]: refTensor([step.batch, ...imageShape], batch.pixels, DataType.UINT8),
    [step.inputs.labels]: refTensor([step.batch], batch.labels, DataType.INT32),
    [step.inputs.valid]: refTensor([step.batch], Array.from({ length: step.batch }, (_, i) => (i < batch.n ? 1 : 0))),
  };
  for (const name of step.inputs.params) {
    const w = weights.get(name)!;
    feeds[name] = refTensor(w.dims, w.data);
  }
  const out = runReference(step.model, feeds);
  return { lossSum: out[step.outputs.lossSum]!.data[0]!, correct: out[step.outputs.correct]!.data[0]!, confusion: out[step.outputs.confusion]! };
}

/** The path the graph replaces: the inference model's logits (float64 reference) scored on the CPU. */
function scoreInference(graph: LayerGraph, weights: WeightStore, batch: Batch, normalisation: Normalisation, imageShape: [number, number, number], classes: number) {
  const size = imageShape.reduce((a, b) => a * b, 1);
  const inference = lowerInference(graph, weights, { batch: batch.n });
  const input = normalise(batch.pixels.subarray(0, batch.n * size), imageShape, normalisation);
  const logits = runReference(inference.model, { [inference.input]: refTensor([batch.n, ...imageShape], input) })[inference.output]!.data;
  const totals = { lossSum: 0, correct: 0, confusion: Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) };
  scoreLogits(logits, batch.labels, batch.n, classes, totals);
  return { totals, logits };
}

const rows = (t: RefTensor, k: number) => Array.from({ length: k }, (_, i) => Array.from(t.data.subarray(i * k, (i + 1) * k)));

describe('the evaluation-graph compiler', () => {
  const cases: Array<{ id: string; input: [number, number, number]; classes: number; rows: number; n: number }> = [
    { id: 'lenet5', input: [1, 28, 28], classes: 10, rows: 5, n: 3 },
    { id: 'resnet18', input: [3, 32, 32], classes: 5, rows: 3, n: 3 },
    { id: 'nin', input: [1, 96, 96], classes: 4, rows: 3, n: 2 },
  ];
  for (const c of cases) {
    it(`${c.id} ${c.input.join('×')}, batch ${c.rows} with ${c.n} images: the same loss sum, correct count and confusion as scoring the inference model's logits`, () => {
      const graph = zooModel(c.id)!.build({ input: c.input, classes: c.classes });
      const weights = initialiseWeights(graph, { seed: 4 });
      // Running statistics away from 0 and 1, so using the batch's own statistics instead would show.
      const next = seededRandom(8);
      for (const [name, w] of weights) {
        if (name.endsWith('.running_mean')) w.data.forEach((_, i) => (w.data[i] = next() - 0.5));
        if (name.endsWith('.running_var')) w.data.forEach((_, i) => (w.data[i] = 0.5 + next()));
      }
      const normalisation = { mean: new Array<number>(c.input[0]).fill(0.45), std: new Array<number>(c.input[0]).fill(0.22) };
      const program = lowerEvaluation(graph, { batch: c.rows, webgpu: true });
      const step = compileEvaluationStep(program, { normalisation });
      expect(checkModel(step.model).issues).toEqual([]);
      const ops = new Set(step.model.graph.nodes.map((n) => n.opType));
      for (const op of ['ArgMax', 'OneHot', 'LogSoftmax', 'Dropout']) expect(ops.has(op), op).toBe(false);
      // Every input is the batch, the labels, the mask or a parameter: no dropout mask.
      expect(step.model.graph.inputs.map((i) => i.name).sort()).toEqual([...step.inputs.params, 'batch', 'labels', 'valid'].sort());
      if (c.id === 'resnet18') expect(step.inputs.params).toContain('bn1.running_var');

      const batch = randomBatch(c.rows, c.n, c.input, c.classes, 21);
      const got = runEvalGraph(step, batch, weights, c.input);
      const want = scoreInference(graph, weights, batch, normalisation, c.input, c.classes).totals;
      expect(rows(got.confusion, c.classes)).toEqual(want.confusion);
      expect(got.correct).toBe(want.correct);
      expect(got.lossSum).toBeCloseTo(want.lossSum, 5);
      expect(want.confusion.flat().reduce((a, b) => a + b)).toBe(c.n);
    }, 60_000);
  }

  // Input 1×2×2 → Dense with 4 classes whose rows 1 and 2 are identical: those two always tie, and all four tie on a
  // black image. The prediction is the FIRST maximum (as argmax), so a true class 2 tied with class 1 is wrong.
  const tieGraph: LayerGraph = {
    format: 'model-lab/graph',
    version: 1,
    name: 'ties',
    nodes: [
      { id: 'input', kind: 'Input', attrs: { channels: 1, height: 2, width: 2 }, inputs: [] },
      { id: 'flatten', kind: 'Flatten', attrs: {}, inputs: ['input'] },
      { id: 'fc', kind: 'Dense', attrs: { outFeatures: 4 }, inputs: ['flatten'] },
    ],
  } as LayerGraph;
  const tieWeights: WeightStore = new Map([
    ['fc.weight', { dims: [4, 4], data: Float32Array.from([0, 0, 0, 0, 1, 2, 3, 4, 1, 2, 3, 4, -1, -1, -1, -1]) }],
    ['fc.bias', { dims: [4], data: new Float32Array(4) }],
  ]);
  const plain = { mean: [0], std: [1] };

  it('predicts the first of tied maxima, as the CPU scoring does', () => {
    const step = compileEvaluationStep(lowerEvaluation(tieGraph, { batch: 4 }), { normalisation: plain });
    // black, label 2 → all tie, predicted 0; grey, label 2 → 1 and 2 tie, predicted 1; grey, label 1 → 1;
    // white, label 3 → predicted 1.
    const batch: Batch = { pixels: Uint8Array.from([0, 0, 0, 0, 9, 9, 9, 9, 7, 0, 7, 0, 255, 255, 255, 255]), labels: Int32Array.from([2, 2, 1, 3]), n: 4 };
    const got = runEvalGraph(step, batch, tieWeights, [1, 2, 2]);
    const expected = [
      [0, 0, 0, 0],
      [0, 1, 0, 0],
      [1, 1, 0, 0],
      [0, 1, 0, 0],
    ];
    expect(rows(got.confusion, 4)).toEqual(expected);
    expect(got.correct).toBe(1);
    const cpu = scoreInference(tieGraph, tieWeights, batch, plain, [1, 2, 2], 4);
    expect(cpu.totals.confusion).toEqual(expected);
    expect(got.lossSum).toBeCloseTo(cpu.totals.lossSum, 5);
    // The black image's logits are all 0: a four-way tie.
    expect(cpu.logits.subarray(0, 4)).toEqual(new Float64Array(4));
  });

  it('counts nothing from padding rows, whatever they hold', () => {
    const step = compileEvaluationStep(lowerEvaluation(tieGraph, { batch: 4 }), { normalisation: plain });
    const full: Batch = { pixels: Uint8Array.from({ length: 16 }, (_, i) => (i * 37) % 256), labels: Int32Array.from([0, 1, 3, 2]), n: 4 };
    const partial: Batch = { ...full, n: 2 };
    const got = runEvalGraph(step, partial, tieWeights, [1, 2, 2]);
    const cpu = scoreInference(tieGraph, tieWeights, partial, plain, [1, 2, 2], 4).totals;
    expect(rows(got.confusion, 4)).toEqual(cpu.confusion);
    expect(got.correct).toBe(cpu.correct);
    expect(got.lossSum).toBeCloseTo(cpu.lossSum, 5);
    expect(rows(got.confusion, 4).flat().reduce((a, b) => a + b)).toBe(2);
    expect(runEvalGraph(step, full, tieWeights, [1, 2, 2]).lossSum).toBeGreaterThan(got.lossSum);
  });

  it('bakes weights in when given, and refuses missing or misshapen ones, bad normalisation and a batch below 1', () => {
    const program = lowerEvaluation(tieGraph, { batch: 2 });
    const baked = compileEvaluationStep(program, { normalisation: plain, weights: tieWeights });
    expect(baked.inputs.params).toEqual([]);
    expect(baked.model.graph.inputs.map((i) => i.name)).toEqual(['batch', 'labels', 'valid']);
    const batch: Batch = { pixels: Uint8Array.from([0, 0, 0, 0, 9, 9, 9, 9]), labels: Int32Array.from([2, 1]), n: 2 };
    expect(rows(runEvalGraph(baked, batch, tieWeights, [1, 2, 2]).confusion, 4)).toEqual(rows(runEvalGraph(compileEvaluationStep(program, { normalisation: plain }), batch, tieWeights, [1, 2, 2]).confusion, 4));

    expect(() => compileEvaluationStep(program, { normalisation: plain, weights: new Map([['fc.weight', tieWeights.get('fc.weight')!]]) })).toThrow("No weights for 'fc.bias'; the model needs [4].");
    const wrong = new Map(tieWeights);
    wrong.set('fc.weight', { dims: [4, 2], data: new Float32Array(8) });
    expect(() => compileEvaluationStep(program, { normalisation: plain, weights: wrong })).toThrow("Weights 'fc.weight' have shape [4, 2], but the model needs [4, 4].");
    expect(() => compileEvaluationStep(program, { normalisation: { mean: [0, 0, 0], std: [1, 1, 1] } })).toThrow(
      'Normalisation needs 1 means and 1 positive standard deviations; got mean [0, 0, 0], std [1, 1, 1].',
    );
    expect(() => lowerEvaluation(tieGraph, { batch: 0 })).toThrow('The evaluation batch must be a whole number of at least 1; got 0.');
  });
});
