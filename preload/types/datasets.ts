// Datasets on disk: what the renderer, the CLI and the trainer see of the main process's dataset store.

/** Source formats the importer understands. */
export type DatasetFormat = 'idx' | 'folder' | 'cifar' | 'csv';

export type DatasetSplit = 'train' | 'val' | 'test';
export const DATASET_SPLITS: readonly DatasetSplit[] = ['train', 'val', 'test'];

export interface SplitCounts {
  train: number;
  val: number;
  test: number;
}

/** One packed shard: `count` samples of one split, uint8, N×C×H×W, samples `first`..`first+count-1` of that split. */
export interface ShardInfo {
  split: DatasetSplit;
  /** Index of this shard within its split (what datasetShard takes). */
  index: number;
  file: string;
  first: number;
  count: number;
  bytes: number;
}

/** A file the importer could not read; it was skipped, the import went on. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** How source samples were turned into the stored [C, H, W] (the choice is shown to the user). */
export interface Preprocessing {
  /** 'none': samples stored as read; 'cover-centre-crop': scaled to cover H×W, then centre-cropped. */
  resize: 'none' | 'cover-centre-crop';
  channels: 1 | 3;
  /** One sentence saying what was chosen and why, e.g. "Images vary in size; resized and centre-cropped to 64×64 (the most common size)". */
  description: string;
}

export interface DatasetManifest {
  formatVersion: 1;
  name: string;
  /** [C, H, W] of every sample. */
  shape: [number, number, number];
  classes: string[];
  counts: SplitCounts;
  /** Per class, per split. */
  classCounts: { train: number[]; val: number[]; test: number[] };
  /** Samples per shard file (the last shard of a split may hold fewer). */
  samplesPerShard: number;
  shards: ShardInfo[];
  /** Labels of each split, one file per split: little-endian uint16 class indices, in sample order. */
  labelFiles: Record<DatasetSplit, string>;
  labelEncoding: 'uint16le';
  /** sha256 (hex) over shape, classes, then each split's shard bytes and label bytes (train, val, test). */
  contentHash: string;
  source: {
    format: DatasetFormat;
    path: string;
    /** Where the test split came from: the source's own test set, or carved out of its training data. */
    test: 'source' | 'split';
  };
  split: { seed: number; val: number; test: number; stratified: true };
  preprocessing: Preprocessing;
  skipped: SkippedFile[];
  importedAt: string;
  importSeconds: number;
}

/** The short form `data list --json` prints. */
export interface DatasetSummary {
  name: string;
  shape: [number, number, number];
  classes: string[];
  counts: SplitCounts;
}

export interface DatasetImportRequest {
  /** File or folder to import. */
  path: string;
  name: string;
  /** Detected from the path when omitted. */
  format?: DatasetFormat;
  /** Target [H, W]; by default the source's own size (folders: the most common size). */
  size?: [number, number];
  /** By default 1 for grey sources, 3 for colour. */
  channels?: 1 | 3;
  /** Fraction of the training data kept for validation (default 0.1). */
  val?: number;
  /** Fraction carved out for testing when the source has no test set (default 0.1). */
  test?: number;
  /** Seed of the stratified split and of the sample order (default 1). */
  seed?: number;
  /** Class names for sources that have none (IDX, numeric CSV labels). */
  classNames?: string[];
  /** Replace an existing dataset of the same name (refused otherwise). */
  replace?: boolean;
  /** Job id for progress events and datasetImportCancel; one is made up when omitted. */
  job?: string;
}

export interface DatasetImportResult {
  job: string;
  manifest: DatasetManifest;
  seconds: number;
}

export interface ClassBalance {
  className: string;
  train: number;
  val: number;
  test: number;
}

export interface DuplicateGroup {
  /** Where each copy lives: split and index within the split. */
  samples: { split: DatasetSplit; index: number; label: number }[];
  /** True when the copies carry different labels. */
  conflictingLabels: boolean;
}

export interface DatasetHealth {
  name: string;
  counts: SplitCounts;
  balance: ClassBalance[];
  /** Largest class count over smallest, over the training split (1 = perfectly balanced). */
  imbalanceRatio: number;
  /** Classes with no training sample. */
  emptyClasses: string[];
  /** Groups of byte-identical samples (at most 100 groups listed). */
  duplicates: DuplicateGroup[];
  duplicateSamples: number;
  /** Samples of val/test that also occur, byte for byte, in train. */
  leakage: { val: number; test: number };
  skipped: SkippedFile[];
  /** Whether the files on disk still hash to the manifest's contentHash. */
  contentHashMatches: boolean;
}

export type DatasetThumbnailRequest =
  /** A PNG grid: one row per class, `perClass` samples of the split in each row. */
  | { kind: 'grid'; split?: DatasetSplit; perClass?: number; scale?: number }
  /** One sample as a PNG. */
  | { kind: 'sample'; split: DatasetSplit; index: number; scale?: number };
