// JPEGs decoded on the decoding threads (libjpeg-turbo in WebAssembly) against sharp decoding the same bytes, and
// the header reading that decides which JPEGs may go there at all.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodableHere, decodeJpeg, readJpegFacts, type JpegFacts } from '../../../main/services/datasets/jpeg';
import { photoPixels } from './photo-pixels';

/** A colour photo, or a grey one (stored as a one-component JPEG: sharp would otherwise write three). */
function photo(width: number, height: number, channels: 1 | 3 = 3, seed = 1) {
  const image = sharp(photoPixels(width, height, channels, seed), { raw: { width, height, channels } });
  return channels === 1 ? image.toColourspace('b-w') : image;
}

/** `jpeg` with an EXIF block (APP1) holding only an orientation tag, in either TIFF byte order. */
function withOrientation(jpeg: Uint8Array, orientation: number, littleEndian: boolean): Uint8Array {
  const tiff = new Uint8Array(26);
  const view = new DataView(tiff.buffer);
  tiff.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, 8, littleEndian);
  view.setUint16(8, 1, littleEndian);
  view.setUint16(10, 0x0112, littleEndian);
  view.setUint16(12, 3, littleEndian);
  view.setUint32(14, 1, littleEndian);
  view.setUint16(18, orientation, littleEndian);
  const body = [...Buffer.from('Exif\0\0', 'latin1'), ...tiff];
  const segment = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255, ...body];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...segment, ...jpeg.subarray(2)]);
}

/** Pixels equal, size equal: compared as bytes (an element-by-element toEqual of many images takes seconds). */
function expectSame(ours: { data: Uint8Array; width: number; height: number } | string, theirs: { data: Uint8Array; width: number; height: number }, what = ''): void {
  expect(typeof ours, what).toBe('object');
  const decoded = ours as { data: Uint8Array; width: number; height: number };
  expect([decoded.width, decoded.height], what).toEqual([theirs.width, theirs.height]);
  expect(Buffer.from(decoded.data).equals(theirs.data), what).toBe(true);
}

/** What sharp makes of the same bytes: sRGB (grey copied to three channels) or grey, interleaved. */
async function sharpPixels(bytes: Uint8Array, channels: 1 | 3): Promise<{ data: Uint8Array; width: number; height: number }> {
  const image = sharp(bytes);
  const { data, info } = await (channels === 1 ? image.grayscale() : image.toColourspace('srgb')).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** Decodes on a decoding thread, copying the pixels out (they are reused once `use` returns). */
function decodeCopy(bytes: Uint8Array, channels: 1 | 3) {
  return decodeJpeg(bytes, channels, ({ pixels, width, height }) => ({ data: pixels.slice(), width, height }));
}

const facts = (changes: Partial<JpegFacts>): JpegFacts => ({ width: 128, height: 96, components: 3, precision: 8, frame: 0xc0, orientation: 1, icc: false, ...changes });

describe('reading a JPEG header', () => {
  it('finds the size, components and kind of frame', async () => {
    expect(readJpegFacts(await photo(160, 120).jpeg({ quality: 85 }).toBuffer())).toEqual(facts({ width: 160, height: 120 }));
    expect(readJpegFacts(await photo(50, 70, 1).jpeg().toBuffer())).toEqual(facts({ width: 50, height: 70, components: 1 }));
    expect(readJpegFacts(await photo(64, 48).jpeg({ progressive: true }).toBuffer())).toMatchObject({ width: 64, height: 48, frame: 0xc2 });
    expect(readJpegFacts(await photo(40, 30).toColourspace('cmyk').jpeg().toBuffer())).toMatchObject({ components: 4 });
  });

  it('reads the EXIF orientation as libvips does, in either byte order', async () => {
    const plain = await photo(40, 30).jpeg().toBuffer();
    for (const [orientation, littleEndian] of [[6, true], [3, false], [1, true], [8, false]] as const) {
      const bytes = withOrientation(plain, orientation, littleEndian);
      expect(readJpegFacts(bytes)).toMatchObject({ orientation, icc: false });
      expect((await sharp(bytes).metadata()).orientation).toBe(orientation);
    }
    expect(readJpegFacts(await photo(40, 30).jpeg().withMetadata({ orientation: 6 }).toBuffer())).toMatchObject({ orientation: 6 });
  });

  it('notices an embedded ICC profile', async () => {
    expect(readJpegFacts(await photo(40, 30).jpeg().withIccProfile('p3').toBuffer())).toMatchObject({ icc: true });
    expect(readJpegFacts(await photo(40, 30).jpeg().toBuffer())).toMatchObject({ icc: false });
  });

  it('gives nothing for other formats and for headers cut short', async () => {
    const jpeg = await photo(40, 30).jpeg().toBuffer();
    expect(readJpegFacts(await photo(40, 30).png().toBuffer())).toBeUndefined();
    expect(readJpegFacts(jpeg.subarray(0, 30))).toBeUndefined();
    expect(readJpegFacts(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]))).toBeUndefined();
  });

  it('lets through only JPEGs whose pixels sharp would hand over unchanged', () => {
    expect(decodableHere(facts({}), 3)).toBe(true);
    expect(decodableHere(facts({ frame: 0xc2 }), 3)).toBe(true);
    expect(decodableHere(facts({ components: 1 }), 3)).toBe(true);
    expect(decodableHere(facts({ components: 1 }), 1)).toBe(true);
    expect(decodableHere(undefined, 3)).toBe(false);
    // sharp converts colour to grey in linear light, rotates by EXIF, converts ICC profiles, reads CMYK.
    expect(decodableHere(facts({}), 1)).toBe(false);
    expect(decodableHere(facts({ orientation: 6 }), 3)).toBe(false);
    expect(decodableHere(facts({ orientation: 0 }), 3)).toBe(false);
    expect(decodableHere(facts({ icc: true }), 3)).toBe(false);
    expect(decodableHere(facts({ components: 4 }), 3)).toBe(false);
    expect(decodableHere(facts({ frame: 0xc3 }), 3)).toBe(false);
    expect(decodableHere(facts({ precision: 12 }), 3)).toBe(false);
    expect(decodableHere(facts({ width: 4000, height: 3000 }), 3)).toBe(false);
  });
});

