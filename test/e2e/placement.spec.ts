// Every zoo model's training step (forward, backward, optimiser: one ONNX graph) is placed entirely on
// onnxruntime-web's WebGPU EP: sessions are created with CPU fallback disabled, which makes creation fail if any
// node would run on the CPU. Run in the app's page with the app's own WebGPU bundle.
import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { zoo } from '../../models/index';
import { lowerTraining } from '../../renderer/core/lowering/index';
import { encodeModel } from '../../renderer/core/onnx/codec';
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
