// Inference sessions on onnxruntime-web, the same code in Node and in the browser. Which bundle is loaded and which
// backend is chosen live in a small OrtLoader per environment (ort-node.ts, ort-browser.ts); this file never imports
// onnxruntime-web itself, only its types.

import type * as Ort from 'onnxruntime-web';
import { AppError } from '../../preload/result';
import type { BackendReport } from './backend';

export type OrtModule = typeof Ort;
export type ExecutionProvider = 'webgpu' | 'wasm';
export type OutputLocation = 'cpu' | 'gpu-buffer';

/** One environment's way of loading onnxruntime-web and choosing a backend. */
export interface OrtLoader {
  readonly environment: 'node' | 'browser';
  /** Decides the backend for 'auto' and says why. */
  detect(): Promise<BackendReport>;
  /** Loads the onnxruntime-web bundle for this EP (the native WebGPU EP bundle, or the plain wasm bundle). */
  load(ep: ExecutionProvider): Promise<OrtModule>;
  /**
   * How many wasm threads this environment can run: 1 in a page that is not cross-origin isolated (no
   * SharedArrayBuffer), otherwise the cores, at most 4.
   */
  wasmThreadLimit?(): number;
}

/** Forward multiply-adds per image from which a training step runs faster on all wasm threads than on one. */
export const MULTI_THREAD_MACS_PER_IMAGE = 100e6;

/**
 * The wasm thread count for a training run. Measured on 2 cores, idle, one thread → two (training benchmark and
 * `model-lab train`; images/s): LeNet-5, 0.4 M multiply-adds per image, 3,398 → 1,141 in Node and 2,939 → 1,772 in
 * Chromium; ResNet-18 at 28×28, 26 M, 20.5 → 17.5 in Node (small late feature maps leave the threads little to share);
 * ResNet-18 at 96×96, 319 M, 5.8 → 11.6 in Node and 7.3 → 14.9 in Chromium; d2l's AlexNet, 938 M, 2.4 → 4.7 and
 * 3.0 → 5.1. A number asks for that many (within the limit); 'auto' uses every thread the environment allows from
 * MULTI_THREAD_MACS_PER_IMAGE and one below it.
 */
export function chooseWasmThreads(requested: number | 'auto', macsPerImage: number | null, limit: number): number {
  const available = Math.max(1, Math.floor(limit));
  if (requested !== 'auto') return Math.max(1, Math.min(Math.floor(requested), available));
  return macsPerImage !== null && macsPerImage >= MULTI_THREAD_MACS_PER_IMAGE ? available : 1;
}

export interface SessionOptions {
  /** 'auto' (default) asks the loader: WebGPU with a hardware adapter, wasm otherwise. */
  backend?: 'auto' | ExecutionProvider;
  /**
   * Make session creation fail when any node would fall back to the CPU EP (WebGPU only; a wasm session is the
   * CPU EP). Use it to prove a graph runs entirely on the GPU.
   */
  disableCpuFallback?: boolean;
  /** Keep outputs on the GPU ('gpu-buffer', WebGPU only), all or per output name. */
  preferredOutputLocation?: OutputLocation | Record<string, OutputLocation>;
  /** wasm threads; default 1 (on 2 cores one thread is faster than two for small graphs). */
  numThreads?: number;
  /** Print node placement and everything else onnxruntime logs (logSeverityLevel 0). */
  verbose?: boolean;
  /**
   * Record every kernel's time (onnxruntime's enableProfiling); endProfiling() then makes onnxruntime print the
   * Chrome-trace JSON (the wasm build writes it to stdout in Node, to the console in a browser).
   */
  profile?: boolean;
}

export interface SessionReport {
  /** The execution provider the session was created with. */
  ep: ExecutionProvider;
  /** One sentence saying why this EP. */
  reason: string;
  environment: 'node' | 'browser';
  /** True when creation was made to fail on any CPU fallback, so every node is known to run on `ep`. */
  cpuFallbackDisabled: boolean;
  numThreads?: number;
  adapter: BackendReport['adapter'];
}

/** A session could not be created or run; the message says which EP and why. */
export class OrtSessionError extends AppError {
  constructor(message: string) {
    super('ort-session', message);
    this.name = 'OrtSessionError';
  }
}

/** A created session with the report of where it runs. */
export class ModelSession {
  constructor(
    readonly ort: OrtModule,
    readonly session: Ort.InferenceSession,
    readonly report: SessionReport,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs with onnxruntime tensors; outputs stay where preferredOutputLocation put them. */
  run(feeds: Record<string, Ort.Tensor>, fetches?: readonly string[]): Promise<Record<string, Ort.Tensor>> {
    return fetches ? this.session.run(feeds, fetches) : this.session.run(feeds);
  }

  /** Runs float32 inputs (name → data and dims) and reads every output back as float32 on the CPU. */
  async runFloat32(inputs: Record<string, { data: Float32Array; dims: readonly number[] }>): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const [name, { data, dims }] of Object.entries(inputs)) feeds[name] = new this.ort.Tensor('float32', data, dims);
    const results = await this.session.run(feeds);
    const out: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const [name, tensor] of Object.entries(results)) {
      const data = await tensor.getData();
      if (!(data instanceof Float32Array)) {
        throw new OrtSessionError(`Output '${name}' is ${tensor.type}, not float32.`);
      }
      out[name] = { data, dims: [...tensor.dims] };
      if (tensor.location !== 'cpu') tensor.dispose();
    }
    return out;
  }

  /** Ends profiling (see SessionOptions.profile): onnxruntime prints the trace of every run so far. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The onnxruntime SessionOptions for our options; exported so tests can see exactly what is passed. */
