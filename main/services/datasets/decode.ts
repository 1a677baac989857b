// Turning source samples into stored samples of the target [C, H, W]: plain JPEGs decoded on decoding threads
// (jpeg.ts), other images with sharp (libvips), then resampled here (resample.ts), or by libvips when large.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import sharp, { type Sharp } from 'sharp';
import type { Preprocessing } from '../../../preload/types/datasets';
import { DatasetError } from './errors';
import { decodableHere, decodeJpeg, readJpegFacts } from './jpeg';
import { lumaInterleaved, lumaPlanar, resizeCover, type PixelLayout } from './resample';
import type { FileSamples, SampleSet } from './source';

/**
 * Decodes in flight: eight per core (at most 64), so that the JPEG decoding threads get batches of several images
 * and keep decoding while this thread resamples finished ones; sharp (libvips) queues what it cannot start, so
 * other images lose nothing by it. Same-run imports on 2 cores, images per CPU-second, 4 in flight against 16:
 * 5,000 small JPEGs 1257, 1171, 1556 against 1429, 1536, 1626; 2,000 small PNGs 464, 495 against 593, 517.
 */
export const defaultConcurrency = (): number => Math.min(64, 8 * availableParallelism());

// Each image is small; parallelism comes from decoding many images at once, not threads within one. Each file is
// read once, so libvips's operation cache would only hold memory and file handles.
sharp.concurrency(1);
sharp.cache(false);

export interface Target {
  shape: [number, number, number];
  preprocessing: Preprocessing;
  /** For image files: see DecodeRoute. */
  route: DecodeRoute;
}

export interface TargetRequest {
  size?: [number, number];
  channels?: 1 | 3;
}

const LARGE_SIDE = 256;
const LARGE_DEFAULT = 224;

/** Whether an image's pixels are grey (R = G = B, give or take JPEG's chroma noise), judged on a small copy. */
async function looksGrey(path: string): Promise<boolean> {
  const { data } = await sharp(imageInput(path)).resize(16, 16, { fit: 'inside' }).flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i + 2 < data.length; i += 3) {
    if (Math.abs(data[i]! - data[i + 1]!) > 3 || Math.abs(data[i + 1]! - data[i + 2]!) > 3) return false;
  }
  return true;
}

/** Reads the headers (cheap) of up to `limit` images spread over the set. */
async function sampleSizes(paths: string[], limit = 256): Promise<{ path: string; width: number; height: number; channels: number }[]> {
  const step = Math.max(1, Math.floor(paths.length / limit));
  const picks: string[] = [];
  for (let i = 0; i < paths.length && picks.length < limit; i += step) picks.push(paths[i]!);
  const found = await Promise.all(
    picks.map(async (path) => {
      try {
        const input = imageInput(path);
        // A JPEG's frame header says as much as sharp's metadata would, without a trip through libvips.
        const jpeg = typeof input === 'string' ? undefined : readJpegFacts(input);
        if (jpeg && jpeg.width > 0 && jpeg.height > 0) return { path, width: jpeg.width, height: jpeg.height, channels: jpeg.components };
        const m = await sharp(input).metadata();
        return m.width && m.height ? { path, width: m.width, height: m.height, channels: m.channels ?? 3 } : undefined;
      } catch {
        // Unreadable files are reported when the import decodes them.
        return undefined;
      }
    }),
  );
  return found.filter((f) => f !== undefined);
}

/**
 * Whether the images are colour: a 1- or 2-channel file is grey; 3-channel files (WebP is always RGB, and many
 * grey JPEGs are saved as RGB) are looked at, up to 32 of them, stopping at the first colour one.
 */
async function anyColour(sizes: { path: string; channels: number }[]): Promise<boolean> {
  const rgb = sizes.filter((s) => s.channels >= 3).slice(0, 32);
  for (const { path } of rgb) if (!(await looksGrey(path).catch(() => true))) return true;
  return false;
}

