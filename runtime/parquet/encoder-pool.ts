import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { transferables, type EncodeJob } from './column-builders';
import { encodeParquet } from './parquet-encoder';

/** Encodes Parquet files off the main thread, so CSV parsing and validation never wait for compression. */
export interface ParquetEncoder {
  encode(job: EncodeJob): Promise<Uint8Array>;
  /** Jobs sent and not yet done. */
  readonly pending: number;
  close(): Promise<void>;
}

/** Where the worker's script is: beside this module when compiled (dist/, a Lambda bundle). */
export const WORKER_FILE = 'parquet-worker.js';

/**
 * One worker thread (the encoder is the other half of a two-core budget), or the calling thread when
 * `worker` is false or no worker script can be found.
 */
export function createEncoder(options: { readonly worker: boolean }): ParquetEncoder {
  const script = options.worker ? workerScript() : undefined;
  return script ? new WorkerEncoder(script) : new InlineEncoder();
}

class InlineEncoder implements ParquetEncoder {
  pending = 0;
  async encode(job: EncodeJob): Promise<Uint8Array> {
    this.pending++;
    try {
      await Promise.resolve();
      return encodeParquet(job);
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

/**
 * The worker script: compiled beside this module, or — when running from TypeScript sources (tests) —
 * bundled once with esbuild into node_modules/.cache/lakec (keyed by the sources' hash, so packages
 * resolve from the project's node_modules).
 */
function workerScript(): string | undefined {
  const compiled = join(__dirname, WORKER_FILE);
  if (existsSync(compiled)) return compiled;
  const source = join(__dirname, 'parquet-worker.ts');
  if (!existsSync(source)) return undefined;
  try {
    const sources = ['parquet-worker.ts', 'parquet-encoder.ts', 'column-builders.ts', '../dataset-module.ts'].map((f) => readFileSync(join(__dirname, f)));
    const key = createHash('sha256').update(Buffer.concat(sources)).digest('hex').slice(0, 16);
    const cacheDir = join(dirname(dirname(__dirname)), 'node_modules', '.cache', 'lakec');
    const out = join(cacheDir, `parquet-worker-${key}.js`);
    if (!existsSync(out)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const esbuild = require('esbuild') as typeof import('esbuild');
      const result = esbuild.buildSync({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, result.outputFiles[0]!.contents);
      renameSync(tmp, out);
    }
    return out;
  } catch {
    return undefined;
  }
}
