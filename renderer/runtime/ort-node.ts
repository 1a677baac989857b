// onnxruntime-web in Node (tests, the command line). The package's "node" export condition resolves
// 'onnxruntime-web' to dist/ort.node.min.mjs, a wasm-only build that finds ort-wasm-simd-threaded.{mjs,wasm} next to
// itself (import.meta.url), so no env.wasm.wasmPaths is needed. There is no WebGPU in Node.

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
};

export function createNodeSession(modelBytes: Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
  return createSession(nodeLoader, modelBytes, options);
}