/** The most common size among sampled images, and how many different sizes there were. */
function mostCommon(sizes: { width: number; height: number }[]): { size: { width: number; height: number }; kinds: number } | undefined {
  const tally = new Map<string, { size: { width: number; height: number }; count: number }>();
  for (const { width, height } of sizes) {
    const entry = tally.get(`${width}x${height}`) ?? { size: { width, height }, count: 0 };
    entry.count += 1;
    tally.set(`${width}x${height}`, entry);
  }
  const best = [...tally.values()].sort((a, b) => b.count - a.count)[0];
  return best && { size: best.size, kinds: tally.size };
}

/** Decides the stored shape and says why in one sentence. */
export async function chooseTarget(sets: SampleSet[], request: TargetRequest): Promise<Target> {
  const first = sets[0]!;
  if (first.kind === 'raw') {
    const [c, h, w] = first.shape;
    const channels = request.channels ?? (c === 1 ? 1 : 3);
    const [height, width] = request.size ?? [h, w];
    const same = channels === c && height === h && width === w;
    const parts: string[] = [];
    if (height !== h || width !== w) parts.push(`resized from ${h}×${w} to ${height}×${width} (scaled to cover, centre-cropped)`);
    if (channels !== c) parts.push(channels === 1 ? 'converted from colour to grey' : 'grey copied to 3 channels');
    return {
      shape: [channels, height, width],
      preprocessing: {
        resize: height !== h || width !== w ? 'cover-centre-crop' : 'none',
        channels,
        description: same ? `Stored as read: ${c}×${h}×${w}.` : `Source samples are ${c}×${h}×${w}; ${parts.join(', ')}, as asked.`,
      },
      route: 'full',
    };
  }
  const paths = sets.flatMap((s) => (s.kind === 'files' ? s.paths : []));
  if (request.size && request.channels) {
    const [height, width] = request.size;
    const shape: [number, number, number] = [request.channels, height, width];
    return {
      shape,
      preprocessing: {
        resize: 'cover-centre-crop',
        channels: request.channels,
        description: `Images resized to cover ${height}×${width} and centre-cropped, stored ${request.channels === 1 ? 'grey' : 'colour'}, as asked.`,
      },
      route: decodeRoute(mostCommon(await sampleSizes(paths, 16))?.size, shape),
    };
  }
  const sizes = await sampleSizes(paths);
  const common = mostCommon(sizes);
  if (!common) {
    throw new DatasetError('dataset-source', `None of the sampled images could be read (e.g. '${paths[0]}'); check that the files are PNG, JPEG or WebP.`);
  }
  const { height: commonH, width: commonW } = common.size;
  const uniform = common.kinds === 1;
  const colour = request.channels === undefined ? await anyColour(sizes) : request.channels === 3;
  const channels = request.channels ?? (colour ? 3 : 1);
  const channelWhy = request.channels ? `${channels === 1 ? 'grey' : 'colour'} as asked` : colour ? 'colour (the images are colour)' : 'grey (all sampled images are grey)';
  let size: [number, number];
  let sizeWhy: string;
  if (request.size) {
    size = request.size;
    sizeWhy = `resized to cover ${size[0]}×${size[1]} and centre-cropped, as asked`;
  } else if (Math.max(commonH, commonW) > LARGE_SIDE) {
    size = [LARGE_DEFAULT, LARGE_DEFAULT];
    sizeWhy = `the most common size, ${commonH}×${commonW}, is large, so they were resized to cover ${LARGE_DEFAULT}×${LARGE_DEFAULT} and centre-cropped (choose another with a size)`;
  } else {
    size = [commonH, commonW];
    sizeWhy = uniform
      ? `all sampled images are ${commonH}×${commonW}, kept at that size`
      : `resized to cover ${commonH}×${commonW} (the most common size) and centre-cropped`;
  }
  const variety = uniform ? `${sizes.length} sampled images share one size` : `images vary in size (${common.kinds} sizes among ${sizes.length} sampled)`;
  const shape: [number, number, number] = [channels, size[0], size[1]];
  return {
    shape,
    preprocessing: { resize: 'cover-centre-crop', channels, description: `${variety}; ${sizeWhy}; stored ${channelWhy}.` },
    route: decodeRoute(common.size, shape),
  };
}

