// Every zoo model's training step (forward, backward, optimiser: one ONNX graph) is placed entirely on
// onnxruntime-web's WebGPU EP: sessions are created with CPU fallback disabled, which makes creation fail if any
// node would run on the CPU. Run in the app's page with the app's own WebGPU bundle.
import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zoo, zooModel } from '../../models/index';
import { initialiseWeights, lowerEvaluation, lowerTraining } from '../../renderer/core/lowering/index';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType } from '../../renderer/core/onnx/model';
import { refTensor, runReference, type RefTensor } from '../../renderer/core/onnx/reference';
import { seededRandom } from '../../renderer/core/random';
import { compileEvaluationStep } from '../../renderer/core/training/eval';
import { compileTrainingStep } from '../../renderer/core/training/step';

const SMALL: Record<string, [number, number, number]> = {
  'alexnet-paper': [3, 67, 67],
  'alexnet-d2l': [1, 96, 96],
  nin: [1, 96, 96],
  'inception-v2': [3, 96, 96],
  'inception-v3': [3, 96, 96],
};

test('every zoo training step is placed on WebGPU with CPU fallback disabled', async ({ page }) => {
  test.setTimeout(300_000);
  const steps = zoo.map((entry) => {
    const input = SMALL[entry.id] ?? (entry.defaultInput[1] <= 32 ? entry.defaultInput : ([entry.defaultInput[0], 64, 64] as [number, number, number]));
    const graph = entry.build({ input, classes: 10 });
    const step = compileTrainingStep(lowerTraining(graph, { batch: 2, webgpu: true }), {
      optimizer: { kind: 'sgd', momentum: 0.9 },
      normalisation: { mean: new Array(input[0]).fill(0.5), std: new Array(input[0]).fill(0.25) },
    });
    return { id: entry.id, bytes: encodeModel(step.model) };
  });
  await page.route('**/test-model/*', (route) => {
    const index = Number(new URL(route.request().url()).pathname.split('/').pop());
    return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from(steps[index]!.bytes) });
  });
  await page.goto('/');
  const bundle = readdirSync(join(import.meta.dirname, '../../out/renderer/assets')).find((f) => f.startsWith('ort.webgpu.bundle'));
  expect(bundle, 'the built WebGPU bundle').toBeTruthy();

  const results: string[] = await page.evaluate(`(async ({ count, bundle }) => {
    const ort = await import('/assets/' + bundle);
    const results = [];
    for (let i = 0; i < count; i++) {
      try {
        const bytes = new Uint8Array(await (await fetch('/test-model/' + i)).arrayBuffer());
        const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], extra: { session: { disable_cpu_ep_fallback: '1' } } });
        await session.release();
        results.push('on WebGPU');
      } catch (error) {
        results.push('failed: ' + error.message);
      }
    }
    return results;
  })(${JSON.stringify({ count: steps.length, bundle })})`);
  expect(Object.fromEntries(steps.map((s, i) => [s.id, results[i]]))).toEqual(Object.fromEntries(steps.map((s) => [s.id, 'on WebGPU'])));
});

// The evaluation graph (loss sum, correct, confusion; parameters fed as inputs, as the trainer feeds its resident
// ones) is placed entirely on WebGPU, and its run there agrees with the float64 reference interpreter.
test('the LeNet-5 evaluation graph is placed on WebGPU with CPU fallback disabled and runs there correctly', async ({ page }) => {
  // About 7 s on an idle machine; shader compilation on SwiftShader slows tenfold when the cores are shared.
  test.setTimeout(120_000);
  const graph = zooModel('lenet5')!.build({ input: [1, 28, 28], classes: 10 });
  const step = compileEvaluationStep(lowerEvaluation(graph, { batch: 3, webgpu: true }), { normalisation: { mean: [0.3], std: [0.35] } });
  const weights = initialiseWeights(graph, { seed: 6 });
  const next = seededRandom(9);
  // Two images and one padding row (noise with a real label), which must count for nothing.
  const feeds: Array<{ name: string; type: 'uint8' | 'int32' | 'float32'; dims: number[]; data: number[] }> = [
    { name: step.inputs.batch, type: 'uint8', dims: [3, 1, 28, 28], data: Array.from({ length: 3 * 784 }, () => Math.floor(next() * 256)) },
    { name: step.inputs.labels, type: 'int32', dims: [3], data: [4, 7, 1] },
    { name: step.inputs.valid, type: 'float32', dims: [3], data: [1, 1, 0] },
    ...step.inputs.params.map((name) => ({ name, type: 'float32' as const, dims: weights.get(name)!.dims, data: Array.from(weights.get(name)!.data) })),
  ];
  const types = { uint8: DataType.UINT8, int32: DataType.INT32, float32: DataType.FLOAT };
  const reference = runReference(step.model, Object.fromEntries(feeds.map((f) => [f.name, refTensor(f.dims, f.data, types[f.type])])) as Record<string, RefTensor>);
  await page.route('**/test-model/eval', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from(encodeModel(step.model)) }));
  await page.goto('/');
  const bundle = readdirSync(join(import.meta.dirname, '../../out/renderer/assets')).find((f) => f.startsWith('ort.webgpu.bundle'));
  expect(bundle, 'the built WebGPU bundle').toBeTruthy();

  const result: { lossSum: number; correct: number; confusion: number[] } | string = await page.evaluate(`(async ({ bundle, feeds, outputs }) => {
    const ort = await import('/assets/' + bundle);
    try {
      const bytes = new Uint8Array(await (await fetch('/test-model/eval')).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], extra: { session: { disable_cpu_ep_fallback: '1' } } });
      const arrays = { uint8: Uint8Array, int32: Int32Array, float32: Float32Array };
      const tensors = {};
      for (const f of feeds) tensors[f.name] = new ort.Tensor(f.type, arrays[f.type].from(f.data), f.dims);
      const out = await session.run(tensors);
      const result = { lossSum: out[outputs.lossSum].data[0], correct: out[outputs.correct].data[0], confusion: Array.from(out[outputs.confusion].data) };
      await session.release();
      return result;
    } catch (error) {
      return 'failed: ' + error.message;
    }
  })(${JSON.stringify({ bundle, feeds, outputs: step.outputs })})`);
  if (typeof result === 'string') throw new Error(result);
  expect(result.confusion).toEqual(Array.from(reference[step.outputs.confusion]!.data));
  expect(result.confusion.reduce((a, b) => a + b)).toBe(2);
  expect(result.correct).toBe(reference[step.outputs.correct]!.data[0]);
  expect(result.lossSum).toBeCloseTo(reference[step.outputs.lossSum]!.data[0]!, 4);
});
