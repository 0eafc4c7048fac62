import { parentPort } from 'node:worker_threads';
import { sha256Many } from './sha256-many';

/** The hashing thread: a chunk's `_row_hash` inputs in, their SHA-256 digests out. */
parentPort!.on('message', (m: { id: number; data: Uint8Array; offsets: Int32Array; count: number }) => {
  const digests = sha256Many(m.data, m.offsets, m.count);
  parentPort!.postMessage({ id: m.id, digests }, [digests.buffer as ArrayBuffer]);
});
