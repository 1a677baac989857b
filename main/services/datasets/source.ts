// What every source reader returns: samples as raw pixels in memory or as image files, with class labels.
import type { DatasetFormat, SkippedFile } from '../../../preload/types/datasets';
import { DatasetError } from './errors';

/** Samples already decoded: `count` samples of `shape` [C, H, W], channel-planar, back to back. */
export interface RawSamples {
  kind: 'raw';
  shape: [number, number, number];
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
}

/** Samples still encoded as image files (PNG, JPEG, WebP), decoded while writing. */
export interface FileSamples {
  kind: 'files';
  paths: string[];
  labels: Int32Array;
  count: number;
}

export type SampleSet = RawSamples | FileSamples;

export interface SourceData {
  format: DatasetFormat;
  classes: string[];
  train: SampleSet;
  /** The source's own test set, where it has one. */
  test?: SampleSet;
  /** Files found unreadable while scanning. */
  skipped: SkippedFile[];
}

export interface ReadOptions {
  classNames?: string[];
  signal?: AbortSignal;
}

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Class names for numeric labels 0..count-1: the caller's, else '0', '1', ... */
export function numericClassNames(count: number, given: string[] | undefined, what: string): string[] {
  if (given === undefined) return Array.from({ length: count }, (_, i) => String(i));
  if (given.length < count) {
    throw new DatasetError('dataset-options', `${what} has labels up to ${count - 1} but only ${given.length} class names were given.`);
  }
  return given.slice(0, count);
}
