// The sample dataset shipped with the app (a subset of Fashion-MNIST), so a first run works offline.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetImportResult } from '../../../preload/types/datasets';
import { DatasetError } from './errors';
import { importDataset, type ImportOptions } from './importer';
import { FASHION_MNIST_CLASSES } from './source';
import { exists, datasetDir, readManifest } from './store';

export const SAMPLE_DATASET_NAME = 'fashion-mnist-sample';
const SAMPLE_FOLDER = join('samples', 'fashion-mnist-sample');

/** Where the sample's IDX files are: beside the sources in development, in the app's resources when packaged. */
export function sampleDatasetPath(): string {
  const candidates = [
    fileURLToPath(new URL(`../../assets/${SAMPLE_FOLDER.replace(/\\/g, '/')}`, import.meta.url)),
    resolve('main', 'assets', SAMPLE_FOLDER),
  ];
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) candidates.push(join(resources, 'assets', SAMPLE_FOLDER), join(resources, SAMPLE_FOLDER));
  const found = candidates.find((path) => existsSync(join(path, 'train-images-idx3-ubyte.gz')));
  if (!found) throw new DatasetError('dataset-source', `The sample dataset is missing from this installation (looked in ${candidates.map((c) => `'${c}'`).join(', ')}); reinstall Model Lab.`);
  return found;
}

/** Imports the sample as 'fashion-mnist-sample'; when it is already there, returns it unchanged. */
export async function installSampleDataset(root: string, options: ImportOptions & { job?: string } = {}): Promise<DatasetImportResult> {
  if (await exists(datasetDir(root, SAMPLE_DATASET_NAME))) {
    return { job: options.job ?? 'installed', manifest: await readManifest(root, SAMPLE_DATASET_NAME), seconds: 0 };
  }
  return importDataset(
    root,
    { path: sampleDatasetPath(), name: SAMPLE_DATASET_NAME, format: 'idx', classNames: FASHION_MNIST_CLASSES, seed: 1, val: 0.1, job: options.job },
    options,
  );
}
