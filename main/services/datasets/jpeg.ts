// Plain JPEGs decoded with libjpeg-turbo compiled to WebAssembly (the TurboJPEG API of @cwasm/jpeg-turbo) on
// decoding threads, instead of through sharp. For a small JPEG, sharp's per-image cost (a libvips pipeline, a
// thread-pool round trip, buffers handed between threads) is several times the decoding itself: on 128×96 and
// 160×120 JPEGs, ~1.4 ms of CPU per image through sharp against ~0.3 ms here, with identical pixels (both run
// libjpeg's default IDCT and fancy upsampling).
//
// Only JPEGs whose pixels sharp would hand over unchanged come here: 8-bit baseline, extended or progressive
// Huffman, grey or three-component, no EXIF orientation other than 1 and no ICC profile (sharp rotates the former
// and converts the latter to sRGB). Everything else, and any file this decoder rejects, goes to sharp, which
// decodes it or reports why it cannot.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** What the marker segments before the scan say about a JPEG. */
export interface JpegFacts {
  width: number;
  height: number;
  /** 1 (grey), 3 (YCbCr or RGB) or 4 (CMYK, YCCK). */
  components: number;
  /** Bits per sample. */
  precision: number;
  /** The SOF marker's code: 0xc0 baseline, 0xc1 extended, 0xc2 progressive (Huffman); others are rarer kinds. */
  frame: number;
  /** EXIF orientation: 1 when absent, 0 when an EXIF block could not be read. */
  orientation: number;
  /** Whether an ICC profile is embedded (APP2 ICC_PROFILE). */
  icc: boolean;
}

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const startsWith = (b: Uint8Array, at: number, end: number, text: string) =>
  end - at >= text.length && [...text].every((ch, i) => b[at + i] === ch.charCodeAt(0));

/** The orientation tag (0x0112) of IFD0 in the TIFF structure at [tiff, end); 1 when absent, 0 when unreadable. */
function exifOrientation(b: Uint8Array, tiff: number, end: number): number {
  if (end - tiff < 8) return 0;
  const little = b[tiff] === 0x49 && b[tiff + 1] === 0x49;
  if (!little && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return 0;
  const read16 = (at: number) => (little ? b[at]! | (b[at + 1]! << 8) : u16(b, at));
  const read32 = (at: number) => (little ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 2 ** 24 : u16(b, at) * 65536 + u16(b, at + 2));
  if (read16(tiff + 2) !== 42) return 0;
  const ifd = tiff + read32(tiff + 4);
  if (ifd + 2 > end) return 0;
  const count = read16(ifd);
  if (ifd + 2 + 12 * count > end) return 0;
  for (let i = 0, entry = ifd + 2; i < count; i++, entry += 12) {
    if (read16(entry) === 0x0112) return read16(entry + 2) === 3 ? read16(entry + 8) : 0;
  }
  return 1;
}

/** Reads the marker segments of `bytes` up to the first scan; undefined when they are not a JPEG's or are cut short. */
export function readJpegFacts(bytes: Uint8Array): JpegFacts | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let frame: Omit<JpegFacts, 'orientation' | 'icc'> | undefined;
  let orientation = 1;
  let icc = false;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xda) return frame && { ...frame, orientation, icc };
    if (marker === 0xd9 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return undefined;
    const end = at + 2 + u16(bytes, at + 2);
    if (end > bytes.length || end < at + 4) return undefined;
    const body = at + 4;
    if (marker === 0xe1 && startsWith(bytes, body, end, 'Exif\0\0') && orientation === 1) orientation = exifOrientation(bytes, body + 6, end);
    else if (marker === 0xe2 && startsWith(bytes, body, end, 'ICC_PROFILE\0')) icc = true;
    else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (frame || end - body < 6) return undefined;
      frame = { frame: marker, precision: bytes[body]!, height: u16(bytes, body + 1), width: u16(bytes, body + 3), components: bytes[body + 5]! };
    }
    at = end;
  }
  return undefined;
}

/** Larger pictures go to sharp, so a decoding thread's memory stays small (see KEEP_MEMORY_BYTES). */
export const MAX_HERE_PIXELS = 2048 * 2048;

/**
 * Whether `facts` describe a JPEG decoded here to `channels` channels with the pixels sharp would give (sharp's
 * colour → grey conversion works in linear light, so a colour JPEG for a grey dataset goes to sharp).
 */
export function decodableHere(facts: JpegFacts | undefined, channels: number): facts is JpegFacts {
  return (
    facts !== undefined &&
    facts.frame <= 0xc2 &&
    facts.precision === 8 &&
    (facts.components === 1 || (facts.components === 3 && channels === 3)) &&
    facts.orientation === 1 &&
    !facts.icc &&
    facts.width > 0 &&
    facts.height > 0 &&
    facts.width * facts.height <= MAX_HERE_PIXELS
  );
}

