import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { daysFromCivil } from '../cells/temporal-format';
import { CsvReader, DEFAULT_MAX_RECORD_BYTES, RecordStatus, RecordTooLargeError } from '../csv/csv-reader';
import type { DatasetModule } from '../dataset-module';
import { createDigestPool, type DigestPool } from '../digest/digest-pool';
import { createEncoder, type ParquetEncoder } from '../parquet/encoder-pool';
import type { NewObjectWriter } from '../storage/storage';
import { VALIDATOR_RUNTIME } from '../validator-runtime';
import { Breaker, recentErrors } from './breaker';
import { matchHeader, type HeaderMatch } from './header';
import { deliveryManifest, type RunManifest, type RunOutcome } from './manifest';
import { DEFAULT_OUTPUT_OPTIONS, FileSink, RejectedOutput, SilverOutput, type OutputOptions, type RunConstants } from './outputs';
import { RowRouter } from './row-router';
import { publishedIndex } from './published-index';
import { finishRun, openInput, RejectedFile, startDeliveryRun, type DeliveryInput, type DeliveryRunOptions } from './run-lifecycle';
import type { RunSummary } from './run-summary';

/** What a run reads: a file from outside the lake (copied into bronze), or a delivery already in bronze. */
export type { DeliveryInput };

export interface RunOptions extends DeliveryRunOptions {
  readonly module: DatasetModule;
  /** Publish when complete (false: `--no-publish`, the run is staged). */
  readonly publish: boolean;
  /** Encode Parquet in a worker thread (default) or on the calling thread. */
  readonly encoderThread?: boolean;
  readonly output?: Partial<OutputOptions>;
  /** Bytes of the delivery read so far (for a progress bar). */
  readonly onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  readonly emitMetrics?: (line: string) => void;
  readonly maxRecordBytes?: number;
  /**
   * Exact-duplicate detection (DESIGN.md requires it; on by default). Off only for benchmarks that measure
   * memory without it.
   */
  readonly checkDuplicates?: boolean;
}


/**
 * `lakec run` (and the Lambda): one delivery through the lake, exactly as DESIGN.md's rules say. The file
 * is read once, as a stream: its bytes go to bronze unchanged (and into its SHA-256) while its records are
 * split, validated and routed to silver, quarantine and condemned Parquet; then the manifest, `_SUCCESS`
 * and the publish. Nothing is visible to readers before the publish, whatever happens on the way.
 */
