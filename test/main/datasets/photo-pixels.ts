// Test images for the dataset decoders: smooth colour gradients plus noise, interleaved, so they compress and decode
// like small photos. The seed picks the noise and shifts the first channel, so different seeds give different images.
export function photoPixels(width: number, height: number, channels: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(width * height * channels);
  let state = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      const noise = (state >>> 24) & 31;
      const values = [(x * 2 + seed + noise) & 255, (y * 2 + 40 + noise) & 255, (x + y + noise) & 255, (x * 3 + y) & 255];
      for (let c = 0; c < channels; c++) pixels[(y * width + x) * channels + c] = values[c]!;
    }
  }
  return pixels;
}
