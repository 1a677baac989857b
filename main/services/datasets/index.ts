// The dataset service: import, store, stream, inspect. Plain TypeScript over the data folder (no Electron).
export { DatasetError } from './errors';
export { validateDatasetName } from './names';
export { detectFormat, importDataset, ImportJobs, DEFAULT_SHARD_BYTES, type ImportOptions, type ImportProgress } from './importer';
export {
  cleanupStaleTemp,
  decodeLabels,
  deleteDataset,
  listDatasets,
  listManifests,
  readLabels,
  readManifest,
  readShard,
  readSplit,
  renameDataset,
  summarise,
} from './store';
export { datasetHealth } from './health';
export { datasetThumbnail } from './thumbnails';
export { installSampleDataset, sampleDatasetPath, SAMPLE_DATASET_NAME } from './sample';
export { nodeDisk, type Disk } from './disk';