export async function runDelivery(o: RunOptions): Promise<RunSummary> {
  const d = o.module.descriptor;
  const storage = o.storage;
  const { clock, started, keys, fileName, bytes, ingestDate, gzip, bronzeKey, knownSha, checkedAgainst, runId } = await startDeliveryRun(d, o);

  const run: RunConstants = { runId, ingestDate, ingestDay: ingestDayOf(ingestDate), sourceFile: bronzeKey };
  const outputOptions: OutputOptions = { ...DEFAULT_OUTPUT_OPTIONS, ...o.output };
  let encoder: ParquetEncoder | undefined;
  let digests: DigestPool | undefined;
  let bronze: NewObjectWriter | undefined;
  const sha = createHash('sha256');
  let header: string[] | undefined;
  let match: HeaderMatch | undefined;
  let router: RowRouter | undefined;
  let outcome: RunOutcome = 'complete';
  let message: string | undefined;
  let partitions: RunManifest['partitions'] = [];
  let quarantineFiles = { rows: 0, files: [] as string[] };
  let condemnedFiles = { rows: 0, files: [] as string[] };
  let sink: FileSink | undefined;
  let readAll = false;

  try {
    // About one row per 64 bytes of CSV; the sets grow if there are more.
    const index = await publishedIndex(storage, d, checkedAgainst, Math.ceil((gzip ? bytes * 5 : bytes) / 64));
    const breaker = new Breaker(d.quality.circuitBreakerPerHour, d.errorCodes, await recentErrors(storage, keys, started));
    encoder = createEncoder({ worker: o.encoderThread ?? true });
    digests = createDigestPool({ worker: o.encoderThread ?? true });
    sink = new FileSink(storage, encoder, outputOptions.maxFilesInFlight);
    const silver = new SilverOutput(d, keys, run, sink, outputOptions);
    const quarantine = new RejectedOutput('quarantine', d, keys, run, sink, outputOptions);
    const condemned = new RejectedOutput('condemned', d, keys, run, sink, outputOptions);

    const start = (m: HeaderMatch) => {
      match = m;
      if (m.rejection) return;
      const validate = o.module.createValidator(VALIDATOR_RUNTIME, m.layout);
      router = new RowRouter(d, validate, m.layout, m.cellCount, index, breaker, silver, quarantine, condemned, digests!, o.checkDuplicates ?? true);
    };
    // Without a header, cells are read by position from the first record on (an empty file has no rows).
    if (!d.source.header) start(matchHeader(d, undefined));
    const reader = new CsvReader({ delimiter: d.source.delimiter, quote: d.source.quote, maxRecordBytes: o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES }, (r) => {
      if (!match) {
        const h = readHeader(r);
        start(typeof h === 'string' ? { layout: new Int32Array(0), cellCount: 0, missing: [], extra: [], rejection: h } : matchHeader(d, (header = h)));
        if (match!.rejection) reader.stop();
        return;
      }
      if (!router!.route(r, r.recordNumber, 1)) reader.stop();
    });

    if (o.input.kind === 'file') bronze = await storage.createNewStream(bronzeKey);
    const input = await openInput(o.input, storage);
    let read = 0;
    const onRaw = async (chunk: Buffer) => {
      sha.update(chunk);
      read += chunk.length;
      o.onProgress?.(read, bytes);
      if (bronze) await bronze.write(chunk);
    };
    const afterChunk = async () => {
      await router?.endChunk();
      quarantine.afterChunk();
      condemned.afterChunk();
      await silver.afterChunk();
    };
    const decodeError = gzip ? await readGzip(input, onRaw, reader, afterChunk) : await readPlain(input, onRaw, reader, afterChunk);
    readAll = true;
    if (bronze) {
      await bronze.finish();
      bronze = undefined;
    }
    if (decodeError instanceof RecordTooLargeError) throw new RejectedFile(`the file is not readable CSV: ${decodeError.message}`);
    if (decodeError) throw new RejectedFile(`the file is not readable gzip: ${decodeError.message}`);
    if (!match) throw new RejectedFile('the file is empty: it has no header');
    if (match.rejection) throw new RejectedFile(match.rejection);
    await router?.finish();
    if (router?.haltedBy) {
      outcome = 'halted';
      message = router.haltedBy;
    } else {
      partitions = await silver.finish();
      quarantineFiles = await quarantine.finish();
      condemnedFiles = await condemned.finish();
    }
    await sink.finish();
  } catch (err) {
    outcome = err instanceof RejectedFile ? 'rejected' : 'failed';
    message = err instanceof Error ? err.message : String(err);
    if (bronze) {
      await bronze.abort();
      message += '; the delivery was not stored in bronze: run it again';
    }
    await sink?.finish().catch(() => undefined);
  } finally {
    await encoder?.close();
    await digests?.close();
  }

  const counts = outcome !== 'rejected' && router ? router.counts : undefined;
  const manifest = deliveryManifest(d, {
    run_id: runId,
    engine: 'ts',
    outcome,
    ...(message ? { message } : {}),
    started_at: started.toISOString(),
    finished_at: clock().toISOString(),
    delivery: { bronze_key: bronzeKey, sha256: knownSha ?? (readAll ? sha.digest('hex') : ''), bytes, ingest_date: ingestDate, file_name: fileName, gzip },
    ...(header ? { header } : {}),
    drift: { missing_columns: match?.missing ?? [], extra_columns: match?.extra ?? [] },
    counts: counts && router && { rows: { in: counts.in, silver: counts.silver, quarantined: counts.quarantined, condemned: counts.condemned }, errors: router.errorCounts(), condemnedDuplicate: counts.condemnedDuplicate, condemnedMaxAttempts: counts.condemnedMaxAttempts },
    partitions: outcome === 'complete' ? partitions : [],
    quarantine: outcome === 'complete' ? quarantineFiles : { rows: 0, files: [] },
    condemned: outcome === 'complete' ? condemnedFiles : { rows: 0, files: [] },
    files: outcome === 'complete' && sink ? sink.files.map(({ key, rows: n, bytes: b, sha256 }) => ({ key, rows: n, bytes: b, sha256 })).sort((a, b) => (a.key < b.key ? -1 : 1)) : [],
    checked_against: checkedAgainst.map((r) => r.run_id),
  });
  return finishRun({ storage, d, keys, manifest, publish: o.publish, clock, ...(o.emitMetrics ? { emitMetrics: o.emitMetrics } : {}) });
}

