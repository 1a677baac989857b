// The image decode routes against what they replaced: libvips reading the file by path, then the same
// scale-to-cover filter written out pixel by pixel (reference-resize.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageInput, SampleConverter, type DecodeRoute } from '../../../main/services/datasets/decode';
import { tempFolder } from '../../fixtures/datasets/make';
import { referenceCover } from './reference-resize';
import { photoPixels } from './photo-pixels';

let work: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  work = await tempFolder();
});
afterAll(() => work.cleanup());

/** The reference route: decode by path (autoOrient, flatten on white, sRGB or grey), then the filter above. */
async function reference(path: string, [channels, outH, outW]: [number, number, number]): Promise<Uint8Array> {
  const image = sharp(path).autoOrient().flatten({ background: '#ffffff' });
  const { data, info } = await (channels === 1 ? image.grayscale() : image.toColourspace('srgb')).raw().toBuffer({ resolveWithObject: true });
  return referenceCover(data, 'interleaved', channels, info.height, info.width, outH, outW);
}

async function convert(path: string, shape: [number, number, number], route: DecodeRoute = 'full'): Promise<Uint8Array> {
  return new SampleConverter({ kind: 'files', paths: [path], labels: new Int32Array(1), count: 1 }, shape, route).convert(0);
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('decoding image files to stored samples', () => {
  const cases: { name: string; make: (path: string) => Promise<void>; file: string }[] = [
    { name: 'colour JPEG', file: 'colour.jpg', make: async (p) => writeFile(p, await sharp(photoPixels(160, 120, 3, 1), { raw: { width: 160, height: 120, channels: 3 } }).jpeg({ quality: 85 }).toBuffer()) },
    { name: 'grey JPEG', file: 'grey.jpg', make: async (p) => writeFile(p, await sharp(photoPixels(128, 96, 1, 2), { raw: { width: 128, height: 96, channels: 1 } }).jpeg({ quality: 85 }).toBuffer()) },
    {
      name: 'EXIF-rotated JPEG (orientation 6: stored on its side)',
      file: 'rotated.jpg',
      make: async (p) => writeFile(p, await sharp(photoPixels(96, 128, 3, 3), { raw: { width: 96, height: 128, channels: 3 } }).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer()),
    },
    { name: 'PNG with alpha', file: 'alpha.png', make: async (p) => writeFile(p, await sharp(photoPixels(150, 100, 4, 4), { raw: { width: 150, height: 100, channels: 4 } }).png().toBuffer()) },
    {
      name: 'CMYK JPEG',
      file: 'cmyk.jpg',
      make: async (p) => writeFile(p, await sharp(photoPixels(140, 110, 3, 5), { raw: { width: 140, height: 110, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer()),
    },
  ];

  it.each(cases)('gives the same pixels as decoding by path and filtering directly: $name', async ({ file, make }) => {
    const path = join(work.path, file);
    await make(path);
    for (const shape of [[3, 64, 64], [1, 64, 64], [3, 40, 72]] as [number, number, number][]) {
      const ours = await convert(path, shape);
      const theirs = await reference(path, shape);
      expect(maxDifference(ours, theirs), `${file} → ${shape.join('×')}`).toBeLessThanOrEqual(1);
    }
  });

  it('reads the EXIF orientation: a rotated file stores the upright picture', async () => {
    const upright = photoPixels(96, 128, 3, 3);
    const path = join(work.path, 'turned.jpg');
    // The same picture turned 90° anticlockwise, tagged 6 ("rotate 90° clockwise to view").
    await writeFile(path, await sharp(upright, { raw: { width: 96, height: 128, channels: 3 } }).rotate(-90).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
    const straight = join(work.path, 'straight.jpg');
    await writeFile(straight, await sharp(upright, { raw: { width: 96, height: 128, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    let total = 0;
    const a = await convert(path, [3, 64, 48]);
    const b = await convert(straight, [3, 64, 48]);
    for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - b[i]!);
    expect(total / a.length).toBeLessThan(3);
  });

  it('shrinks large images through libvips alike from bytes and from a path', async () => {
    const path = join(work.path, 'large.jpg');
    await writeFile(path, await sharp(photoPixels(800, 600, 3, 6), { raw: { width: 800, height: 600, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
    const ours = await convert(path, [3, 64, 64], 'shrink');
    const { data } = await sharp(path).autoOrient().resize(64, 64, { fit: 'cover', position: 'centre' }).flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const planar = new Uint8Array(data.length);
    for (let p = 0; p < 64 * 64; p++) for (let c = 0; c < 3; c++) planar[c * 64 * 64 + p] = data[p * 3 + c]!;
    expect(maxDifference(ours, planar)).toBe(0);
  });

  it('sends a file too large to read here through libvips, even in a folder of small images', async () => {
    const path = join(work.path, 'huge.jpg');
    await writeFile(path, await sharp(photoPixels(1800, 1400, 3, 7), { raw: { width: 1800, height: 1400, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    expect(typeof imageInput(path)).toBe('string');
    const viaFull = await convert(path, [3, 32, 32], 'full');
    const viaShrink = await convert(path, [3, 32, 32], 'shrink');
    expect(maxDifference(viaFull, viaShrink)).toBe(0);
  });

  it('hands sharp the bytes of small files and the path of large ones', async () => {
    const small = join(work.path, 'small.bin');
    const large = join(work.path, 'large.bin');
    await writeFile(small, Uint8Array.from({ length: 5000 }, (_, i) => i & 255));
    await writeFile(large, new Uint8Array(3 << 20));
    const bytes = imageInput(small);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect((bytes as Buffer).equals(Uint8Array.from({ length: 5000 }, (_, i) => i & 255))).toBe(true);
    expect(imageInput(large)).toBe(large);
  });

  it('rejects a missing or corrupt file with a message naming the problem', async () => {
    await expect(convert(join(work.path, 'absent.jpg'), [3, 8, 8])).rejects.toThrow(/ENOENT.*absent\.jpg/);
    const corrupt = join(work.path, 'corrupt.jpg');
    await writeFile(corrupt, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
    await expect(convert(corrupt, [3, 8, 8])).rejects.toThrow(/.{10}/);
  });
});
