// The trainer in a Web Worker: the messages between the window and the worker, and both ends over any
// MessagePort-like object (a Worker, the worker's `self`, or a MessageChannel port in Node tests).
// The worker has no host API: it asks the window for whole shards, which come back as transferred ArrayBuffers.
import type { DatasetSplit } from '../../../preload/types/datasets';
import type { LayerGraph } from '../../core/ir';
import { initialiseWeights, lowerInference, lowerTraining } from '../../core/lowering/index';
import type { OptimizerConfig } from '../../core/training/optimizers';
import type { WeightStore } from '../../core/weights';
import type { OrtLoader } from '../session';
import type { DataDescription, DataSource } from './data';
import type { EvalResult, Normalisation } from './evaluate';
import type { ScheduleConfig } from './schedule';
import { Trainer, type TrainerEvent, type TrainingResult } from './trainer';

/** What crosses postMessage: everything structured-cloneable. */
export interface TrainConfig {
  graph: LayerGraph;
  batch: number;
  epochs: number;
  seed: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  labelSmoothing?: number;
  lrMultipliers?: Record<string, number>;
  validateEvery?: number;
  normalisation?: Normalisation;
  /** Start from these weights (fine-tuning, a loaded checkpoint); seeded initialisation otherwise. */
  weights?: WeightStore;
  backend?: 'auto' | 'wasm' | 'webgpu';
}

type DataCall = { method: 'describe' } | { method: 'shard'; split: DatasetSplit; index: number } | { method: 'labels'; split: DatasetSplit };

export type ToWorker =
  | { type: 'start'; config: TrainConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'weights'; id: number }
  | { type: 'optimizer-state'; id: number }
  | { type: 'evaluate'; id: number; split: DatasetSplit }
  | { type: 'data-reply'; id: number; ok: true; value: DataDescription | Uint8Array | Uint16Array }
  | { type: 'data-reply'; id: number; ok: false; message: string };

export type FromWorker =
  | { type: 'event'; event: TrainerEvent }
  | { type: 'data-request'; id: number; call: DataCall }
  | { type: 'done'; result: TrainingResult }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; ok: true; value: WeightStore | EvalResult }
  | { type: 'reply'; id: number; ok: false; message: string };

/** The part of MessagePort / Worker / DedicatedWorkerGlobalScope both ends use. */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

const buffersOf = (store: WeightStore): Transferable[] => [...store.values()].map((t) => t.data.buffer as ArrayBuffer);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Worker side: a DataSource that asks the window. */
class PortDataSource implements DataSource {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly port: PortLike) {}

  /** Settles a request when the window replies. */
  settle(message: Extract<ToWorker, { type: 'data-reply' }>): void {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new Error(message.message));
  }

  private ask<T>(call: DataCall): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.port.postMessage({ type: 'data-request', id, call } satisfies FromWorker);
    });
  }

  describe(): Promise<DataDescription> {
    return this.ask({ method: 'describe' });
  }

  shard(split: DatasetSplit, index: number): Promise<Uint8Array> {
    return this.ask({ method: 'shard', split, index });
  }

  labels(split: DatasetSplit): Promise<Uint16Array> {
    return this.ask({ method: 'labels', split });
  }
}

