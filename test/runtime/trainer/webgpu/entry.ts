// Runs in Chromium (see run.mjs): the tiny CNN trained by the Trainer on WebGPU with outputs kept on the GPU, then on
// wasm, from the same seed; the page reports both runs, where the resident tensors lived, and how far apart they are.
import { browserLoader } from '../../../../renderer/runtime/ort-browser';
import type { OrtLoader, OrtModule } from '../../../../renderer/runtime/session';
import { Trainer } from '../../../../renderer/runtime/trainer/trainer';
import { tinyProgram } from '../../../core/training/tiny-program';
import { tinyInference, tinySource, tinyWeights } from '../tiny';

const loader: OrtLoader = {
  environment: 'browser',
  detect: browserLoader.detect,
  load: async (ep) => {
    const m = (await browserLoader.load(ep)) as OrtModule;
    m.env.wasm.wasmPaths = '/ort/';
    m.env.wasm.numThreads = 1;
    return m;
  },
};

async function once(backend: 'webgpu' | 'wasm') {
  const locations: string[] = [];
  const trainer = new Trainer({
    program: tinyProgram(), weights: tinyWeights(), optimizer: { kind: 'adam' }, schedule: { base: 0.01, schedule: { kind: 'constant' } },
    epochs: 2, seed: 3, data: tinySource({ train: 40, val: 8, test: 12 }), inference: tinyInference, loader, backend,
    onEvent: (e) => { if (e.type === 'step') locations.push([...trainer.residentLocations().values()].join(',')); },
  });
  const result = await trainer.run();
  const weights = await trainer.weights();
  const test = await trainer.evaluate('test');
  const report = trainer.backend;
  await trainer.dispose();
  return { status: result.status, losses: result.losses, weights: Object.fromEntries([...weights].map(([k, v]) => [k, Array.from(v.data)])), test: { accuracy: test.accuracy, loss: test.loss }, ep: report.ep, locations: [...new Set(locations)] };
}

(async () => {
  try {
    const detected = await browserLoader.detect();
    const gpu = await once('webgpu');
    const cpu = await once('wasm');
    let maxWeightDiff = 0;
    for (const k of Object.keys(cpu.weights)) cpu.weights[k]!.forEach((v, i) => (maxWeightDiff = Math.max(maxWeightDiff, Math.abs(v - gpu.weights[k]![i]!))));
    const maxLossDiff = Math.max(...cpu.losses.map((l, i) => Math.abs(l - gpu.losses[i]!)));
    (window as unknown as { result: unknown }).result = { detected, gpu: { ...gpu, weights: undefined }, cpu: { ...cpu, weights: undefined }, maxWeightDiff, maxLossDiff };
  } catch (e) {
    (window as unknown as { result: unknown }).result = { error: String((e as Error).stack ?? e) };
  }
})();
