// The web host's wire format: JSON plus binary attachments, so Uint8Arrays (dataset shards, ONNX weights) cross
// HTTP as raw bytes, never as base64 or number arrays. Layout: u32 JSON length, JSON (UTF-8), then for each
// attachment a u32 length and its bytes. In the JSON an attachment is {"$bytes": index}. Little-endian.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const WIRE_CONTENT_TYPE = 'application/x-model-lab';

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export function encodeWire(value: unknown): Uint8Array {
  const attachments: Uint8Array[] = [];
  const json = JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { $bytes: attachments.push(v) - 1 };
    if (v instanceof ArrayBuffer) return { $bytes: attachments.push(new Uint8Array(v)) - 1 };
    return v;
  });
  const jsonBytes = encoder.encode(json);
  const total = 4 + jsonBytes.length + attachments.reduce((sum, a) => sum + 4 + a.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, jsonBytes.length, true);
  out.set(jsonBytes, 4);
  let offset = 4 + jsonBytes.length;
  for (const attachment of attachments) {
    view.setUint32(offset, attachment.length, true);
    out.set(attachment, offset + 4);
    offset += 4 + attachment.length;
  }
  return out;
}

export function decodeWire(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new WireError(`Message too short (${bytes.length} bytes).`);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > bytes.length) throw new WireError(`Message declares ${jsonLength} bytes of JSON but has ${bytes.length - 4}.`);
  const attachments: Uint8Array[] = [];
  let offset = 4 + jsonLength;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw new WireError('Message ends inside an attachment header.');
    const length = view.getUint32(offset, true);
    if (offset + 4 + length > bytes.length) throw new WireError(`Attachment ${attachments.length} declares ${length} bytes past the end.`);
    attachments.push(bytes.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  let json: string;
  try {
    json = decoder.decode(bytes.subarray(4, 4 + jsonLength));
    return JSON.parse(json, (_key, v: unknown) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && '$bytes' in v) {
        const index = (v as { $bytes: unknown }).$bytes;
        const attachment = typeof index === 'number' ? attachments[index] : undefined;
        if (!attachment) throw new WireError(`Attachment ${String(index)} is missing.`);
        return attachment;
      }
      return v;
    });
  } catch (error) {
    if (error instanceof WireError) throw error;
    throw new WireError(`Message JSON is malformed: ${(error as Error).message}`);
  }
}
