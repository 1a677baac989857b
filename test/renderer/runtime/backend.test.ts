import { describe, expect, it } from 'vitest';
import { chooseBackend, describeAdapter, detectBackend } from '../../../renderer/runtime/backend';

describe('compute backend choice', () => {
  it('treats SwiftShader and fallback adapters as software, and chooses wasm for them', () => {
    const swiftshader = describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader', description: '' } });
    expect(swiftshader).toEqual({ vendor: 'google', architecture: 'swiftshader', description: 'google swiftshader', software: true });
    const report = chooseBackend(swiftshader);
    expect(report.backend).toBe('wasm');
    expect(report.reason).toContain('software emulation');
    expect(describeAdapter({ info: { vendor: 'x', description: 'Some GPU' }, isFallbackAdapter: true }).software).toBe(true);
  });

  it('chooses WebGPU for a hardware adapter', () => {
    const nvidia = describeAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' } });
    expect(nvidia.software).toBe(false);
    expect(chooseBackend(nvidia)).toMatchObject({ backend: 'webgpu', reason: 'Hardware WebGPU adapter: NVIDIA H100.' });
  });

  it('explains why when WebGPU is missing or fails', async () => {
    expect((await detectBackend(undefined)).reason).toMatch(/does not expose WebGPU/);
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    expect(await detectBackend(noAdapter)).toMatchObject({ backend: 'wasm', adapter: null, reason: 'WebGPU is exposed, but no GPU adapter is available.' });
    const failing = { requestAdapter: async () => Promise.reject(new Error('device lost')) } as unknown as GPU;
    expect((await detectBackend(failing)).reason).toBe('Requesting a WebGPU adapter failed: device lost');
  });
});
