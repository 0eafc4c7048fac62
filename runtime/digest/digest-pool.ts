import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script';
import { chunkDigests, type ChunkDigests, type DigestJob } from './sha256-many';

/**
 * The `_row_hash` of a chunk of records — inputs built from their cells and hashed with SHA-256 — on a
 * worker thread, so the thread that reads and validates the file never waits for it; or on the calling
 * thread.
 */
export interface DigestPool {
  digest(job: DigestJob): Promise<ChunkDigests>;
  close(): Promise<void>;
}

export const DIGEST_WORKER = 'digest-worker';

export function createDigestPool(options: { readonly worker: boolean }): DigestPool {
  const script = options.worker ? workerScript(__dirname, DIGEST_WORKER) : undefined;
  if (!script) {
    return {
      digest: async (job) => chunkDigests(job),
      close: async () => undefined,
    };
  }
  const worker = new Worker(script);
  const waiting = new Map<number, { resolve: (d: ChunkDigests) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failed: Error | undefined;
  worker.on('message', (m: { id: number; result: ChunkDigests }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    w?.resolve(m.result);
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
    digest(job) {
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        // The job's arrays are the sender's own copies: handed over, not copied again.
        const transfer = new Set<ArrayBuffer>([job.sourceOf.buffer as ArrayBuffer, job.start.buffer as ArrayBuffer, job.end.buffer as ArrayBuffer, ...job.sources.map((s) => s.buffer as ArrayBuffer)]);
        worker.postMessage({ id, job }, [...transfer]);
      });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
