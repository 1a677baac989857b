import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, WireError } from '../../preload/wire';

describe('wire format', () => {
  it('round-trips JSON with binary attachments as raw bytes', () => {
    const shard = new Uint8Array([0, 1, 2, 250, 255]);
    const weights = new Uint8Array(1000).map((_, i) => i % 251);
    const value = { ok: true, value: { name: 'fashion', shard, nested: [weights, { empty: new Uint8Array(0) }] } };
    const bytes = encodeWire(value);
    // Attachments are carried raw: the message is barely larger than the JSON plus the payloads.
    expect(bytes.length).toBeLessThan(200 + shard.length + weights.length);
    const decoded = decodeWire(bytes) as typeof value;
    expect(decoded.value.name).toBe('fashion');
    expect(decoded.value.shard).toEqual(shard);
    expect(decoded.value.nested[0]).toEqual(weights);
    expect((decoded.value.nested[1] as { empty: Uint8Array }).empty).toEqual(new Uint8Array(0));
  });

  it('encodes ArrayBuffers as attachments and undefined as null', () => {
    expect(decodeWire(encodeWire(new Uint8Array([7, 8]).buffer))).toEqual(new Uint8Array([7, 8]));
    expect(decodeWire(encodeWire(undefined))).toBeNull();
  });

  it('rejects truncated and malformed messages with a reason', () => {
    const good = encodeWire({ bytes: new Uint8Array([1, 2, 3]) });
    expect(() => decodeWire(good.subarray(0, 2))).toThrow(/too short/);
    expect(() => decodeWire(good.subarray(0, good.length - 1))).toThrow(/past the end/);
    expect(() => decodeWire(new Uint8Array([3, 0, 0, 0, 0x7b, 0x7b, 0x7b]))).toThrow(WireError);
    expect(() => decodeWire(new Uint8Array([200, 0, 0, 0, 1]))).toThrow(/declares 200 bytes of JSON/);
    const missing = new TextEncoder().encode('{"$bytes":3}');
    const message = new Uint8Array(4 + missing.length);
    new DataView(message.buffer).setUint32(0, missing.length, true);
    message.set(missing, 4);
    expect(() => decodeWire(message)).toThrow(/Attachment 3 is missing/);
  });
});
