// The worker protocol over a real MessageChannel (Node's, as the browser's): the worker end trains from shards the
// window end serves; events, pause/stop, weights and evaluation cross the channel; the run equals a direct one.
import { afterEach, describe, expect, it } from 'vitest';
import { initialiseWeights, lowerInference, lowerTraining } from '../../../renderer/core/lowering/index';
import { nodeLoader } from '../../../renderer/runtime/ort-node';
import { MemoryDataSource } from '../../../renderer/runtime/trainer/data';
import { Trainer } from '../../../renderer/runtime/trainer/trainer';
import { startTrainerWorker, TrainerClient, type PortLike, type TrainConfig } from '../../../renderer/runtime/trainer/worker-protocol';
import type { TrainerEvent } from '../../../renderer/runtime/trainer/trainer';
import { smallGraph, tinySamples } from './tiny';

const graph = smallGraph;

const source = () =>
  new MemoryDataSource({
    name: 'tiny',
    shape: [1, 8, 8],
    classes: ['bottom', 'top'],
    splits: { train: { ...tinySamples(80, 1), shardSize: 30 }, val: tinySamples(16, 2), test: tinySamples(20, 3) },
  });

const config: TrainConfig = { graph, batch: 8, epochs: 2, seed: 4, optimizer: { kind: 'sgd', momentum: 0.9 }, schedule: { base: 0.05, schedule: { kind: 'constant' } }, backend: 'wasm' };

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function connect(): TrainerClient {
  const channel = new MessageChannel();
  channels.push(channel);
  startTrainerWorker(channel.port2 as unknown as PortLike, nodeLoader);
  return new TrainerClient(channel.port1 as unknown as PortLike, source());
}

describe('trainer worker protocol', () => {
  it('trains over the channel exactly as the trainer does directly, and returns weights and evaluations', async () => {
    const client = connect();
    const events: TrainerEvent[] = [];
    client.on((e) => events.push(e));
    const result = await client.start(config);
    expect(result.status).toBe('finished');
    expect(result.steps).toBe(20);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(20);
    expect(events.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.validation?.count)).toEqual([16, 16]);
    const weights = await client.weights();
    const test = await client.evaluate('test');
    expect(test.count).toBe(20);

    const direct = new Trainer({
      program: lowerTraining(graph, { batch: 8 }),
      weights: initialiseWeights(graph, { seed: 4 }),
      optimizer: config.optimizer,
      schedule: config.schedule,
      epochs: 2,
      seed: 4,
      data: source(),
      inference: (w) => lowerInference(graph, w, { batch: 'N' }),
      loader: nodeLoader,
      backend: 'wasm',
    });
    const directResult = await direct.run();
    expect(result.losses).toEqual(directResult.losses);
    expect(weights).toEqual(await direct.weights());
    expect((await direct.evaluate('test')).confusion).toEqual(test.confusion);
    await direct.dispose();
  });

  it('pauses, resumes and stops through messages; failures come back as errors', async () => {
    const client = connect();
    const states: string[] = [];
    let resumed = false;
    let stopped = false;
    // Messages reach the worker when its loop yields (at least every 50 ms), so each request waits for the last to act.
    client.on((e) => {
      if (e.type === 'state') states.push(e.state);
      if (e.type === 'step' && e.step === 2) client.pause();
      if (e.type === 'state' && e.state === 'paused') setTimeout(() => ((resumed = true), client.resume()), 30);
      if (e.type === 'step' && resumed && !stopped) {
        stopped = true;
        client.stop();
      }
    });
    const result = await client.start({ ...config, epochs: 10 });
    expect(result.status).toBe('stopped');
    expect(result.steps).toBeGreaterThanOrEqual(3);
    expect(result.steps).toBeLessThan(10 * 10);
    expect(states.slice(states.indexOf('paused'))).toEqual(['paused', 'running', 'stopped']);

    const bad = connect();
    await expect(bad.start({ ...config, batch: 500 })).rejects.toThrow(/batch size 500 is larger than the 80 training samples/);
  });
});
