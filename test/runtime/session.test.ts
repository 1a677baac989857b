import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { attribute, customNode, graph, model, node, valueInfo } from '../../renderer/core/onnx/builder';
import { encodeModel } from '../../renderer/core/onnx/codec';
import { DataType } from '../../renderer/core/onnx/model';
import { chooseBackend } from '../../renderer/runtime/backend';
import { createBrowserSession } from '../../renderer/runtime/ort-browser';
import { createNodeSession, endNodeProfiling, nodeLoader } from '../../renderer/runtime/ort-node';
import { chooseWasmThreads, createSession, MULTI_THREAD_MACS_PER_IMAGE, opProfile, ortSessionOptions, OrtSessionError, type ExecutionProvider, type OrtLoader } from '../../renderer/runtime/session';

const reluModel = () =>
  encodeModel(
    model(
      graph({
        nodes: [node('Relu', ['x'], ['y'], {}, { name: 'relu' })],
        inputs: [valueInfo('x', DataType.FLOAT, ['n'])],
        outputs: [valueInfo('y', DataType.FLOAT, ['n'])],
      }),
    ),
  );

describe('sessions', () => {
  it('runs on wasm in Node with one thread and says why', async () => {
    const session = await createNodeSession(reluModel());
    try {
      expect(session.report).toMatchObject({ ep: 'wasm', environment: 'node', numThreads: 1, cpuFallbackDisabled: true, adapter: null });
      expect(session.report.reason).toMatch(/Node has no WebGPU/);
      const out = await session.runFloat32({ x: { data: new Float32Array([-2, 0.5, 3]), dims: [3] } });
      expect(Array.from(out.y!.data)).toEqual([0, 0.5, 3]);
      expect(session.inputNames).toEqual(['x']);
    } finally {
      await session.release();
    }
  });

  it('chooses wasm threads: every allowed thread for big models, one for small ones, and never past the limit', () => {
    expect(chooseWasmThreads('auto', 417_000, 4)).toBe(1); // LeNet-5
    expect(chooseWasmThreads('auto', 319e6, 2)).toBe(2); // ResNet-18 at 96×96
    expect(chooseWasmThreads('auto', 26e6, 2)).toBe(1); // ResNet-18 at 28×28
    expect(chooseWasmThreads('auto', MULTI_THREAD_MACS_PER_IMAGE, 4)).toBe(4);
    expect(chooseWasmThreads('auto', MULTI_THREAD_MACS_PER_IMAGE - 1, 4)).toBe(1);
    expect(chooseWasmThreads('auto', null, 4)).toBe(1);
    expect(chooseWasmThreads('auto', 1e9, 1)).toBe(1); // a page without cross-origin isolation
    expect(chooseWasmThreads(3, 1e3, 2)).toBe(2);
    expect(chooseWasmThreads(2, 1e3, 4)).toBe(2);
    expect(chooseWasmThreads(0, 1e9, 4)).toBe(1);
    const limit = nodeLoader.wasmThreadLimit!();
    expect(limit).toBe(Math.min(availableParallelism(), 4));
  });

  it('refuses WebGPU in Node and GPU-resident outputs on wasm, with the reason', async () => {
    await expect(createNodeSession(reluModel(), { backend: 'webgpu' })).rejects.toThrow(/webgpu backend is not available in Node/);
    await expect(createNodeSession(reluModel(), { preferredOutputLocation: 'gpu-buffer' })).rejects.toThrow(OrtSessionError);
    await expect(createNodeSession(reluModel(), { preferredOutputLocation: { y: 'gpu-buffer' } })).rejects.toThrow(/only in a WebGPU session/);
  });

  it('turns onnxruntime creation failures into an OrtSessionError naming the EP', async () => {
    const bad = encodeModel(
      model(
        graph({
          nodes: [customNode('NoSuchOp', ['x'], ['y'], { name: 'mystery' })],
          inputs: [valueInfo('x', DataType.FLOAT, [1])],
          outputs: [valueInfo('y', DataType.FLOAT, [1])],
        }),
      ),
    );
    const error = await createNodeSession(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrtSessionError);
    expect((error as Error).message).toMatch(/^onnxruntime-web \(wasm\) could not create a session: .*NoSuchOp/);
  });

  it('onnxruntime rejects a whole float stored as INT, so the builder writes FLOAT', async () => {
    const leaky = (attributes: ReturnType<typeof node>['attributes']) =>
      encodeModel(
        model(
          graph({
            nodes: [{ ...node('LeakyRelu', ['x'], ['y'], {}, { name: 'leaky' }), attributes }],
            inputs: [valueInfo('x', DataType.FLOAT, [2])],
            outputs: [valueInfo('y', DataType.FLOAT, [2])],
          }),
        ),
      );
    await expect(createNodeSession(leaky([attribute('alpha', 'int', 0)]))).rejects.toThrow(/Mismatched attribute type in 'leaky : alpha'. Expected: 'FLOAT', actual: 'INT'/);
    const typed = node('LeakyRelu', ['x'], ['y'], { alpha: 0 }).attributes;
    expect(typed[0]).toMatchObject({ name: 'alpha', type: 'float', value: 0 });
    const session = await createNodeSession(leaky(typed));
    try {
      const out = await session.runFloat32({ x: { data: new Float32Array([-3, 3]), dims: [2] } });
      expect(Array.from(out.y!.data)).toEqual([-0, 3]);
    } finally {
      await session.release();
    }
  });

  it('profiles kernels by op type for the last run, and says when profiling was not asked for', async () => {
    expect(ortSessionOptions('wasm', { profile: true })).toEqual({ executionProviders: ['wasm'], enableProfiling: true });
    const session = await createNodeSession(reluModel(), { profile: true });
    try {
      for (let i = 0; i < 3; i++) await session.runFloat32({ x: { data: new Float32Array(1000).fill(-1), dims: [1000] } });
      const trace = endNodeProfiling(session);
      // Three runs were recorded; the summary counts only the last one's single Relu kernel.
      expect(trace.match(/"name" *: *"model_run"/g)?.length).toBe(3);
      const profile = opProfile(trace);
      expect(profile.rows).toEqual([expect.objectContaining({ op: 'Relu', count: 1, share: 1 })]);
      expect(profile.kernelMs).toBeGreaterThan(0);
      expect(profile.runMs).toBeGreaterThanOrEqual(profile.kernelMs);
    } finally {
      await session.release();
    }
    const plain = await createNodeSession(reluModel());
    try {
      await plain.runFloat32({ x: { data: new Float32Array([1]), dims: [1] } });
      expect(() => endNodeProfiling(plain)).toThrow(/profile: true/);
    } finally {
      await plain.release();
    }
    expect(() => opProfile('no trace here')).toThrow(OrtSessionError);
  });

  it('passes disable_cpu_ep_fallback and gpu-buffer outputs to a WebGPU session', () => {
    expect(ortSessionOptions('webgpu', { disableCpuFallback: true, preferredOutputLocation: 'gpu-buffer', verbose: true })).toEqual({
      executionProviders: ['webgpu'],
      extra: { session: { disable_cpu_ep_fallback: '1' } },
      preferredOutputLocation: 'gpu-buffer',
      logSeverityLevel: 0,
      logVerbosityLevel: 0,
    });
    expect(ortSessionOptions('wasm', { disableCpuFallback: true })).toEqual({ executionProviders: ['wasm'] });
  });

  it("'auto' follows the loader: a software WebGPU adapter means wasm, and the report says so", async () => {
    const loaded: ExecutionProvider[] = [];
    const swiftShader: OrtLoader = {
      environment: 'browser',
      detect: async () =>
        chooseBackend({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)', software: true }),
      load: (ep) => {
        loaded.push(ep);
        return nodeLoader.load('wasm');
      },
    };
    const session = await createSession(swiftShader, reluModel());
    try {
      expect(loaded).toEqual(['wasm']);
      expect(session.report.ep).toBe('wasm');
      expect(session.report.reason).toMatch(/SwiftShader Device \(Subzero\).*software emulation on the CPU, slower than wasm/);
      expect(session.report.adapter?.software).toBe(true);
    } finally {
      await session.release();
    }
    const hardware: OrtLoader = {
      ...swiftShader,
      detect: async () => chooseBackend({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100', software: false }),
    };
    await expect(createSession(hardware, reluModel(), { disableCpuFallback: true })).rejects.toThrow(/onnxruntime-web \(webgpu\) could not create a session/);
    expect(loaded).toEqual(['wasm', 'webgpu']);
  });

  it('the browser loader picks the plain wasm bundle when there is no WebGPU, and it runs', async () => {
    const session = await createBrowserSession(reluModel());
    try {
      expect(session.report).toMatchObject({ ep: 'wasm', environment: 'browser', adapter: null });
      expect(session.report.reason).toMatch(/does not expose WebGPU \(navigator.gpu is missing\)/);
      const out = await session.runFloat32({ x: { data: new Float32Array([-1, 4]), dims: [2] } });
      expect(Array.from(out.y!.data)).toEqual([0, 4]);
    } finally {
      await session.release();
    }
    const forced = await createBrowserSession(reluModel(), { backend: 'webgpu' }).catch((e: unknown) => e);
    expect(forced).toBeInstanceOf(OrtSessionError);
    expect((forced as Error).message).toMatch(/^onnxruntime-web \(webgpu\) could not create a session: no available backend found/);
  });
});
