// Preview images: a PNG grid with one row per class, or one sample as a PNG. Pixels come from the shards.
import sharp from 'sharp';
import { DATASET_SPLITS, type DatasetManifest, type DatasetSplit, type DatasetThumbnailRequest } from '../../../preload/types/datasets';
import { exactBytes } from './disk';
import { DatasetError } from './errors';
import { decodeLabels, readLabels, readManifest, readShard } from './store';

const GAP = 1;

function checkScale(scale: number | undefined): number {
  const value = scale ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > 16) throw new DatasetError('dataset-options', `The thumbnail scale must be a whole number from 1 to 16; got ${JSON.stringify(scale)}.`);
  return value;
}

/** Copies a CHW sample into an HWC canvas at (top, left). */
function paste(canvas: Uint8Array, canvasWidth: number, sample: Uint8Array, shape: [number, number, number], top: number, left: number): void {
  const [c, h, w] = shape;
  const plane = h * w;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = ((top + y) * canvasWidth + left + x) * c;
      for (let ch = 0; ch < c; ch++) canvas[at + ch] = sample[ch * plane + y * w + x]!;
    }
  }
}

async function encode(canvas: Uint8Array, width: number, height: number, channels: number, scale: number): Promise<Uint8Array> {
  let image = sharp(canvas, { raw: { width, height, channels: channels as 1 | 3 } });
  if (scale > 1) image = image.resize(width * scale, height * scale, { kernel: 'nearest' });
  // Without an explicit colourspace libvips writes grey canvases as RGB PNGs.
  const png = await image.toColourspace(channels === 1 ? 'b-w' : 'srgb').png().toBuffer();
  return exactBytes(png);
}

function checkSplit(manifest: DatasetManifest, split: DatasetSplit): void {
  if (!DATASET_SPLITS.includes(split)) throw new DatasetError('dataset-options', `Split ${JSON.stringify(split)} is not one of train, val, test.`);
  if (manifest.counts[split] === 0) throw new DatasetError('dataset-options', `Dataset '${manifest.name}' has no ${split} samples to preview.`);
}

/** PNG bytes of the preview asked for. */
export async function datasetThumbnail(root: string, name: string, request: DatasetThumbnailRequest): Promise<Uint8Array> {
  const manifest = await readManifest(root, name);
  const shape = manifest.shape;
  const [c, h, w] = shape;
  const sampleBytes = c * h * w;
  const scale = checkScale(request.scale);
  if (request.kind === 'sample') {
    checkSplit(manifest, request.split);
    const { index } = request;
    if (!Number.isInteger(index) || index < 0 || index >= manifest.counts[request.split]) {
      throw new DatasetError('dataset-options', `Sample ${JSON.stringify(index)} is outside the ${request.split} split of '${name}' (0 to ${manifest.counts[request.split] - 1}).`);
    }
    const shard = manifest.shards.find((s) => s.split === request.split && index >= s.first && index < s.first + s.count)!;
    const bytes = await readShard(root, name, request.split, shard.index, manifest);
    const at = (index - shard.first) * sampleBytes;
    const canvas = new Uint8Array(sampleBytes);
    paste(canvas, w, bytes.subarray(at, at + sampleBytes), shape, 0, 0);
    return encode(canvas, w, h, c, scale);
  }
  const split = request.split ?? 'train';
  checkSplit(manifest, split);
  const perClass = request.perClass ?? 8;
  if (!Number.isInteger(perClass) || perClass < 1 || perClass > 64) {
    throw new DatasetError('dataset-options', `perClass must be a whole number from 1 to 64; got ${JSON.stringify(request.perClass)}.`);
  }
  const labels = decodeLabels(await readLabels(root, name, split, manifest));
  const rows = manifest.classes.length;
  const width = perClass * (w + GAP) - GAP;
  const height = rows * (h + GAP) - GAP;
  const canvas = new Uint8Array(width * height * c).fill(255);
  const filled = new Array<number>(rows).fill(0);
  let missing = rows * perClass;
  for (const shard of manifest.shards.filter((s) => s.split === split).sort((a, b) => a.index - b.index)) {
    if (missing === 0) break;
    const bytes = await readShard(root, name, split, shard.index, manifest);
    for (let i = 0; i < shard.count && missing > 0; i++) {
      const label = labels[shard.first + i]!;
      if (filled[label]! >= perClass) continue;
      paste(canvas, width, bytes.subarray(i * sampleBytes, (i + 1) * sampleBytes), shape, label * (h + GAP), filled[label]! * (w + GAP));
      filled[label]! += 1;
      missing -= 1;
    }
  }
  return encode(canvas, width, height, c, scale);
}
