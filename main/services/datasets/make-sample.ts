// Regenerates main/assets/samples/fashion-mnist-sample from the full Fashion-MNIST:
//   npx tsx main/services/datasets/make-sample.ts [/usr/share/datasets/fashion-mnist]
// Takes the first 200 training and 50 test images of each class, in file order, as gzipped IDX.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseIdx, readMaybeGzip } from './idx';

const TRAIN_PER_CLASS = 200;
const TEST_PER_CLASS = 50;

function idxBytes(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

async function subset(source: string, prefix: string, perClass: number, outDir: string): Promise<number> {
  const imagesPath = join(source, `${prefix}-images-idx3-ubyte.gz`);
  const labelsPath = join(source, `${prefix}-labels-idx1-ubyte.gz`);
  const images = parseIdx(await readMaybeGzip(imagesPath), imagesPath, 3);
  const labels = parseIdx(await readMaybeGzip(labelsPath), labelsPath, 1);
  const [, h, w] = images.dims as [number, number, number];
  const pick: number[] = [];
  const taken = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.data.length && pick.length < perClass * 10; i++) {
    const label = labels.data[i]!;
    if (taken[label]! < perClass) (taken[label]! += 1), pick.push(i);
  }
  const pixels = new Uint8Array(pick.length * h * w);
  pick.forEach((i, n) => pixels.set(images.data.subarray(i * h * w, (i + 1) * h * w), n * h * w));
  const pickedLabels = Uint8Array.from(pick, (i) => labels.data[i]!);
  // mtime 0 in the gzip header keeps regenerated files byte-identical.
  await writeFile(join(outDir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(idxBytes([pick.length, h, w], pixels), { level: 9 }));
  await writeFile(join(outDir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(idxBytes([pick.length], pickedLabels), { level: 9 }));
  return pick.length;
}

const source = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = fileURLToPath(new URL('../../assets/samples/fashion-mnist-sample', import.meta.url));
await mkdir(outDir, { recursive: true });
const train = await subset(source, 'train', TRAIN_PER_CLASS, outDir);
const test = await subset(source, 't10k', TEST_PER_CLASS, outDir);
console.log(`Wrote ${train} training and ${test} test images to ${outDir}`);
