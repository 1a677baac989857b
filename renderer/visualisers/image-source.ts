// What the receptive-field unit view draws under its overlay: a plain grid, or one real sample of a dataset in the
// data folder (its PNG from the datasetThumbnail call, stretched to the model's input size).
import { DATASET_SPLITS, type DatasetSplit, type DatasetSummary } from '../../preload/types/datasets';

export type ImageSource = { kind: 'grid' } | { kind: 'dataset'; dataset: string; split: DatasetSplit; index: number };

export const GRID: ImageSource = { kind: 'grid' };

/** The split samples are drawn from: train, else the first split that has any; null for an empty dataset. */
export function sampleSplit(dataset: Pick<DatasetSummary, 'counts'>): DatasetSplit | null {
  return DATASET_SPLITS.find((split) => dataset.counts[split] > 0) ?? null;
}

/** A sample index inside the split (0 … count − 1), whole; NaN and out-of-range values are pulled in. */
export function clampSample(index: number, count: number): number {
  if (count <= 0 || !Number.isFinite(index)) return 0;
  return Math.min(count - 1, Math.max(0, Math.trunc(index)));
}

/** The source for a choice in the picker ('grid' or a dataset's name), keeping the sample index where it fits. */
export function chooseSource(choice: string, datasets: readonly DatasetSummary[], index = 0): ImageSource {
  const dataset = datasets.find((entry) => entry.name === choice);
  const split = dataset ? sampleSplit(dataset) : null;
  if (!dataset || !split) return GRID;
  return { kind: 'dataset', dataset: dataset.name, split, index: clampSample(index, dataset.counts[split]) };
}

const shape = (dims: readonly number[]) => dims.join('×');

/**
 * One sentence on how the sample is drawn: stretched when its size differs from the model's input, and a note when
 * the channels differ (drawn as stored: grey stays grey).
 */
export function sampleNote(dataset: Pick<DatasetSummary, 'name' | 'shape'>, split: DatasetSplit, index: number, input: readonly number[] | null): string {
  const [channels, height, width] = dataset.shape;
  let note = `Sample ${index} of ${dataset.name}'s ${split} split (${shape(dataset.shape)})`;
  if (!input || input.length !== 3) return `${note}.`;
  const [inputChannels, inputHeight, inputWidth] = input as [number, number, number];
  if (height !== inputHeight || width !== inputWidth) note += `, stretched to the model's ${inputHeight}×${inputWidth} input`;
  if (channels !== inputChannels) note += `; the model takes ${inputChannels} channel${inputChannels === 1 ? '' : 's'}, the image is shown ${channels === 1 ? 'in grey' : 'in colour'} as stored`;
  return `${note}.`;
}

/** Why the view stays on the grid when the data folder has no dataset with samples. */
export function noDatasetReason(datasets: readonly DatasetSummary[]): string | null {
  if (datasets.some((dataset) => sampleSplit(dataset) !== null)) return null;
  return datasets.length === 0
    ? 'The data folder has no dataset yet, so the field is drawn on a grid; install the Fashion-MNIST sample to see it on a real image.'
    : 'No dataset in the data folder has any samples, so the field is drawn on a grid.';
}
