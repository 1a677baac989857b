// The app's way to train: a worker running the trainer, fed whole shards from the host API by the window.
import type { DatasetApi } from './store-source';
import { StoreDataSource } from './store-source';
import { TrainerClient, type PortLike } from './worker-protocol';

export interface BrowserTrainer {
  client: TrainerClient;
  /** Ends the worker (and the run in it) at once. */
  terminate(): void;
}

/** Starts a trainer worker for a dataset of the store; call client.start(config) to train. */
export function startBrowserTrainer(api: DatasetApi, dataset: string): BrowserTrainer {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'model-lab-trainer' });
  const client = new TrainerClient(worker as unknown as PortLike, new StoreDataSource(api, dataset));
  return {
    client,
    terminate: () => {
      client.close();
      worker.terminate();
    },
  };
}