/** The header's cells, decoded; or why the header cannot be read. */
function readHeader(r: CsvReader): string[] | string {
  if (r.status === RecordStatus.utf8) return 'the header is not valid UTF-8';
  if (r.status === RecordStatus.quote) return 'the header is badly quoted';
  const rec = r.record;
  const cells: string[] = [];
  for (let k = 0; k < rec.cellCount; k++) cells.push(Buffer.from(rec.text.slice(rec.starts[k], rec.ends[k]), 'latin1').toString('utf8'));
  return cells;
}

function ingestDayOf(date: string): number {
  return daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))!;
}

/** Reads an uncompressed delivery: raw bytes are the CSV. */
async function readPlain(input: Readable, onRaw: (b: Buffer) => Promise<void>, reader: CsvReader, afterChunk: () => Promise<void>): Promise<Error | undefined> {
  let failed: Error | undefined;
  for await (const chunk of input) {
    const b = chunk as Buffer;
    await onRaw(b);
    if (failed) continue;
    failed = pushRecords(reader, b);
    await afterChunk();
  }
  return failed ?? pushRecords(reader, undefined);
}

/**
 * Hands bytes to the CSV reader (undefined: the end). A record too large to read makes the file unreadable;
 * the error is returned, not thrown, so the copy to bronze goes on.
 */
function pushRecords(reader: CsvReader, bytes: Buffer | undefined): Error | undefined {
  try {
    if (bytes) reader.push(bytes);
    else reader.end();
    return undefined;
  } catch (err) {
    if (!(err instanceof RecordTooLargeError)) throw err;
    reader.stop();
    return err;
  }
}

/**
 * Reads a gzip delivery: raw bytes go to bronze and the hash, inflated bytes to the CSV reader. A corrupt
 * stream stops the reading of records but not the copy of the raw bytes; its error is returned.
 */
async function readGzip(input: Readable, onRaw: (b: Buffer) => Promise<void>, reader: CsvReader, afterChunk: () => Promise<void>): Promise<Error | undefined> {
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  let failed: Error | undefined;
  gunzip.on('error', (err) => (failed ??= err));
  const feed = (async () => {
    for await (const chunk of input) {
      await onRaw(chunk as Buffer);
      if (failed) continue;
      if (!gunzip.write(chunk)) await Promise.race([once(gunzip, 'drain'), once(gunzip, 'close')]);
    }
    if (!failed) gunzip.end();
  })();
  let unreadable: Error | undefined;
  try {
    for await (const out of gunzip) {
      if (unreadable) continue;
      unreadable = pushRecords(reader, out as Buffer);
      await afterChunk();
    }
  } catch (err) {
    failed ??= err instanceof Error ? err : new Error(String(err));
  }
  await feed;
  return unreadable ?? failed ?? pushRecords(reader, undefined);
}
