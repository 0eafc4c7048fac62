import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script';
import { sha256Many } from './sha256-many';

/**
 * SHA-256 of many short messages (the `_row_hash` inputs of a chunk of records), on a worker thread so the
 * thread that reads and validates the file never waits for it; or on the calling thread.
 */
export interface DigestPool {
  digest(data: Uint8Array, offsets: Int32Array, count: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export const DIGEST_WORKER = 'digest-worker';

export function createDigestPool(options: { readonly worker: boolean }): DigestPool {
  const script = options.worker ? workerScript(__dirname, DIGEST_WORKER, ['sha256-many.ts']) : undefined;
  if (!script) {
    return {
      digest: async (data, offsets, count) => sha256Many(data, offsets, count),
      close: async () => undefined,
    };
  }
  const worker = new Worker(script);
  const waiting = new Map<number, { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failed: Error | undefined;
  worker.on('message', (m: { id: number; digests: Uint8Array }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    w?.resolve(m.digests);
  });
  const fail = (err: Error) => {
    failed = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (waiting.size) fail(new Error(`the hashing thread exited (code ${code})`));
  });
  return {
    digest(data, offsets, count) {
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, data, offsets, count }, [data.buffer as ArrayBuffer, offsets.buffer as ArrayBuffer]);
      });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