/**
 * The decoding thread, as JavaScript source: run with `eval` because a worker file would need an entry of its own
 * in every build (the app's bundle, tsx, vitest), and TypeScript's compilers add helpers to a function's text.
 * It holds one TurboJPEG decompressor in a WebAssembly instance, with input and output buffers reused between
 * images. libjpeg reports a fatal error by longjmp, which this build leaves to its host: the host's longjmp throws
 * out of the instance, whose heap and stack are then left as they were, so the thread starts a fresh instance.
 * WebAssembly memory never shrinks either, so after an unusually large image it starts afresh too.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { wasm, keepMemoryBytes } = workerData;
const TJPF_RGB = 0;
const TJPF_GRAY = 6;
const fail = (what) => () => { throw new Error('libjpeg-turbo called ' + what); };
const imports = {
  env: { setjmp: () => 0, longjmp: fail('longjmp') },
  wasi_snapshot_preview1: { proc_exit: fail('proc_exit'), environ_get: fail('environ_get'), fd_close: fail('fd_close'), fd_seek: fail('fd_seek'), fd_write: fail('fd_write'), environ_sizes_get: () => 0 },
};
let decoder;

function start() {
  const tj = new WebAssembly.Instance(wasm, imports).exports;
  const handle = tj.tjInitDecompress();
  const header = tj.malloc(16);
  if (handle === 0 || header === 0) throw new Error('libjpeg-turbo could not allocate a decompressor');
  return { tj, handle, header, input: { pointer: 0, size: 0 }, output: { pointer: 0, size: 0 } };
}

function reserve(tj, buffer, size) {
  if (buffer.size < size) {
    if (buffer.pointer) tj.free(buffer.pointer);
    buffer.pointer = tj.malloc(size);
    if (buffer.pointer === 0) throw new Error('libjpeg-turbo could not allocate ' + size + ' bytes');
    buffer.size = size;
  }
  return buffer.pointer;
}

function decode(bytes, channels) {
  if (decoder && decoder.tj.memory.buffer.byteLength > keepMemoryBytes) decoder = undefined;
  decoder ??= start();
  const { tj, handle, header } = decoder;
  const source = reserve(tj, decoder.input, bytes.length);
  new Uint8Array(tj.memory.buffer, source, bytes.length).set(bytes);
  if (tj.tjDecompressHeader3(handle, source, bytes.length, header, header + 4, header + 8, header + 12) !== 0) return { error: 'libjpeg-turbo could not read the JPEG header' };
  const [width, height] = new Int32Array(tj.memory.buffer, header, 2);
  const size = width * height * channels;
  const destination = reserve(tj, decoder.output, size);
  // A non-zero status is an error or a warning (such as a file cut short); sharp is as strict by default.
  if (tj.tjDecompress2(handle, source, bytes.length, destination, width, width * channels, height, channels === 1 ? TJPF_GRAY : TJPF_RGB, 0) !== 0) {
    return { error: 'libjpeg-turbo could not decode the JPEG data' };
  }
  const pixels = new Uint8Array(spare(size), 0, size);
  pixels.set(new Uint8Array(tj.memory.buffer, destination, size));
  return { width, height, pixels };
}

// Pixel buffers the main thread has finished with come back for reuse: allocating one per image (and collecting
// them) cost more than the copy into them.
const spares = [];
function spare(size) {
  while (spares.length > 0) {
    const buffer = spares.pop();
    if (buffer.byteLength >= size) return buffer;
  }
  return new ArrayBuffer(Math.ceil(size / 65536) * 65536);
}

// Requests come in batches (one message per batch, not per image, since each message wakes this thread) and
// their results go back the same way, the pixels transferred rather than copied.
parentPort.on('message', ({ batch, returned }) => {
  spares.push(...returned);
  const results = [];
  const transfer = [];
  for (const { bytes, channels } of batch) {
    let result;
    try {
      result = decode(bytes, channels);
    } catch (error) {
      decoder = undefined;
      result = { error: String((error && error.message) || error) };
    }
    results.push(result);
    if (result.pixels) transfer.push(result.pixels.buffer);
  }
  parentPort.postMessage(results, transfer);
});
`;

/** Enough WebAssembly memory for the input and output of a 1,500×1,500 image; past it a thread starts afresh. */
const KEEP_MEMORY_BYTES = 16 << 20;
/** Decoding threads end after this long without work (an import keeps them busy; between imports they go). */
const IDLE_MS = 5000;
/** Pixel buffers kept for reuse: small ones only (a 256×256 colour image fills one), at most 64 (16 MiB). */
const SPARE_BYTES = 256 << 10;
const MAX_SPARES = 64;

export interface DecodedJpeg {
  /** Interleaved 8-bit pixels, `channels` per pixel. */
  pixels: Uint8Array;
  width: number;
  height: number;
}

