import { isUtf8 } from 'node:buffer';
import { hostname, userInfo } from 'node:os';
import { daysFromCivil } from '../cells/temporal-format';
import { CsvReader, DEFAULT_MAX_RECORD_BYTES, RecordStatus } from '../csv/csv-reader';
import type { CsvRecord, DatasetDescriptor, DatasetModule } from '../dataset-module';
import { createDigestPool, type DigestPool } from '../digest/digest-pool';
import { LakeKeys } from '../lake-keys';
import { createEncoder, type ParquetEncoder } from '../parquet/encoder-pool';
import { readParquetTable } from '../parquet/parquet-reader';
import { runIdCandidates } from '../publish/run-id';
import { liveCondemned, liveQuarantine, readPublished, type PublishedRun } from '../publish/silver-published';
import type { Storage } from '../storage/storage';
import { VALIDATOR_RUNTIME } from '../validator-runtime';
import { Breaker, recentErrors } from './breaker';
import { matchHeader } from './header';
import { MANIFEST_FORMAT, parseManifest, type RunManifest, type RunOutcome } from './manifest';
import { DEFAULT_OUTPUT_OPTIONS, FileSink, RejectedOutput, SilverOutput, type OutputOptions, type RunConstants } from './outputs';
import { publishedIndex } from './published-index';
import { RowRouter, type RecordSource } from './row-router';
import { claimRunId, finishRun } from './run-lifecycle';
import type { RunSummary } from './run-summary';

/** Who approved reprocessing condemned rows, and why (DESIGN.md: needed, and written to an audit log). */
export interface Approval {
  readonly approvedBy: string;
  readonly reason: string;
}

export interface RetryOptions {
  readonly module: DatasetModule;
  readonly storage: Storage;
  /** With an approval, condemned rows are validated again too. */
  readonly approval?: Approval;
  readonly clock?: () => Date;
  readonly encoderThread?: boolean;
  readonly output?: Partial<OutputOptions>;
  readonly emitMetrics?: (line: string) => void;
}

/** `condemned/…/_audit/{RUN}.json`: the record of an approved reprocessing. */
export interface AuditRecord {
  readonly format: 'lakec.condemned-reprocessing/1';
  readonly run_id: string;
  readonly dataset: string;
  readonly approved_by: string;
  readonly reason: string;
  readonly at: string;
  readonly by_user: string;
  readonly host: string;
  readonly delivery: string;
  readonly condemned_runs: readonly string[];
  readonly condemned_rows: number;
}

/**
 * `lakec retry DATASET`: validates the quarantined rows of published runs again with the current contract
 * (after a contract fix, say) — attempt_count + 1, condemned at max_attempts — and, with an approval, the
 * condemned rows too. One retry run per delivery (a run belongs to one delivery, so a later rerun of that
 * delivery replaces its retries as well); each is published at once, retiring the rows it took.
 */
export async function retryDataset(o: RetryOptions): Promise<RunSummary[]> {
  const d = o.module.descriptor;
  const keys = new LakeKeys(d);
  const published = await readPublished(o.storage, keys.published);
  const quarantine = liveQuarantine(published);
  const condemned = o.approval ? liveCondemned(published) : [];
  const byDelivery = new Map<string, { quarantine: PublishedRun[]; condemned: PublishedRun[] }>();
  for (const r of quarantine) group(byDelivery, r).quarantine.push(r);
  for (const r of condemned) group(byDelivery, r).condemned.push(r);
  const out: RunSummary[] = [];
  for (const g of byDelivery.values()) {
    const summary = await retryDelivery(o, d, keys, g.quarantine, g.condemned);
    out.push(summary);
    if (summary.status !== 'published') break;
  }
  return out;
}

function group(m: Map<string, { quarantine: PublishedRun[]; condemned: PublishedRun[] }>, r: PublishedRun) {
  let g = m.get(r.delivery.sha256);
  if (!g) m.set(r.delivery.sha256, (g = { quarantine: [], condemned: [] }));
  return g;
}

