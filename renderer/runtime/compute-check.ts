// The compute check: compiles a real model's training step and inference graph, runs both on every backend this
// browser has (WebGPU with CPU fallback disabled, so a node without a WebGPU kernel fails instead of silently
// running on the CPU; and wasm), and compares their results. It answers "does my GPU run Model Lab's graphs, do
// the backends agree, and which is faster here".
import { zooModel } from '../../models/index';
import { initialiseWeights, lowerInference, lowerTraining } from '../core/lowering/index';
import { encodeModel } from '../core/onnx/codec';
import { compileTrainingStep } from '../core/training/step';
import type { WeightStore } from '../core/weights';
import { createBrowserSession } from './ort-browser';
import type { ExecutionProvider, ModelSession } from './session';

export interface BackendCheck {
  ep: ExecutionProvider;
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
  /** Milliseconds for one training step and one inference batch, after a warm-up run. */
  stepMs?: number;
  inferenceMs?: number;
  loss?: number;
  logits?: Float32Array;
  updated?: Float32Array;
}

export interface ComputeCheckResult {
  model: string;
  batch: number;
  backends: BackendCheck[];
  /** Largest difference between the backends' losses, updated weights and logits (when both ran). */
  maxDifference?: number;
}

const MODEL = 'lenet5-relu';

function pseudoRandomBytes(count: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

async function checkBackend(ep: ExecutionProvider, stepBytes: Uint8Array, inferenceBytes: Uint8Array, weights: WeightStore, batch: number, stepInputs: ReturnType<typeof compileTrainingStep>): Promise<BackendCheck> {
  const sessions: ModelSession[] = [];
  try {
    const options = ep === 'webgpu' ? { backend: ep, disableCpuFallback: true } : { backend: ep };
    const train = await createBrowserSession(stepBytes, options);
    sessions.push(train);
    const infer = await createBrowserSession(inferenceBytes, options);
    sessions.push(infer);
    const { Tensor } = train.ort;
    const pixels = pseudoRandomBytes(batch * 28 * 28, 1);
    const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
    const feeds: Record<string, InstanceType<typeof Tensor>> = {
      [stepInputs.inputs.batch]: new Tensor('uint8', pixels, [batch, 1, 28, 28]),
      [stepInputs.inputs.labels]: new Tensor('int32', labels, [batch]),
      [stepInputs.inputs.learningRate]: new Tensor('float32', Float32Array.of(0.01), []),
    };
    for (const name of stepInputs.inputs.params) {
      const w = weights.get(name)!;
      feeds[name] = new Tensor('float32', w.data, w.dims);
    }
    for (const slot of stepInputs.inputs.state) feeds[slot.input] = new Tensor('float32', new Float32Array(slot.shape.reduce((a, b) => a * b, 1)), [...slot.shape]);
    const firstParam = stepInputs.inputs.params[0]!;
    const runStep = async () => {
      const out = await train.run(feeds);
      const loss = ((await out[stepInputs.outputs.loss]!.getData()) as Float32Array)[0]!;
      const updated = (await out[stepInputs.outputs.params.get(firstParam)!]!.getData()) as Float32Array;
      return { loss, updated };
    };
    const images = new Float32Array(batch * 28 * 28).map((_, i) => Math.sin(i * 0.1));
    const runInference = async () => {
      const out = await infer.run({ input: new Tensor('float32', images, [batch, 1, 28, 28]) });
      return (await out.output!.getData()) as Float32Array;
    };
    const first = await runStep();
    const logits = await runInference();
    let started = performance.now();
    await runStep();
    const stepMs = performance.now() - started;
    started = performance.now();
    await runInference();
    const inferenceMs = performance.now() - started;
    return { ep, ok: true, stepMs, inferenceMs, loss: first.loss, updated: first.updated, logits };
  } catch (error) {
    return { ep, ok: false, error: (error as Error).message };
  } finally {
    for (const session of sessions) await session.release();
  }
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Runs the check on WebGPU (when the browser exposes it) and on wasm. */
export async function runComputeCheck(batch = 4): Promise<ComputeCheckResult> {
  const graph = zooModel(MODEL)!.build();
  const weights = initialiseWeights(graph, { seed: 1 });
  // One graph for both backends, lowered for WebGPU (its workarounds are exact), so the results must agree.
  const step = compileTrainingStep(lowerTraining(graph, { batch, webgpu: true }), { optimizer: { kind: 'sgd', momentum: 0.9 }, normalisation: { mean: [0.5], std: [0.5] } });
  const stepBytes = encodeModel(step.model);
  const inferenceBytes = encodeModel(lowerInference(graph, weights, { batch, webgpu: true }).model);
  const eps: ExecutionProvider[] = globalThis.navigator?.gpu ? ['webgpu', 'wasm'] : ['wasm'];
  const backends: BackendCheck[] = [];
  for (const ep of eps) backends.push(await checkBackend(ep, stepBytes, inferenceBytes, weights, batch, step));
  const result: ComputeCheckResult = { model: MODEL, batch, backends };
  const [a, b] = backends;
  if (a?.ok && b?.ok) {
    result.maxDifference = Math.max(Math.abs(a.loss! - b.loss!), maxDifference(a.updated!, b.updated!), maxDifference(a.logits!, b.logits!));
  }
  return result;
}
