// Numeric gradient checking on the float64 reference interpreter: the analytic gradients that our emitted backward
// nodes compute must match central finite differences of the forward graph.
import { expect } from 'vitest';
import { builderFrom, differentiate } from '../../../renderer/core/autodiff/differentiate';
import { floatTensor, GraphBuilder } from '../../../renderer/core/onnx/builder';
import { DataType, type Graph } from '../../../renderer/core/onnx/model';
import { refTensor, runGraph, type RefTensor } from '../../../renderer/core/onnx/reference';
import { seededRandom } from '../../../renderer/core/random';

export const OPSET = 18;

/** A seeded uniform generator, so failures reproduce. */
export const random = seededRandom;

/** Values in ±[low, high]: kept away from zero, where ReLU, Abs and friends have kinks. */
export function offKink(count: number, seed: number, low = 0.1, high = 1): number[] {
  const next = random(seed);
  return Array.from({ length: count }, () => (next() < 0.5 ? -1 : 1) * (low + (high - low) * next()));
}

/** Distinct values (a shuffled ramp plus jitter): no ties, so max-pooling has one maximum per window. */
export function distinct(count: number, seed: number): number[] {
  const next = random(seed);
  const values = Array.from({ length: count }, (_, i) => (i - count / 2) / count + next() * 0.3 / count);
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

export interface Case {
  /** Builds the forward graph from `params` (graph inputs) and returns the value to reduce to a loss. */
  build(b: GraphBuilder, params: Record<string, string>): string;
  params: Record<string, { dims: number[]; values: number[] }>;
  stopGradient?: string[];
}

const numel = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Forward graph: params as inputs; loss = Σ output ⊙ R with a fixed random cotangent R. */
export function forwardGraph(testCase: Case, seed = 7): { graph: Graph; loss: string; output: string } {
  const b = new GraphBuilder('gradcheck');
  const params: Record<string, string> = {};
  for (const [name, p] of Object.entries(testCase.params)) params[name] = b.input(name, DataType.FLOAT, p.dims);
  const output = testCase.build(b, params);
  const probe = runGraph(b.build(), OPSET, feeds(testCase), [output])[output]!;
  const cotangent = b.initializer(floatTensor('cotangent', probe.dims, offKink(probe.data.length, seed, 0.5, 1.5)));
  const loss = b.add('ReduceSum', [b.add('Mul', [output, cotangent])[0]!], { keepdims: 0 })[0]!;
  b.output(loss, DataType.FLOAT, []);
  return { graph: b.build(), loss, output };
}

export function feeds(testCase: Case, override?: { name: string; values: Float64Array }): Record<string, RefTensor> {
  const result: Record<string, RefTensor> = {};
  for (const [name, p] of Object.entries(testCase.params)) result[name] = refTensor(p.dims, override?.name === name ? override.values : p.values);
  return result;
}

/** Shapes of every value of the forward graph, read off a reference run. */
export function shapesOf(graph: Graph, inputs: Record<string, RefTensor>): Map<string, number[]> {
  const names = [...graph.inputs.map((i) => i.name), ...graph.initializers.map((t) => t.name), ...graph.nodes.flatMap((n) => n.outputs.filter((o) => o !== ''))];
  const values = runGraph(graph, OPSET, inputs, names);
  return new Map(Object.entries(values).map(([name, v]) => [name, v.dims]));
}

/** The forward graph with its backward nodes appended; the gradients are its outputs. */
export function gradientGraph(testCase: Case, wrt = Object.keys(testCase.params)) {
  const { graph, loss } = forwardGraph(testCase);
  const builder = builderFrom(graph);
  const gradients = differentiate({ graph, loss, wrt, shapes: shapesOf(graph, feeds(testCase)), builder, stopGradient: testCase.stopGradient });
  for (const name of wrt) builder.output(gradients.get(name)!, DataType.FLOAT);
  return { graph: builder.build(), forward: graph, loss, gradients };
}

/** Asserts analytic gradients match central differences within `tolerance` (relative to max(1, |numeric|)). */
export function expectGradientsMatch(testCase: Case, tolerance = 1e-6, step = 1e-6): void {
  const { graph, forward, loss, gradients } = gradientGraph(testCase);
  const analytic = runGraph(graph, OPSET, feeds(testCase), [...gradients.values()]);
  for (const [name, p] of Object.entries(testCase.params)) {
    const got = analytic[gradients.get(name)!]!;
    expect(got.dims, `gradient of ${name} has the parameter's shape`).toEqual(p.dims);
    for (let i = 0; i < numel(p.dims); i++) {
      const lossAt = (delta: number) => {
        const values = Float64Array.from(p.values);
        values[i]! += delta;
        return runGraph(forward, OPSET, feeds(testCase, { name, values }), [loss])[loss]!.data[0]!;
      };
      const numeric = (lossAt(step) - lossAt(-step)) / (2 * step);
      const error = Math.abs(got.data[i]! - numeric) / Math.max(1, Math.abs(numeric));
      if (error > tolerance) {
        expect.fail(`d loss / d ${name}[${i}]: analytic ${got.data[i]}, numeric ${numeric} (relative error ${error.toExponential(2)})`);
      }
    }
  }
}
