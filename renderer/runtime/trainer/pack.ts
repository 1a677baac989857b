// Named float32 tensors as one byte array (the optimiser state of a checkpoint): a little-endian uint32 header
// length, a JSON header [{ name, dims }], padding to 4 bytes, then each tensor's float32 values in header order.
import type { WeightStore } from '../../core/weights';

const MAGIC = 'model-lab/tensors@1';

export function packTensors(tensors: WeightStore): Uint8Array {
  const entries = [...tensors].map(([name, t]) => ({ name, dims: t.dims }));
  const header = new TextEncoder().encode(JSON.stringify({ format: MAGIC, tensors: entries }));
  const start = Math.ceil((4 + header.length) / 4) * 4;
  const total = [...tensors.values()].reduce((sum, t) => sum + t.data.length, 0);
  const bytes = new Uint8Array(start + total * 4);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  const view = new DataView(bytes.buffer);
  let offset = start;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, offset += 4) view.setFloat32(offset, t.data[i]!, true);
  }
  return bytes;
}

export function unpackTensors(bytes: Uint8Array): WeightStore {
  const fail = (why: string): never => {
    throw new Error(`These bytes are not a packed tensor file: ${why}.`);
  };
  if (bytes.length < 4) fail('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  if (4 + length > bytes.length) fail('the header runs past the end');
  let header: { format?: string; tensors?: Array<{ name: string; dims: number[] }> };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
  } catch {
    return fail('the header is not JSON');
  }
  if (header.format !== MAGIC || !Array.isArray(header.tensors)) fail(`the format is ${JSON.stringify(header.format)}, not ${MAGIC}`);
  const store: WeightStore = new Map();
  let offset = Math.ceil((4 + length) / 4) * 4;
  for (const { name, dims } of header.tensors!) {
    const n = dims.reduce((a, b) => a * b, 1);
    if (offset + n * 4 > bytes.length) fail(`tensor '${name}' runs past the end`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++, offset += 4) data[i] = view.getFloat32(offset, true);
    store.set(name, { dims: [...dims], data });
  }
  return store;
}
