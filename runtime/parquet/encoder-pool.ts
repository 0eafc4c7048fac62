import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script';
import { transferables, type EncodeJob } from './column-builders';

/** Encodes Parquet files off the main thread, so CSV parsing and validation never wait for compression. */
export interface ParquetEncoder {
  encode(job: EncodeJob): Promise<Uint8Array>;
  /** Jobs sent and not yet done. */
  readonly pending: number;
  close(): Promise<void>;
}

/** The worker's script, beside this module when compiled (dist/, a Lambda bundle). */
export const ENCODER_WORKER = 'parquet-worker';

/**
 * One worker thread (the encoder is the other half of a two-core budget), or the calling thread when
 * `worker` is false or no worker script can be found.
 */
export function createEncoder(options: { readonly worker: boolean }): ParquetEncoder {
  const script = options.worker ? workerScript(__dirname, ENCODER_WORKER) : undefined;
  return script ? new WorkerEncoder(script) : new InlineEncoder();
}

class InlineEncoder implements ParquetEncoder {
  pending = 0;
  async encode(job: EncodeJob): Promise<Uint8Array> {
    this.pending++;
    try {
      await Promise.resolve();
      // Loaded only here: the main thread of a worker-backed run never loads the WebAssembly encoder.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('./parquet-encoder') as typeof import('./parquet-encoder')).encodeParquet(job);
    } finally {
      this.pending--;
    }
  }
  async close(): Promise<void> {}
}

class WorkerEncoder implements ParquetEncoder {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failed: Error | undefined;

  constructor(script: string) {
    this.worker = new Worker(script);
    this.worker.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(`Parquet encoding failed: ${m.error}`));
      else w.resolve(m.bytes!);
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (this.waiting.size) fail(new Error(`the Parquet encoder thread exited (code ${code})`));
    });
  }

  get pending(): number {
    return this.waiting.size;
  }

  encode(job: EncodeJob): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, job }, transferables(job));
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
