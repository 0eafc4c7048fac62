import { hash } from 'node:crypto';

/** SHA-256 of each message `data[offsets[i]..offsets[i+1])`: 32 bytes each, in one array. */
export function sha256Many(data: Uint8Array, offsets: Int32Array, count: number): Uint8Array {
  const out = new Uint8Array(count * 32);
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < count; i++) {
    const digest = hash('sha256', buffer.subarray(offsets[i]!, offsets[i + 1]!), 'binary');
    let p = i * 32;
    for (let j = 0; j < 32; j++) out[p++] = digest.charCodeAt(j);
  }
  return out;
}
