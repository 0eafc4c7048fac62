import { parentPort } from 'node:worker_threads';
import type { EncodeJob } from './column-builders';
import { encodeParquet } from './parquet-encoder';

/** The encoder thread: one job at a time, the file's bytes transferred back. */
parentPort!.on('message', (message: { id: number; job: EncodeJob }) => {
  try {
    const bytes = encodeParquet(message.job);
    parentPort!.postMessage({ id: message.id, bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});
