// A DataSource over the dataset store's calls, in the shape of the IPC contract (datasetShow, datasetShard,
// datasetLabels). In the app it is `host.api`; in Node (the CLI) a three-line adapter over main/services/datasets.
import type { Api } from '../../../preload/contract';
import type { DatasetManifest, DatasetSplit } from '../../../preload/types/datasets';
import { DATASET_SPLITS } from '../../../preload/types/datasets';
import type { DataDescription, DataSource } from './data';

export type DatasetApi = Pick<Api, 'datasetShow' | 'datasetShard' | 'datasetLabels'>;

/** Little-endian uint16 label bytes, as the store keeps them, to class indices. */
export function decodeLabelBytes(bytes: Uint8Array): Uint16Array {
  const out = new Uint16Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint16(2 * i, true);
  return out;
}

export function describeManifest(manifest: DatasetManifest): DataDescription {
  const shards = Object.fromEntries(
    DATASET_SPLITS.map((split) => [split, manifest.shards.filter((s) => s.split === split).map(({ index, first, count }) => ({ index, first, count }))]),
  ) as DataDescription['shards'];
  return { name: manifest.name, shape: [...manifest.shape], classes: [...manifest.classes], counts: { ...manifest.counts }, shards };
}

export class StoreDataSource implements DataSource {
  private manifest: Promise<DatasetManifest> | undefined;

  constructor(
    private readonly api: DatasetApi,
    readonly name: string,
  ) {}

  async describe(): Promise<DataDescription> {
    this.manifest ??= this.api.datasetShow(this.name);
    return describeManifest(await this.manifest);
  }

  shard(split: DatasetSplit, index: number): Promise<Uint8Array> {
    return this.api.datasetShard(this.name, split, index);
  }

  async labels(split: DatasetSplit): Promise<Uint16Array> {
    return decodeLabelBytes(await this.api.datasetLabels(this.name, split));
  }
}
