// Runs in Chromium (see run.mjs): the tiny CNN trained by the Trainer on WebGPU with outputs kept on the GPU, then on
// wasm, from the same seed; the page reports both runs, where the resident tensors lived, and how far apart they are.
import { browserLoader } from '../../../../renderer/runtime/ort-browser';
import type { OrtLoader, OrtModule } from '../../../../renderer/runtime/session';
import { Trainer } from '../../../../renderer/runtime/trainer/trainer';
import { tinyProgram } from '../../../core/training/tiny-program';
import { initialiseWeights, lowerInference, lowerTraining } from '../../../../renderer/core/lowering/index';
import { TrainerClient, type PortLike, type TrainConfig } from '../../../../renderer/runtime/trainer/worker-protocol';
import { smallGraph, tinyInference, tinySource, tinyWeights } from '../tiny';

const graph = smallGraph;
const workerConfig: TrainConfig = { graph, batch: 8, epochs: 2, seed: 5, optimizer: { kind: 'sgd', momentum: 0.9 }, schedule: { base: 0.05, schedule: { kind: 'constant' } }, backend: 'webgpu' };

/** The same run in a module Worker (worker.ts, WebGPU) fed by a window-side source, and directly on wasm. */
async function workerRun() {
  const worker = new Worker('/worker.js', { type: 'module' });
  const failure = new Promise<never>((_, reject) => worker.addEventListener('error', (e) => reject(new Error(`worker error: ${e.message || 'script failed to load'}`))));
  const client = new TrainerClient(worker as unknown as PortLike, tinySource({ train: 40, val: 8, test: 12 }, 16));
  let backend = '';
  client.on((e) => { if (e.type === 'ready') backend = e.backend.ep; });
  const result = await Promise.race([client.start(workerConfig), failure]);
  const test = await client.evaluate('test');
  worker.terminate();
  const direct = new Trainer({
    program: lowerTraining(graph, { batch: 8, webgpu: true }), weights: initialiseWeights(graph, { seed: 5 }), optimizer: workerConfig.optimizer, schedule: workerConfig.schedule,
    epochs: 2, seed: 5, data: tinySource({ train: 40, val: 8, test: 12 }, 16), inference: (w) => lowerInference(graph, w, { batch: 'N', webgpu: true }), loader, backend: 'wasm',
  });
  const expected = await direct.run();
  const expectedTest = await direct.evaluate('test');
  await direct.dispose();
  return {
    backend,
    status: result.status,
    steps: result.steps,
    maxLossDiff: Math.max(...expected.losses.map((l, i) => Math.abs(l - result.losses[i]!))),
    testAccuracy: [test.accuracy, expectedTest.accuracy],
    // Both evaluate with the evaluation graph: on WebGPU fed the worker's GPU-resident parameters, on wasm CPU ones.
    testLoss: [test.loss, expectedTest.loss],
    testConfusion: [test.confusion, expectedTest.confusion],
  };
}

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
    const inWorker = await workerRun();
    (window as unknown as { result: unknown }).result = { detected, gpu: { ...gpu, weights: undefined }, cpu: { ...cpu, weights: undefined }, maxWeightDiff, maxLossDiff, worker: inWorker };
  } catch (e) {
    (window as unknown as { result: unknown }).result = { error: String((e as Error).stack ?? e) };
  }
})();
