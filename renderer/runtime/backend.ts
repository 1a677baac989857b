// Which compute backend the app uses, and why. The decision is made once per window from the WebGPU adapter.

export interface AdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  /** True for CPU implementations of WebGPU (SwiftShader, or an adapter the browser marks as fallback). */
  software: boolean;
}

export interface BackendReport {
  backend: 'webgpu' | 'wasm';
  /** The WebGPU adapter found, if any, even when wasm was chosen. */
  adapter: AdapterReport | null;
  /** One sentence saying why this backend was chosen. */
  reason: string;
}

/** Adapter fields as exposed by GPUAdapter.info; older browsers lacked `info` and `isFallbackAdapter`. */
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

export function describeAdapter(adapter: AdapterLike): AdapterReport {
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const description = info.description || info.device || [vendor, architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  const text = `${vendor} ${architecture} ${description}`.toLowerCase();
  const software =
    adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software|warp/.test(text);
  return { vendor, architecture, description, software };
}

/** Chooses WebGPU for a hardware adapter; wasm otherwise, because a software adapter is slower than wasm. */
export function chooseBackend(adapter: AdapterReport | null, unavailableReason?: string): BackendReport {
  if (adapter === null) {
    return { backend: 'wasm', adapter, reason: unavailableReason ?? 'WebGPU is not available in this browser.' };
  }
  if (adapter.software) {
    return {
      backend: 'wasm',
      adapter,
      reason: `The WebGPU adapter (${adapter.description}) is a software emulation on the CPU, slower than wasm.`,
    };
  }
  return { backend: 'webgpu', adapter, reason: `Hardware WebGPU adapter: ${adapter.description}.` };
}

/** Asks the browser for a WebGPU adapter and decides. Never throws: a failure becomes the wasm reason. */
export async function detectBackend(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<BackendReport> {
  if (!gpu) return chooseBackend(null, 'This browser does not expose WebGPU (navigator.gpu is missing).');
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return chooseBackend(null, 'WebGPU is exposed, but no GPU adapter is available.');
    return chooseBackend(describeAdapter(adapter as unknown as AdapterLike));
  } catch (error) {
    return chooseBackend(null, `Requesting a WebGPU adapter failed: ${(error as Error).message}`);
  }
}