/** Runs in the worker: `startTrainerWorker(self, browserLoader)`. One training run per worker. */
export function startTrainerWorker(port: PortLike, loader: OrtLoader): void {
  const data = new PortDataSource(port);
  let trainer: Trainer | undefined;
  const post = (message: FromWorker, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  const reply = async (id: number, work: () => Promise<WeightStore | EvalResult>, transfer: (value: WeightStore | EvalResult) => Transferable[]) => {
    try {
      if (!trainer) throw new Error('No training run has been started in this worker.');
      const value = await work();
      post({ type: 'reply', id, ok: true, value }, transfer(value));
    } catch (error) {
      post({ type: 'reply', id, ok: false, message: messageOf(error) });
    }
  };
  port.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as ToWorker;
    switch (message.type) {
      case 'start': {
        if (trainer) {
          post({ type: 'failed', message: 'This worker is already training; start another worker for another run.' });
          return;
        }
        const { config } = message;
        try {
          trainer = new Trainer({
            // Lowered for WebGPU whichever backend runs it: the workarounds are exact, so wasm computes the same.
            program: lowerTraining(config.graph, { batch: config.batch, webgpu: true, ...(config.lrMultipliers ? { lrMultipliers: config.lrMultipliers } : {}) }),
            weights: config.weights ?? initialiseWeights(config.graph, { seed: config.seed }),
            optimizer: config.optimizer,
            ...(config.labelSmoothing !== undefined ? { labelSmoothing: config.labelSmoothing } : {}),
            ...(config.normalisation ? { normalisation: config.normalisation } : {}),
            schedule: config.schedule,
            epochs: config.epochs,
            seed: config.seed,
            data,
            validateEvery: config.validateEvery ?? 1,
            inference: (weights) => lowerInference(config.graph, weights, { batch: 'N', webgpu: true }),
            loader,
            backend: config.backend ?? 'auto',
            onEvent: (event) => post({ type: 'event', event }),
          });
        } catch (error) {
          post({ type: 'failed', message: messageOf(error) });
          return;
        }
        trainer.run().then(
          (result) => post({ type: 'done', result }),
          (error: unknown) => post({ type: 'failed', message: messageOf(error) }),
        );
        return;
      }
      case 'pause':
        trainer?.pause();
        return;
      case 'resume':
        trainer?.resume();
        return;
      case 'stop':
        trainer?.stop();
        return;
      case 'weights':
        void reply(message.id, () => trainer!.weights(), (value) => buffersOf(value as WeightStore));
        return;
      case 'optimizer-state':
        void reply(message.id, () => trainer!.optimizerState(), (value) => buffersOf(value as WeightStore));
        return;
      case 'evaluate':
        void reply(message.id, () => trainer!.evaluate(message.split), () => []);
        return;
      case 'data-reply':
        data.settle(message);
        return;
    }
  });
  port.start?.();
}

/** Window side: drives a trainer worker and serves its data requests from a DataSource (the host API's). */
export class TrainerClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<(event: TrainerEvent) => void>();
  private finished: Promise<TrainingResult> | undefined;
  private settleRun: { resolve: (result: TrainingResult) => void; reject: (error: Error) => void } | undefined;
  private readonly onMessage = (event: MessageEvent) => void this.handle(event.data as FromWorker);

  constructor(
    private readonly port: PortLike,
    private readonly source: DataSource,
  ) {
    port.addEventListener('message', this.onMessage);
    port.start?.();
  }

  on(listener: (event: TrainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the run; resolves when it ends (finished, stopped or diverged), rejects when it fails. */
  start(config: TrainConfig): Promise<TrainingResult> {
    if (this.finished) throw new Error('This trainer client has already started a run.');
    this.finished = new Promise((resolve, reject) => (this.settleRun = { resolve, reject }));
    this.send({ type: 'start', config });
    return this.finished;
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  /** The current weights, copied out of the worker (for checkpoints and export). */
  weights(): Promise<WeightStore> {
    return this.request((id) => ({ type: 'weights', id }));
  }

  /** The optimiser's state (momentum, Adam moments), copied out of the worker (for checkpoints that can resume). */
  optimizerState(): Promise<WeightStore> {
    return this.request((id) => ({ type: 'optimizer-state', id }));
  }

  evaluate(split: DatasetSplit): Promise<EvalResult> {
    return this.request((id) => ({ type: 'evaluate', id, split }));
  }

  /** Stops listening (terminate the Worker separately). */
  close(): void {
    this.port.removeEventListener('message', this.onMessage);
  }

  private send(message: ToWorker, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  private request<T>(make: (id: number) => ToWorker): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.send(make(id));
    });
  }

  private async handle(message: FromWorker): Promise<void> {
    switch (message.type) {
      case 'event':
        for (const listener of this.listeners) listener(message.event);
        return;
      case 'done':
        this.settleRun?.resolve(message.result);
        return;
      case 'failed':
        this.settleRun?.reject(new Error(message.message));
        return;
      case 'reply': {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) waiting?.resolve(message.value as never);
        else waiting?.reject(new Error(message.message));
        return;
      }
      case 'data-request':
        try {
          const { call } = message;
          let value: DataDescription | Uint8Array | Uint16Array;
          const transfer: Transferable[] = [];
          if (call.method === 'describe') value = await this.source.describe();
          else {
            const array = call.method === 'shard' ? await this.source.shard(call.split, call.index) : await this.source.labels(call.split);
            // Transferred, not cloned; a view into a larger buffer (or one the source may keep) is copied first.
            value = array.byteOffset === 0 && array.byteLength === array.buffer.byteLength && call.method === 'shard' ? array : array.slice();
            transfer.push(value.buffer as ArrayBuffer);
          }
          this.send({ type: 'data-reply', id: message.id, ok: true, value }, transfer);
        } catch (error) {
          this.send({ type: 'data-reply', id: message.id, ok: false, message: messageOf(error) });
        }
        return;
    }
  }
}
