// The trainer with a lowered layer graph that has BatchNorm and Dropout: running statistics are fed back step to
// step and read back with the weights, dropout masks come from the seeded stream (same seed, same run), and the
// evaluation model uses the running statistics.
import { describe, expect, it } from 'vitest';
import type { LayerGraph } from '../../../renderer/core/ir';
import { initialiseWeights, lowerInference, lowerTraining } from '../../../renderer/core/lowering/index';
import { nodeLoader } from '../../../renderer/runtime/ort-node';
import { MemoryDataSource } from '../../../renderer/runtime/trainer/data';
import { Trainer, type TrainerOptions } from '../../../renderer/runtime/trainer/trainer';
import { tinySamples } from './tiny';

const graph: LayerGraph = {
  format: 'model-lab/graph',
  version: 1,
  name: 'bn-dropout',
  nodes: [
    { id: 'input', kind: 'Input', attrs: { channels: 1, height: 8, width: 8 }, inputs: [] },
    { id: 'conv', kind: 'Conv2d', attrs: { outChannels: 4, kernel: 3, padding: 1 }, inputs: ['input'] },
    { id: 'bn', kind: 'BatchNorm', attrs: {}, inputs: ['conv'] },
    { id: 'relu', kind: 'ReLU', attrs: {}, inputs: ['bn'] },
    { id: 'flatten', kind: 'Flatten', attrs: {}, inputs: ['relu'] },
    { id: 'drop', kind: 'Dropout', attrs: { p: 0.5 }, inputs: ['flatten'] },
    { id: 'fc', kind: 'Dense', attrs: { outFeatures: 2 }, inputs: ['drop'] },
  ],
} as LayerGraph;

function options(seed: number): TrainerOptions {
  const split = (n: number, s: number) => ({ ...tinySamples(n, s) });
  return {
    program: lowerTraining(graph, { batch: 8 }),
    weights: initialiseWeights(graph, { seed: 1 }),
    optimizer: { kind: 'sgd', momentum: 0.9 },
    schedule: { base: 0.05, schedule: { kind: 'constant' } },
    epochs: 2,
    seed,
    data: new MemoryDataSource({ name: 'tiny', shape: [1, 8, 8], classes: ['bottom', 'top'], splits: { train: split(64, 1), val: split(16, 2), test: split(20, 3) } }),
    inference: (weights) => lowerInference(graph, weights, { batch: 'N' }),
    loader: nodeLoader,
    validateEvery: 0,
  };
}

describe('Trainer with BatchNorm and Dropout (lowered)', () => {
  it('updates running statistics, draws seeded masks, and evaluates with the statistics', async () => {
    const a = new Trainer(options(5));
    const runA = await a.run();
    const weights = await a.weights();
    expect([...weights.keys()].sort()).toEqual(['bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.weight', 'conv.bias', 'conv.weight', 'fc.bias', 'fc.weight']);
    // 16 steps of momentum 0.1 move the statistics away from their initial 0 and 1.
    expect(Array.from(weights.get('bn.running_mean')!.data).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expect(Array.from(weights.get('bn.running_var')!.data).some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
    const test = await a.evaluate('test');
    expect(test.count).toBe(20);
    expect(test.accuracy).toBeGreaterThan(0.8);
    await a.dispose();

    const b = new Trainer(options(5));
    expect((await b.run()).losses).toEqual(runA.losses);
    expect(await b.weights()).toEqual(weights);
    await b.dispose();
    // Another seed changes the data order and the masks.
    const c = new Trainer(options(6));
    expect((await c.run()).losses).not.toEqual(runA.losses);
    await c.dispose();
  });
});