type Settle = (result: DecodedJpeg | string) => void;

interface Request {
  bytes: Uint8Array;
  channels: 1 | 3;
  settle: Settle;
}

interface Thread {
  worker: Worker;
  /** The requests of each batch sent and not yet answered, oldest first (a thread answers in order). */
  batches: Request[][];
  waiting: number;
}

let compiled: WebAssembly.Module | undefined;

/**
 * Decoding threads, one per core (up to 4). Requests made in one turn of the event loop go out together at its
 * end, split evenly over the threads with the least work waiting, with spare pixel buffers for them to fill.
 */
class DecoderThreads {
  private readonly threads: Thread[] = [];
  private queue: Request[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  /** Pixel buffers used and handed back, to go back to a thread with the next batch. */
  private spares: ArrayBuffer[] = [];

  constructor(private readonly count: number) {}

  async decode<T>(bytes: Uint8Array, channels: 1 | 3, use: (decoded: DecodedJpeg) => T): Promise<T | string> {
    const decoded = await new Promise<DecodedJpeg | string>((settle) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ bytes, channels, settle });
    });
    if (typeof decoded === 'string') return decoded;
    try {
      return use(decoded);
    } finally {
      const buffer = decoded.pixels.buffer as ArrayBuffer;
      if (buffer.byteLength <= SPARE_BYTES && this.spares.length < MAX_SPARES) this.spares.push(buffer);
    }
  }

  private flush(): void {
    clearTimeout(this.idleTimer);
    const queue = this.queue;
    this.queue = [];
    try {
      while (this.threads.length < this.count) this.threads.push(this.spawn());
    } catch (error) {
      // With none, sharp decodes these (and says so if it cannot); with fewer than asked, those that started do.
      if (this.threads.length === 0) {
        for (const request of queue) request.settle(`no JPEG decoding thread could start: ${(error as Error).message}`);
        return;
      }
    }
    const order = [...this.threads].sort((a, b) => a.waiting - b.waiting);
    const share = Math.ceil(queue.length / order.length);
    for (let i = 0; i * share < queue.length; i++) {
      const thread = order[i]!;
      const batch = queue.slice(i * share, (i + 1) * share);
      if (thread.waiting === 0) thread.worker.ref();
      thread.batches.push(batch);
      thread.waiting += batch.length;
      const returned = this.spares.splice(0, batch.length);
      thread.worker.postMessage({ batch: batch.map(({ bytes, channels }) => ({ bytes, channels })), returned }, returned);
    }
  }

  private spawn(): Thread {
    compiled ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm')));
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { wasm: compiled, keepMemoryBytes: KEEP_MEMORY_BYTES } });
    const thread: Thread = { worker, batches: [], waiting: 0 };
    worker.on('message', (results: ({ error: string } | DecodedJpeg)[]) => {
      const batch = thread.batches.shift()!;
      thread.waiting -= batch.length;
      batch.forEach((request, i) => {
        const result = results[i]!;
        request.settle('error' in result ? result.error : result);
      });
      this.settled(thread);
    });
    // A thread that fails or ends before terminate() hands its requests back (sharp then decodes them) and is replaced.
    const lost = (why: string) => {
      const index = this.threads.indexOf(thread);
      if (index < 0) return;
      this.threads.splice(index, 1);
      for (const request of thread.batches.flat()) request.settle(`the JPEG decoding thread ${why}`);
      thread.batches = [];
      thread.waiting = 0;
      this.settled(thread);
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`ended with code ${code}`));
    worker.unref();
    return thread;
  }

  /** Lets the process exit while a thread has nothing to do, and ends all threads once none has had for IDLE_MS. */
  private settled(thread: Thread): void {
    if (thread.waiting > 0) return;
    thread.worker.unref();
    if (this.queue.length > 0 || this.threads.some((t) => t.waiting > 0)) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      for (const t of this.threads.splice(0)) void t.worker.terminate();
      this.spares = [];
    }, IDLE_MS).unref();
  }
}

let threads: DecoderThreads | undefined;

/**
 * Decodes the JPEG `bytes` on a decoding thread to interleaved 8-bit pixels with `channels` channels (a grey JPEG
 * asked for 3 has its grey copied) and resolves to what `use` makes of them; the pixels are reused once `use`
 * returns. Resolves to a sentence saying why instead when the file is not a JPEG that libjpeg-turbo decodes
 * cleanly; rejects only when `use` throws.
 */
export function decodeJpeg<T>(bytes: Uint8Array, channels: 1 | 3, use: (decoded: DecodedJpeg) => T): Promise<T | string> {
  threads ??= new DecoderThreads(Math.max(1, Math.min(4, availableParallelism())));
  return threads.decode(bytes, channels, use);
}
