// The dataset calls of the IPC contract, over the dataset service. main/handlers.ts spreads these in.
import { randomUUID } from 'node:crypto';
import type { Handlers, PayloadOf } from '../../../preload/contract';
import { toErrorPayload } from '../../../preload/result';
import type { DatasetImportResult } from '../../../preload/types/datasets';
import { importDataset, ImportJobs, type ImportOptions } from './importer';
import { datasetHealth } from './health';
import { installSampleDataset } from './sample';
import { deleteDataset, listDatasets, readLabels, readManifest, readShard, renameDataset } from './store';
import { datasetThumbnail } from './thumbnails';

export type DatasetCallName =
  | 'datasetList'
  | 'datasetShow'
  | 'datasetImport'
  | 'datasetImportCancel'
  | 'datasetRename'
  | 'datasetDelete'
  | 'datasetHealth'
  | 'datasetShard'
  | 'datasetLabels'
  | 'datasetThumbnail'
  | 'datasetInstallSample';

export interface DatasetHandlerContext {
  root: string;
  progress: (payload: PayloadOf<'progress'>) => void;
  jobs?: ImportJobs;
}

export function datasetHandlers(context: DatasetHandlerContext): Pick<Handlers, DatasetCallName> {
  const jobs = context.jobs ?? new ImportJobs();
  /** Runs an import as a cancellable job, reporting progress and a final done event either way. */
  const runJob = async (job: string, run: (options: ImportOptions) => Promise<DatasetImportResult>): Promise<DatasetImportResult> => {
    const { signal, end } = jobs.start(job);
    try {
      const result = await run({ signal, onProgress: ({ fraction, message }) => context.progress({ job, done: false, fraction, message }) });
      context.progress({ job, done: true, fraction: 1, message: `Imported '${result.manifest.name}'.` });
      return result;
    } catch (error) {
      context.progress({ job, done: true, fraction: 1, message: toErrorPayload(error).message });
      throw error;
    } finally {
      end();
    }
  };
  return {
    datasetList: () => listDatasets(context.root),
    datasetShow: (name) => readManifest(context.root, name),
    datasetImport: (request) => {
      const job = request.job ?? randomUUID();
      return runJob(job, (options) => importDataset(context.root, { ...request, job }, options));
    },
    datasetImportCancel: (job) => jobs.cancel(job),
    datasetRename: (from, to) => renameDataset(context.root, from, to),
    datasetDelete: (name) => deleteDataset(context.root, name),
    datasetHealth: (name) => datasetHealth(context.root, name),
    datasetShard: (name, split, index) => readShard(context.root, name, split, index),
    datasetLabels: (name, split) => readLabels(context.root, name, split),
    datasetThumbnail: (name, request) => datasetThumbnail(context.root, name, request),
    datasetInstallSample: (job) => {
      const id = job ?? randomUUID();
      return runJob(id, (options) => installSampleDataset(context.root, { ...options, job: id }));
    },
  };
}