/** One quarantined or condemned row read back: its cells (latin1 bytes) or whole record, and its history. */
interface StoredRow {
  readonly cells: (string | null)[];
  readonly raw: string | null;
  readonly error: string;
  readonly attempt: number;
  readonly sourceRecord: number;
}

async function retryDelivery(o: RetryOptions, d: DatasetDescriptor, keys: LakeKeys, fromQuarantine: PublishedRun[], fromCondemned: PublishedRun[]): Promise<RunSummary> {
  const clock = o.clock ?? (() => new Date());
  const storage = o.storage;
  const started = clock();
  const delivery = (fromQuarantine[0] ?? fromCondemned[0])!.delivery;
  const sources = [...new Set([...fromQuarantine, ...fromCondemned].map((r) => r.run_id))].sort();
  const runId = await claimRunId(storage, keys, runIdCandidates(started, 'RETRY'), { dataset: d.key, started_at: started.toISOString(), retry_of: sources, pid: process.pid }, false);
  const run: RunConstants = {
    runId,
    ingestDate: delivery.ingest_date,
    ingestDay: daysFromCivil(Number(delivery.ingest_date.slice(0, 4)), Number(delivery.ingest_date.slice(5, 7)), Number(delivery.ingest_date.slice(8, 10)))!,
    sourceFile: delivery.bronze_key,
  };
  const outputOptions: OutputOptions = { ...DEFAULT_OUTPUT_OPTIONS, ...o.output };
  const current = (await readPublished(storage, keys.published))?.runs ?? [];
  let encoder: ParquetEncoder | undefined;
  let digests: DigestPool | undefined;
  let outcome: RunOutcome = 'complete';
  let message: string | undefined;
  let sink: FileSink | undefined;
  let routers: RowRouter[] = [];
  let partitions: RunManifest['partitions'] = [];
  let quarantineFiles = { rows: 0, files: [] as string[] };
  let condemnedFiles = { rows: 0, files: [] as string[] };
  let header: string[] | undefined;
  try {
    const rows: StoredRow[] = [];
    for (const r of fromQuarantine) rows.push(...(await readStoredRows(storage, d, r.quarantine.files)));
    const condemnedRows = [];
    for (const r of fromCondemned) condemnedRows.push(...(await readStoredRows(storage, d, r.condemned.files)));
    rows.push(...condemnedRows);
    header = await headerOf(storage, keys, sources);

    const index = await publishedIndex(storage, d, current, rows.length);
    const breaker = new Breaker(d.quality.circuitBreakerPerHour, d.errorCodes, await recentErrors(storage, keys, started));
    encoder = createEncoder({ worker: o.encoderThread ?? true });
    digests = createDigestPool({ worker: o.encoderThread ?? true });
    sink = new FileSink(storage, encoder, outputOptions.maxFilesInFlight);
    const silver = new SilverOutput(d, keys, run, sink, outputOptions);
    const quarantineOut = new RejectedOutput('quarantine', d, keys, run, sink, outputOptions);
    const condemnedOut = new RejectedOutput('condemned', d, keys, run, sink, outputOptions);

    // Rows with cells: one record of the contract's columns (the delivery's absent columns stay absent).
    const match = matchHeader(d, header);
    const cellLayout = Int32Array.from(d.columns, (_, i) => (match.layout[i]! < 0 ? -1 : i));
    const cellsRouter = new RowRouter(d, o.module.createValidator(VALIDATOR_RUNTIME, cellLayout), cellLayout, d.columns.length, index, breaker, silver, quarantineOut, condemnedOut, digests);
    // Rows kept whole (badly quoted, wrong cell count, not UTF-8): read again as the delivery's records.
    const rawRouter = new RowRouter(d, o.module.createValidator(VALIDATOR_RUNTIME, match.layout), match.layout, match.cellCount, index, breaker, silver, quarantineOut, condemnedOut, digests);
    routers = [cellsRouter, rawRouter];
    const source = new StoredRecord(d);
    let n = 0;
    for (const row of rows) {
      const router = row.raw === null ? cellsRouter : rawRouter;
      source.load(row, cellLayout);
      if (!router.route(source, row.sourceRecord, row.attempt + 1)) break;
      if (++n % 16384 === 0) {
        await cellsRouter.endChunk();
        await rawRouter.endChunk();
        quarantineOut.afterChunk();
        condemnedOut.afterChunk();
        await silver.afterChunk();
      }
    }
    await cellsRouter.finish();
    await rawRouter.finish();
    const halted = routers.find((r) => r.haltedBy);
    if (halted) {
      outcome = 'halted';
      message = halted.haltedBy;
    } else {
      partitions = await silver.finish();
      quarantineFiles = await quarantineOut.finish();
      condemnedFiles = await condemnedOut.finish();
    }
    await sink.finish();
  } catch (err) {
    outcome = 'failed';
    message = err instanceof Error ? err.message : String(err);
    await sink?.finish().catch(() => undefined);
  } finally {
    await encoder?.close();
    await digests?.close();
  }

  const sum = (f: (r: RowRouter) => number) => routers.reduce((x, r) => x + f(r), 0);
  const rowsCount = { in: sum((r) => r.counts.in), silver: sum((r) => r.counts.silver), quarantined: sum((r) => r.counts.quarantined), condemned: sum((r) => r.counts.condemned) };
  const errors: Record<string, number> = {};
  for (const r of routers) for (const [k, v] of Object.entries(r.errorCounts())) errors[k] = (errors[k] ?? 0) + v;
  const rate = rowsCount.in ? rowsCount.quarantined / rowsCount.in : 0;
  const complete = outcome === 'complete';
  const manifest: RunManifest = {
    format: MANIFEST_FORMAT,
    run_id: runId,
    dataset: d.key,
    schema_v: d.id.schemaV,
    kind: 'retry',
    engine: 'ts',
    outcome,
    ...(message ? { message } : {}),
    started_at: started.toISOString(),
    finished_at: clock().toISOString(),
    contract: { file: d.contractFile, sha256: d.contractSha256 },
    delivery: { ...delivery, file_name: delivery.bronze_key.split('/').pop()!, gzip: /\.gz$/i.test(delivery.bronze_key) },
    ...(header ? { header } : {}),
    drift: { missing_columns: [], extra_columns: [] },
    rows: rowsCount,
    errors,
    condemned_reasons: { duplicate: sum((r) => r.counts.condemnedDuplicate), max_attempts: sum((r) => r.counts.condemnedMaxAttempts) },
    quarantine_rate: Math.round(rate * 1e6) / 1e6,
    quarantine_rate_exceeded: rate > d.quality.maxQuarantineRate,
    partitions: complete ? partitions : [],
    quarantine: complete ? quarantineFiles : { rows: 0, files: [] },
    condemned: complete ? condemnedFiles : { rows: 0, files: [] },
    files: complete && sink ? sink.files.map(({ key, rows: r, bytes, sha256 }) => ({ key, rows: r, bytes, sha256 })).sort((a, b) => (a.key < b.key ? -1 : 1)) : [],
    checked_against: current.map((r) => r.run_id),
    retry_of: sources,
    consumes: { quarantine: fromQuarantine.map((r) => r.run_id), condemned: fromCondemned.map((r) => r.run_id) },
    ...(o.approval ? { approval: { approved_by: o.approval.approvedBy, reason: o.approval.reason } } : {}),
    metrics: [],
  };
  if (o.approval && fromCondemned.length) {
    const audit: AuditRecord = {
      format: 'lakec.condemned-reprocessing/1',
      run_id: runId,
      dataset: d.key,
      approved_by: o.approval.approvedBy,
      reason: o.approval.reason,
      at: started.toISOString(),
      by_user: safeUser(),
      host: hostname(),
      delivery: delivery.bronze_key,
      condemned_runs: fromCondemned.map((r) => r.run_id),
      condemned_rows: fromCondemned.reduce((x, r) => x + r.condemned.rows, 0),
    };
    await storage.createNew(keys.auditRecord(runId), Buffer.from(`${JSON.stringify(audit, null, 2)}\n`));
  }
  return finishRun({ storage, d, keys, manifest, publish: true, clock, ...(o.emitMetrics ? { emitMetrics: o.emitMetrics } : {}) });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The header the delivery had (from the manifest of a run that read it), if the contract has one. */
async function headerOf(storage: Storage, keys: LakeKeys, runs: readonly string[]): Promise<string[] | undefined> {
  for (const runId of runs) {
    const body = await storage.read(keys.runFile(runId, 'manifest.json'));
    if (!body) continue;
    const m = parseManifest(body, runId);
    if (m.header) return [...m.header];
    if (m.kind === 'delivery') return undefined;
  }
  return undefined;
}

/** The rows of quarantine or condemned files, cells as latin1 bytes. */
async function readStoredRows(storage: Storage, d: DatasetDescriptor, files: readonly string[]): Promise<StoredRow[]> {
  const out: StoredRow[] = [];
  for (const key of files) {
    const bytes = await storage.read(key);
    if (!bytes) throw new Error(`quarantined rows ${key} are missing`);
    const table = readParquetTable(bytes);
    const cols = d.columns.map((c) => table.getChild(c.name));
    const raw = table.getChild('_raw_record');
    const error = table.getChild('validation_error')!;
    const attempt = table.getChild('attempt_count')!;
    const record = table.getChild('_source_record')!;
    for (let i = 0; i < table.numRows; i++) {
      const toBytes = (v: unknown) => (v === null || v === undefined ? null : Buffer.from(String(v), 'utf8').toString('latin1'));
      out.push({
        cells: cols.map((c) => (c ? toBytes(c.get(i)) : null)),
        raw: raw ? toBytes(raw.get(i)) : null,
        error: String(error.get(i)),
        attempt: Number(attempt.get(i)),
        sourceRecord: Number(record.get(i)),
      });
    }
  }
  return out;
}

/** A stored row as a record the router can take: its cells in contract order, or its whole record read again. */
class StoredRecord implements RecordSource {
  record: CsvRecord = { text: '', bytes: new Uint8Array(0), starts: new Int32Array(0), ends: new Int32Array(0), cellCount: 0, ascii: true };
  status: RecordStatus = RecordStatus.ok;
  private rawBytes: Buffer = Buffer.alloc(0);

  constructor(private readonly d: DatasetDescriptor) {}

  load(row: StoredRow, cellLayout: Int32Array): void {
    if (row.raw === null) {
      const n = this.d.columns.length;
      const starts = new Int32Array(n);
      const ends = new Int32Array(n);
      let text = '';
      for (let i = 0; i < n; i++) {
        starts[i] = text.length;
        if (cellLayout[i]! >= 0) text += row.cells[i] ?? '';
        ends[i] = text.length;
      }
      this.record = { text, bytes: Buffer.from(text, 'latin1'), starts, ends, cellCount: n, ascii: /^[\x00-\x7f]*$/.test(text) };
      this.status = RecordStatus.ok;
      this.rawBytes = Buffer.alloc(0);
      return;
    }
    // A record kept whole: hex when it was not UTF-8, else its text. Read it again as one CSV record.
    this.rawBytes = row.error === 'utf8' ? Buffer.from(row.raw, 'hex') : Buffer.from(row.raw, 'latin1');
    let got: { record: CsvRecord; status: RecordStatus } | undefined;
    const reader = new CsvReader({ delimiter: this.d.source.delimiter, quote: this.d.source.quote, maxRecordBytes: DEFAULT_MAX_RECORD_BYTES, skipBom: false }, (r) => {
      if (!got) got = { record: { ...r.record, starts: r.record.starts.slice(), ends: r.record.ends.slice() }, status: r.status };
    });
    reader.push(this.rawBytes);
    reader.end();
    this.record = got?.record ?? { text: '', bytes: new Uint8Array(0), starts: new Int32Array(1), ends: new Int32Array(1), cellCount: 1, ascii: true };
    this.status = got?.status ?? RecordStatus.ok;
  }

  rawRecord(): string {
    return this.rawBytes.toString('latin1');
  }

  rawRecordHex(): string {
    return this.rawBytes.toString('hex');
  }

  rawRecordIsUtf8(): boolean {
    return isUtf8(this.rawBytes);
  }
}