describe('decoding on the decoding threads', () => {
  it.each([
    ['baseline 4:2:0', () => photo(160, 120).jpeg({ quality: 85 }), 3],
    ['baseline 4:4:4', () => photo(128, 96).jpeg({ quality: 90, chromaSubsampling: '4:4:4' }), 3],
    ['progressive', () => photo(97, 61).jpeg({ quality: 80, progressive: true }), 3],
    ['grey, to grey', () => photo(128, 96, 1).jpeg(), 1],
    ['grey, to colour', () => photo(128, 96, 1).jpeg(), 3],
  ] as const)('gives exactly the pixels sharp gives: %s', async (name, make, channels) => {
    const bytes = await make().toBuffer();
    expect(readJpegFacts(bytes)?.components).toBe(name.startsWith('grey') ? 1 : 3);
    expectSame(await decodeCopy(bytes, channels), await sharpPixels(bytes, channels));
  });

  it('pairs each of many concurrent requests with its own picture, whatever the sizes', async () => {
    const sizes = [[160, 120], [128, 96], [33, 200], [300, 20], [8, 8]] as const;
    const files = await Promise.all(Array.from({ length: 60 }, (_, i) => photo(sizes[i % sizes.length]![0], sizes[i % sizes.length]![1], 3, i + 1).jpeg({ quality: 85 }).toBuffer()));
    // Twice over: the second round fills pixel buffers that the first handed back.
    for (let round = 0; round < 2; round++) {
      const ours = await Promise.all(files.map((bytes) => decodeCopy(bytes, 3)));
      const theirs = await Promise.all(files.map((bytes) => sharpPixels(bytes, 3)));
      ours.forEach((decoded, i) => expectSame(decoded, theirs[i]!, `image ${i}, round ${round}`));
    }
  });

  it('says why it cannot decode a corrupt or cut-short JPEG, and decodes the next one right', async () => {
    const good = await photo(128, 96).jpeg({ quality: 85 }).toBuffer();
    const corrupt = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]);
    const cut = good.subarray(0, good.length >> 1);
    const results = await Promise.all([decodeCopy(corrupt, 3), decodeCopy(cut, 3), decodeCopy(good, 3)]);
    expect(results[0]).toMatch(/libjpeg-turbo/);
    expect(results[1]).toMatch(/libjpeg-turbo could not decode/);
    expectSame(results[2]!, await sharpPixels(good, 3));
    // Alone in its batch, after the failures: the thread started a fresh decoder.
    expectSame(await decodeCopy(good, 3), await sharpPixels(good, 3));
  });

  it('passes on what the caller does with the pixels, and its failure', async () => {
    const bytes = await photo(20, 10).jpeg().toBuffer();
    expect(await decodeJpeg(bytes, 3, ({ pixels, width, height }) => [pixels.length, width, height])).toEqual([600, 20, 10]);
    await expect(
      decodeJpeg(bytes, 3, () => {
        throw new Error('used badly');
      }),
    ).rejects.toThrow('used badly');
  });
});
