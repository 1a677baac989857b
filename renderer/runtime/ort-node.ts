// onnxruntime-web in Node (tests, the command line). The package's "node" export condition resolves
// 'onnxruntime-web' to dist/ort.node.min.mjs, a wasm-only build that finds ort-wasm-simd-threaded.{mjs,wasm} next to
// itself (import.meta.url), so no env.wasm.wasmPaths is needed. There is no WebGPU in Node.

import fs from 'node:fs';
import os from 'node:os';
import type { BackendReport } from './backend';
import { createSession, type ModelSession, type OrtLoader, type OrtModule, type SessionOptions } from './session';

let ortPromise: Promise<OrtModule> | undefined;

export const nodeLoader: OrtLoader = {
  environment: 'node',
  detect: async (): Promise<BackendReport> => ({
    backend: 'wasm',
    adapter: null,
    reason: 'Node has no WebGPU; onnxruntime-web runs on wasm.',
  }),
  load: (ep) => {
    if (ep !== 'wasm') return Promise.reject(new Error(`The ${ep} backend is not available in Node; use wasm.`));
    ortPromise ??= import('onnxruntime-web') as Promise<OrtModule>;
    return ortPromise;
  },
  wasmThreadLimit: () => Math.max(1, Math.min(os.availableParallelism(), 4)),
};

export function createNodeSession(modelBytes: Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
  return createSession(nodeLoader, modelBytes, options);
}

/**
 * Ends profiling of a session created with `profile: true` and returns onnxruntime's trace (Chrome trace JSON). Its
 * wasm build prints the trace with fs.writeSync(1, …) in Node, so that one call is captured instead of printed.
 */
export function endNodeProfiling(session: ModelSession): string {
  const chunks: string[] = [];
  const original = fs.writeSync;
  const capture = (fd: number, data: unknown, ...rest: unknown[]): number => {
    if (fd === 1 && typeof data === 'string') {
      chunks.push(data);
      return Buffer.byteLength(data);
    }
    return (original as (...args: unknown[]) => number)(fd, data, ...rest);
  };
  (fs as { writeSync: unknown }).writeSync = capture;
  try {
    session.endProfiling();
  } finally {
    fs.writeSync = original;
  }
  const trace = chunks.join('');
  if (!trace.includes('[')) throw new Error('onnxruntime printed no profile; create the session with { profile: true }.');
  return trace;
}
