// The app's checkpoint of a run trained through the worker protocol (a real MessageChannel, as the app's Worker):
// saved through the real checkpoint service, it loads back with the trained weights in its ONNX, the optimiser
// state the worker holds, and the run settings `model-lab train --resume` reads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint, listCheckpoints } from '../../../main/services/checkpoints/index';
import { decodeModel } from '../../../renderer/core/onnx/codec';
import type { WeightStore } from '../../../renderer/core/weights';
import { nodeLoader } from '../../../renderer/runtime/ort-node';
import { MemoryDataSource } from '../../../renderer/runtime/trainer/data';
import { unpackTensors } from '../../../renderer/runtime/trainer/pack';
import type { TrainerEvent } from '../../../renderer/runtime/trainer/trainer';
import { startTrainerWorker, TrainerClient, type PortLike } from '../../../renderer/runtime/trainer/worker-protocol';
import { checkpointRequest } from '../../../renderer/train/checkpoint';
import { DEFAULT_FORM, scheduleConfig, validateForm } from '../../../renderer/train/run-config';
import { smallGraph, tinySamples } from '../../runtime/trainer/tiny';

const channel = new MessageChannel();
let root: string | undefined;
afterAll(async () => {
  channel.port1.close();
  channel.port2.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const weightsOf = (onnx: Uint8Array): WeightStore =>
  new Map(decodeModel(onnx).graph.initializers.filter((t) => !Array.isArray(t.values) && typeof t.values === 'object').map((t) => [t.name, { dims: [...t.dims], data: Float32Array.from(t.values as ArrayLike<number>) }]));

describe('checkpointRequest', () => {
  it('saves a worker-trained run with its weights, optimiser state, settings and metrics, as the CLI does', async () => {
    const source = new MemoryDataSource({ name: 'tiny', shape: [1, 8, 8], classes: ['bottom', 'top'], splits: { train: tinySamples(48, 1), val: tinySamples(16, 2) } });
    startTrainerWorker(channel.port2 as unknown as PortLike, nodeLoader);
    const client = new TrainerClient(channel.port1 as unknown as PortLike, source);
    const settings = validateForm({ ...DEFAULT_FORM, epochs: '2', batch: '8', lr: '0.05', seed: '3', warmupEpochs: '0.5' }).settings!;
    let normalisation: { mean: readonly number[]; std: readonly number[] } | undefined;
    client.on((event: TrainerEvent) => {
      if (event.type === 'ready') normalisation = event.normalisation;
    });
    const graph = { ...smallGraph, classes: ['bottom', 'top'] };
    const result = await client.start({ graph, batch: 8, epochs: 2, seed: 3, optimizer: settings.optimizer, schedule: scheduleConfig(settings, 6), backend: 'wasm' });
    expect(result.status).toBe('finished');
    const weights = await client.weights();
    const optimizerState = await client.optimizerState();
    // SGD with momentum 0.9 keeps one velocity per parameter, non-zero after training.
    expect(optimizerState.size).toBe([...weights.keys()].filter((k) => !k.includes('running')).length);
    expect([...optimizerState.values()].some((t) => t.data.some((v) => v !== 0))).toBe(true);

    const request = checkpointRequest({
      name: 'small-tiny',
      model: 'small',
      graph,
      dataset: { name: 'tiny', contentHash: 'abc123', classes: ['bottom', 'top'] },
      settings,
      normalisation: normalisation!,
      weights,
      optimizerState,
      epoch: result.epochs,
      step: result.steps,
      history: result.history,
    });
    root = await mkdtemp(join(tmpdir(), 'model-lab-train-checkpoint-'));
    await saveCheckpoint(root, request);
    expect((await listCheckpoints(root)).map((c) => c.name)).toEqual(['small-tiny']);
    const loaded = await loadCheckpoint(root, 'small-tiny');

    expect(loaded.graph).toEqual(graph);
    expect(loaded.info.run).toMatchObject({ epoch: 2, step: 12, dataOrder: { seed: 3, position: 0 } });
    // The fields planFromCheckpoint in main/cli/commands/train.ts reads back.
    expect(loaded.info.run.settings).toEqual({
      model: 'small',
      dataset: 'tiny',
      datasetHash: 'abc123',
      epochs: 2,
      batch: 8,
      lr: 0.05,
      optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 0 },
      schedule: { kind: 'constant', warmupEpochs: 0.5 },
      seed: 3,
      normalisation: { mean: [...normalisation!.mean], std: [...normalisation!.std] },
    });
    expect(weightsOf(loaded.weights)).toEqual(weights);
    expect(unpackTensors(loaded.optimizerState)).toEqual(optimizerState);
    const metadata = new Map(decodeModel(loaded.weights).metadataProps);
    expect(JSON.parse(metadata.get('model_lab.classes')!)).toEqual(['bottom', 'top']);
    expect(JSON.parse(metadata.get('model_lab.normalisation')!)).toEqual({ mean: [...normalisation!.mean], std: [...normalisation!.std] });
    const metrics = loaded.metrics as Array<{ epoch: number; trainLoss: number; validation: { count: number } }>;
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(metrics[1]!.trainLoss).toBe(result.history[1]!.trainLoss);
    expect(metrics[1]!.validation.count).toBe(16);
  });
});
