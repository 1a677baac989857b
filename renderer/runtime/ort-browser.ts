// onnxruntime-web in the browser (the app, a worker). The backend is chosen once per window from the WebGPU adapter
// (backend.ts); only the bundle for the chosen EP is loaded:
// - 'onnxruntime-web/webgpu': the native C++ WebGPU EP (not the deprecated JSEP in the default bundle);
// - 'onnxruntime-web/wasm': the plain wasm bundle, 3–7× faster on the CPU than the wasm EP inside the webgpu bundle.
// Each bundle carries its own copy of onnxruntime-common, so their `env` objects are separate.

import { detectBackend, type BackendReport } from './backend';
import { createSession, type ModelSession, type OrtLoader, type OrtModule, type SessionOptions } from './session';

let decision: Promise<BackendReport> | undefined;
const bundles = new Map<string, Promise<OrtModule>>();

export const browserLoader: OrtLoader = {
  environment: 'browser',
  detect: () => (decision ??= detectBackend()),
  load: (ep) => {
    let bundle = bundles.get(ep);
    if (!bundle) {
      bundle = (ep === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')) as Promise<OrtModule>;
      bundles.set(ep, bundle);
    }
    return bundle;
  },
  // wasm threads need SharedArrayBuffer, which a page (or worker) only has when it is cross-origin isolated.
  wasmThreadLimit: () => (globalThis.crossOriginIsolated ? Math.max(1, Math.min(globalThis.navigator?.hardwareConcurrency ?? 1, 4)) : 1),
};

export function createBrowserSession(modelBytes: Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
  return createSession(browserLoader, modelBytes, options);
}
