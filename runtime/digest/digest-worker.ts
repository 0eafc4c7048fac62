import { parentPort } from 'node:worker_threads';
import { chunkDigests, type DigestJob } from './sha256-many';

/** The hashing thread: a chunk's cells in, their `_row_hash` digests and unique-value fingerprints out. */
parentPort!.on('message', (m: { id: number; job: DigestJob }) => {
  const result = chunkDigests(m.job);
  parentPort!.postMessage({ id: m.id, result }, [result.digests.buffer as ArrayBuffer, result.fingerprints.buffer as ArrayBuffer]);
});
