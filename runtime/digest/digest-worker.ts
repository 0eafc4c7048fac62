import { parentPort } from 'node:worker_threads';
import { rowDigests, type DigestJob } from './sha256-many';

/** The hashing thread: a chunk's cells in, their `_row_hash` digests out. */
parentPort!.on('message', (m: { id: number; job: DigestJob }) => {
  const digests = rowDigests(m.job);
  parentPort!.postMessage({ id: m.id, digests }, [digests.buffer as ArrayBuffer]);
});
