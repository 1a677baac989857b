// The receptive-field unit view's image: the datasets in the data folder, which one (or the grid) is chosen, and
// the chosen sample as an object URL of its PNG. Logic lives in image-source.ts.
import type { DatasetSummary } from '../../preload/types/datasets';
import { app } from '../app.svelte';
import { chooseSource, clampSample, GRID, noDatasetReason, sampleNote, type ImageSource } from './image-source';

class ReceptiveImageState {
  datasets = $state.raw<DatasetSummary[]>([]);
  /** Whether the dataset list has been read once (until then the picker offers the grid only). */
  listed = $state(false);
  source = $state.raw<ImageSource>(GRID);
  /** An object URL of the chosen sample's PNG; null on the grid or while it loads. */
  url = $state<string | null>(null);
  /** A sentence while something runs (installing the sample), for the view. */
  busy = $state<string | null>(null);
  error = $state<string | null>(null);
  private request = 0;

  get dataset(): DatasetSummary | undefined {
    const source = this.source;
    return source.kind === 'dataset' ? this.datasets.find((entry) => entry.name === source.dataset) : undefined;
  }

  get reason(): string | null {
    return this.listed ? noDatasetReason(this.datasets) : null;
  }

  /** How the sample is drawn, for the model input `input` (C, H, W). */
  note(input: readonly number[] | null): string | null {
    const source = this.source;
    const dataset = this.dataset;
    return source.kind === 'dataset' && dataset ? sampleNote(dataset, source.split, source.index, input) : null;
  }

  async refresh(): Promise<void> {
    try {
      this.datasets = await app.host.api.datasetList();
      this.listed = true;
      this.error = null;
      const source = this.source;
      if (source.kind === 'dataset') this.show(chooseSource(source.dataset, this.datasets, source.index));
    } catch (error) {
      this.error = `The datasets could not be listed: ${(error as Error).message}`;
    }
  }

  /** 'grid' or a dataset's name. */
  choose(choice: string): void {
    this.show(chooseSource(choice, this.datasets, this.source.kind === 'dataset' ? this.source.index : 0));
  }

  setSample(index: number): void {
    const source = this.source;
    const dataset = this.dataset;
    if (source.kind !== 'dataset' || !dataset) return;
    this.show({ ...source, index: clampSample(index, dataset.counts[source.split]) });
  }

  async installSample(): Promise<void> {
    this.busy = 'Installing the Fashion-MNIST sample…';
    try {
      const { manifest } = await app.host.api.datasetInstallSample();
      await this.refresh();
      this.choose(manifest.name);
    } catch (error) {
      this.error = `The sample dataset could not be installed: ${(error as Error).message}`;
    } finally {
      this.busy = null;
    }
  }

  private show(source: ImageSource): void {
    const same = JSON.stringify(source) === JSON.stringify(this.source);
    this.source = source;
    if (!same || (source.kind === 'dataset' && !this.url)) void this.load(source);
  }

  private async load(source: ImageSource): Promise<void> {
    const request = ++this.request;
    if (source.kind === 'grid') {
      this.setUrl(null);
      return;
    }
    try {
      const png = await app.host.api.datasetThumbnail(source.dataset, { kind: 'sample', split: source.split, index: source.index });
      if (request !== this.request) return;
      this.setUrl(URL.createObjectURL(new Blob([png as BlobPart], { type: 'image/png' })));
      this.error = null;
    } catch (error) {
      if (request !== this.request) return;
      this.setUrl(null);
      this.error = `Sample ${source.index} of '${source.dataset}' could not be read: ${(error as Error).message}`;
    }
  }

  private setUrl(url: string | null): void {
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = url;
  }
}

export const receptiveImage = new ReceptiveImageState();