/** HWC (as libvips gives it) into CHW at `out`. */
function hwcToChw(data: Uint8Array, channels: number, plane: number, out: Uint8Array): void {
  if (channels === 1) {
    out.set(data.subarray(0, plane));
    return;
  }
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c]!;
}

/** The libvips route, for images more than twice the target size (JPEG decodes them shrunk on load). */
async function throughLibvips(image: Sharp, shape: [number, number, number]): Promise<Uint8Array> {
  const [channels, height, width] = shape;
  const resized = image.resize(width, height, { fit: 'cover', position: 'centre' }).flatten({ background: '#ffffff' });
  const { data, info } = await (channels === 1 ? resized.grayscale() : resized.toColourspace('srgb')).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || info.width !== width || info.height !== height) {
    throw new Error(`decoded to ${info.channels}×${info.height}×${info.width} instead of ${channels}×${height}×${width}`);
  }
  const out = new Uint8Array(channels * height * width);
  hwcToChw(data, channels, height * width, out);
  return out;
}

/**
 * Pixels of `from` [C, H, W] (channel-planar, or interleaved as decoders give them) to the channel-planar target
 * shape: channel conversion (grey ↔ colour) and scale-to-cover with centre crop, in TypeScript (see resample.ts).
 */
export function convertPlanar(pixels: Uint8Array, from: [number, number, number], to: [number, number, number], layout: PixelLayout = 'planar'): Uint8Array {
  const [c, h, w] = from;
  const [outC, outH, outW] = to;
  let source = pixels;
  let channels = c;
  if (c === 3 && outC === 1) {
    source = layout === 'planar' ? lumaPlanar(pixels, h * w) : lumaInterleaved(pixels, h * w);
    channels = 1;
  }
  const plane = outH * outW;
  const out = new Uint8Array(outC * plane);
  if (h === outH && w === outW && (layout === 'planar' || channels === 1)) out.set(source.subarray(0, channels * plane));
  else resizeCover(source, channels === 1 ? 'planar' : layout, channels, h, w, out, outH, outW);
  for (let ch = channels; ch < outC; ch++) out.copyWithin(ch * plane, 0, plane);
  return out;
}

/** Files up to this size are read here, in one go; larger ones are left to libvips (see imageInput). */
const READ_HERE_BYTES = 1 << 20;

/**
 * What to hand sharp for `path`: the file's bytes when it is small, else the path. Given a path, libvips opens,
 * stats, maps and re-reads the file for header and pixels, which cost more than decoding a small JPEG (measured:
 * ~735 vs ~485 images per CPU-second on 128×96 JPEGs). Reading synchronously keeps it to four system calls and
 * no thread-pool round trips; a 1 MiB read from the page cache blocks the event loop for well under a millisecond.
 */
export function imageInput(path: string): Buffer | string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > READ_HERE_BYTES) return path;
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/**
 * A plain JPEG decoded on a decoding thread (jpeg.ts) and resampled here, or undefined to leave the file to sharp:
 * when it is another kind of image, needs rotating or colour management, or libjpeg-turbo rejects it (sharp then
 * decodes it or says why it cannot).
 */
async function decodeJpegHere(bytes: Uint8Array, shape: [number, number, number]): Promise<Uint8Array | undefined> {
  const facts = readJpegFacts(bytes);
  if (!decodableHere(facts, shape[0])) return undefined;
  // A grey JPEG is decoded grey and its plane copied (convertPlanar), as sharp's grey → sRGB does.
  const channels = facts.components === 1 ? 1 : 3;
  const converted = await decodeJpeg(bytes, channels, ({ pixels, width, height }) => convertPlanar(pixels, [channels, height, width], shape, 'interleaved'));
  return typeof converted === 'string' ? undefined : converted;
}