export function ortSessionOptions(ep: ExecutionProvider, options: SessionOptions): Ort.InferenceSession.SessionOptions {
  const result: Ort.InferenceSession.SessionOptions = { executionProviders: [ep] };
  if (options.disableCpuFallback && ep === 'webgpu') result.extra = { session: { disable_cpu_ep_fallback: '1' } };
  if (options.preferredOutputLocation) {
    if (ep !== 'webgpu' && Object.values(typeof options.preferredOutputLocation === 'string' ? [options.preferredOutputLocation] : options.preferredOutputLocation).includes('gpu-buffer')) {
      throw new OrtSessionError("Outputs can stay on the GPU ('gpu-buffer') only in a WebGPU session; this one runs on wasm.");
    }
    result.preferredOutputLocation = options.preferredOutputLocation;
  }
  if (options.profile) result.enableProfiling = true;
  if (options.verbose) {
    result.logSeverityLevel = 0;
    result.logVerbosityLevel = 0;
  }
  return result;
}

const wasmThreads = new WeakMap<OrtModule, number>();

/** Creates a session for ONNX model bytes, choosing the backend as the options and the loader say. */
export async function createSession(loader: OrtLoader, modelBytes: Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
  const requested = options.backend ?? 'auto';
  const detected = await loader.detect();
  let ep: ExecutionProvider;
  let reason: string;
  if (requested === 'auto') {
    ep = detected.backend;
    reason = detected.reason;
  } else {
    ep = requested;
    reason = `The ${requested} backend was requested.`;
    if (requested === 'webgpu' && detected.backend !== 'webgpu') reason += ` (Auto-detection would have chosen wasm: ${detected.reason})`;
  }
  const ort = await loader.load(ep);
  let numThreads: number | undefined;
  if (ep === 'wasm') {
    // The wasm module reads numThreads once, when the first session initialises it; later values have no effect.
    numThreads = wasmThreads.get(ort);
    if (numThreads === undefined) {
      numThreads = options.numThreads ?? 1;
      ort.env.wasm.numThreads = numThreads;
      wasmThreads.set(ort, numThreads);
    } else if (options.numThreads !== undefined && options.numThreads !== numThreads) {
      reason += ` (${options.numThreads} wasm threads were asked for, but the runtime was started with ${numThreads}.)`;
    }
  }
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, ortSessionOptions(ep, options));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const fallbackRefused = options.disableCpuFallback && ep === 'webgpu' && /fallback|CPU/i.test(message);
    const hint = fallbackRefused ? ' (CPU fallback was disabled, so a node without a WebGPU kernel fails creation.)' : '';
    throw new OrtSessionError(`onnxruntime-web (${ep}) could not create a session: ${message}${hint}`);
  }
  const report: SessionReport = {
    ep,
    reason,
    environment: loader.environment,
    cpuFallbackDisabled: ep === 'wasm' || options.disableCpuFallback === true,
    adapter: detected.adapter,
  };
  if (numThreads !== undefined) report.numThreads = numThreads;
  return new ModelSession(ort, session, report);
}

export interface OpProfileRow {
  op: string;
  count: number;
  ms: number;
  share: number;
}

/**
 * onnxruntime's profile (Chrome trace JSON, which the wasm build prints on endProfiling) → time per op type for the
 * LAST run in it (earlier runs are warm-up). Kernel names carry the op after fusion (FusedConv, FusedGemm).
 */
export function opProfile(trace: string): { rows: OpProfileRow[]; runMs: number; kernelMs: number } {
  const start = trace.indexOf('[');
  const end = trace.lastIndexOf(']');
  if (start < 0 || end < start) throw new OrtSessionError('The onnxruntime profile holds no JSON array; create the session with { profile: true }.');
  const events = JSON.parse(trace.slice(start, end + 1)) as Array<{ cat: string; name: string; ts: number; dur: number; args?: { op_name?: string } }>;
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const last = runs.at(-1);
  if (!last) throw new OrtSessionError('The onnxruntime profile has no model_run event; run the session before ending profiling.');
  const byOp = new Map<string, { count: number; us: number }>();
  let kernelUs = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < last.ts || e.ts > last.ts + last.dur) continue;
    const op = e.args?.op_name ?? 'unknown';
    const entry = byOp.get(op) ?? { count: 0, us: 0 };
    entry.count++;
    entry.us += e.dur;
    kernelUs += e.dur;
    byOp.set(op, entry);
  }
  const rows = [...byOp].map(([op, v]) => ({ op, count: v.count, ms: v.us / 1000, share: kernelUs > 0 ? v.us / kernelUs : 0 })).sort((a, b) => b.ms - a.ms);
  return { rows, runMs: last.dur / 1000, kernelMs: kernelUs / 1000 };
}
