// Fresh weights as the literature draws them, reproducibly from a seed.
import { describe, expect, it } from 'vitest';
import { zooModel } from '../../../models/index';
import type { LayerGraph } from '../../../renderer/core/ir';
import { initialiseWeights } from '../../../renderer/core/lowering/index';

const std = (values: Float32Array) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
};
const maxAbs = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('weight initialisation', () => {
  const graph: LayerGraph = {
    format: 'model-lab/graph',
    version: 1,
    name: 'mixed',
    nodes: [
      { id: 'in', kind: 'Input', attrs: { channels: 16, height: 8, width: 8 }, inputs: [] },
      { id: 'conv_relu', kind: 'Conv2d', attrs: { outChannels: 64, kernel: 3, padding: 1 }, inputs: ['in'] },
      { id: 'bn', kind: 'BatchNorm', attrs: {}, inputs: ['conv_relu'] },
      { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['bn'] },
      { id: 'conv_tanh', kind: 'Conv2d', attrs: { outChannels: 64, kernel: 3, padding: 1 }, inputs: ['relu'] },
      { id: 'tanh', kind: 'Tanh', attrs: {}, inputs: ['conv_tanh'] },
      { id: 'flat', kind: 'Flatten', attrs: {}, inputs: ['tanh'] },
      { id: 'fc', kind: 'Dense', attrs: { outFeatures: 10 }, inputs: ['flat'] },
    ],
  };

  it('draws Kaiming normal before a ReLU (through BatchNorm) and Xavier uniform otherwise; biases 0; BatchNorm γ 1, β 0, statistics 0 and 1', () => {
    const w = initialiseWeights(graph, { seed: 11 });
    const fanIn = 16 * 9;
    expect(std(w.get('conv_relu.weight')!.data)).toBeCloseTo(Math.sqrt(2 / fanIn), 2);
    const bound = Math.sqrt(6 / (64 * 9 + 64 * 9));
    expect(maxAbs(w.get('conv_tanh.weight')!.data)).toBeLessThanOrEqual(bound);
    expect(maxAbs(w.get('conv_tanh.weight')!.data)).toBeGreaterThan(bound * 0.98);
    expect(std(w.get('conv_tanh.weight')!.data)).toBeCloseTo(bound / Math.sqrt(3), 2);
    expect(maxAbs(w.get('conv_relu.bias')!.data)).toBe(0);
    expect(Array.from(w.get('bn.weight')!.data).every((v) => v === 1)).toBe(true);
    expect(Array.from(w.get('bn.bias')!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(w.get('bn.running_mean')!.data).every((v) => v === 0)).toBe(true);
    expect(Array.from(w.get('bn.running_var')!.data).every((v) => v === 1)).toBe(true);
  });

  it('is reproducible from the seed, and differs between seeds', () => {
    const a = initialiseWeights(graph, { seed: 1 }).get('fc.weight')!.data;
    expect(initialiseWeights(graph, { seed: 1 }).get('fc.weight')!.data).toEqual(a);
    expect(initialiseWeights(graph, { seed: 2 }).get('fc.weight')!.data).not.toEqual(a);
  });

  it("follows the AlexNet paper for alexnet-paper: N(0, 0.01) weights, bias 1 in conv2, conv4, conv5 and the hidden dense layers", () => {
    const paper = zooModel('alexnet-paper')!.build({ classes: 10 });
    expect(paper.initialisation).toBe('alexnet-paper');
    const w = initialiseWeights(paper, { seed: 3 });
    const biasOf = (layer: string) => Array.from(w.get(`${layer}.bias`)!.data);
    const convs = [...w.keys()].filter((k) => k.endsWith('.bias') && w.get(k)!.dims.length === 1).map((k) => k.slice(0, -5));
    const allOnes = (layer: string) => biasOf(layer).every((v) => v === 1);
    const allZeros = (layer: string) => biasOf(layer).every((v) => v === 0);
    const [conv1, conv2, conv3, conv4, conv5, fc6, fc7, fc8] = convs;
    expect([conv1, conv3, fc8].every((l) => allZeros(l!))).toBe(true);
    expect([conv2, conv4, conv5, fc6, fc7].every((l) => allOnes(l!))).toBe(true);
    expect(std(w.get(`${conv3}.weight`)!.data)).toBeCloseTo(0.01, 3);
  });
});