/** Decodes an image file at full size and resamples it here (no per-image libvips resize: see resample.ts). */
async function decodeFile(input: Buffer | string, shape: [number, number, number]): Promise<Uint8Array> {
  const channels = shape[0];
  const image = sharp(input).autoOrient().flatten({ background: '#ffffff' });
  const { data, info } = await (channels === 1 ? image.grayscale() : image.toColourspace('srgb')).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) throw new Error(`decoded to ${info.channels} channels instead of ${channels}`);
  return convertPlanar(data, [channels, info.height, info.width], shape, 'interleaved');
}

/**
 * How files are decoded: 'full' decodes each at its size and resamples in TypeScript (cheapest for images up to
 * about twice the target); 'shrink' lets libvips resize, which decodes large JPEGs shrunk on load.
 */
export type DecodeRoute = 'full' | 'shrink';

/** Picks the route from the typical (most common) source size. */
export function decodeRoute(typical: { width: number; height: number } | undefined, shape: [number, number, number]): DecodeRoute {
  if (!typical) return 'full';
  return Math.max(shape[2] / typical.width, shape[1] / typical.height) < 0.5 ? 'shrink' : 'full';
}

/** Converts samples of one set to the target shape: copied when nothing changes, decoded and resampled otherwise. */
export class SampleConverter {
  readonly sampleBytes: number;
  /** Set when samples need no decoding (raw pixels: copied, or resampled in place). */
  readonly direct: ((index: number) => Uint8Array) | undefined;

  constructor(
    private readonly set: SampleSet,
    private readonly shape: [number, number, number],
    private readonly route: DecodeRoute = 'full',
  ) {
    this.sampleBytes = shape[0] * shape[1] * shape[2];
    if (set.kind === 'raw') {
      const pixels = set.pixels;
      const from = set.shape;
      const bytes = from[0] * from[1] * from[2];
      this.direct =
        from.join() === shape.join()
          ? (index) => pixels.subarray(index * bytes, (index + 1) * bytes)
          : (index) => convertPlanar(pixels.subarray(index * bytes, (index + 1) * bytes), from, shape);
    }
  }

  /** The stored form of sample `index`; rejects when the file cannot be decoded. */
  async convert(index: number): Promise<Uint8Array> {
    if (this.direct) return this.direct(index);
    const input = imageInput((this.set as FileSamples).paths[index]!);
    // A file over READ_HERE_BYTES holds a large picture (megapixels, if a JPEG) whatever the folder's typical
    // size, so it goes to libvips too: decoding it in full and resampling here would cost 10–20× more.
    if (this.route === 'shrink' || typeof input === 'string') return throughLibvips(sharp(input).autoOrient(), this.shape);
    return (await decodeJpegHere(input, this.shape)) ?? decodeFile(input, this.shape);
  }
}

/**
 * Runs `task(i)` for i in [0, count) with at most `concurrency` in flight, and hands results to `consume` in
 * index order (so the output is the same however the decodes interleave). A task's failure is passed on as a
 * value, never left as an unhandled rejection.
 */
export async function orderedPool<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
  consume: (index: number, result: { ok: true; value: T } | { ok: false; error: unknown }) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<void> {
  const started: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>[] = [];
  const ahead = concurrency * 4;
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = () => (running < concurrency ? (running++, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const launch = (i: number) => {
    started[i] = acquire().then(() =>
      task(i).then(
        (value) => (release(), { ok: true as const, value }),
        (error: unknown) => (release(), { ok: false as const, error }),
      ),
    );
  };
  let launched = 0;
  try {
    for (let i = 0; i < count; i++) {
      while (launched < count && launched < i + ahead && !signal?.aborted) launch(launched++);
      if (signal?.aborted) break;
      const result = await started[i]!;
      delete started[i];
      await consume(i, result);
    }
  } finally {
    // Let every started decode settle before the caller removes files or temp folders.
    await Promise.all(started.filter(Boolean));
  }
}
