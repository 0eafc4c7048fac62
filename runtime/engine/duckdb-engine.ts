import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { DEFAULT_MAX_RECORD_BYTES } from '../csv/csv-reader';
import type { DatasetDescriptor, DatasetModule } from '../dataset-module';
import { LakeKeys, partitionPath } from '../lake-keys';
import { Breaker, recentErrors } from '../pipeline/breaker';
import { type HeaderMatch } from '../pipeline/header';
import { deliveryManifest, type RunOutcome } from '../pipeline/manifest';
import type { WrittenFile } from '../pipeline/outputs';
import { silverFiles } from '../pipeline/published-index';
import { finishRun, openInput, RejectedFile, startDeliveryRun, type DeliveryInput } from '../pipeline/run-lifecycle';
import type { RunSummary } from '../pipeline/run-summary';
import type { PartitionFiles, PublishedRun } from '../publish/silver-published';
import type { NewObjectWriter, Storage } from '../storage/storage';
import { NumberedLines, scanDelivery, type BronzeScan } from './bronze-scan';
import { EngineLimit, judgeScan } from './header-line';
import type { DuckDbEtlPlan } from './duckdb-plan';

export interface DuckDbRunOptions {
  /** The dataset's generated module: its descriptor names tables, keys, columns and quality thresholds. */
  readonly module: Pick<DatasetModule, 'descriptor'>;
  /** The contract's validation SQL (generators/sql/etl/duckdb-etl.ts). */
  readonly plan: DuckDbEtlPlan;
  readonly storage: Storage;
  readonly input: DeliveryInput;
  readonly runId?: string;
  readonly runIdCandidates?: Iterable<string> | undefined;
  readonly publish: boolean;
  readonly clock?: () => Date;
  readonly onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  readonly emitMetrics?: (line: string) => void;
  readonly maxRecordBytes?: number;
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  readonly threads?: number;
  /** DuckDB's memory_limit, e.g. '2GB' (default: DuckDB's, 80 % of RAM); past it DuckDB spills to the temp directory. */
  readonly memoryLimit?: string;
  /** Where DuckDB and the engine keep temporary files (default: os.tmpdir()). */
  readonly tempDir?: string;
  /** Seconds each phase took (`scan`, `lines`, `routed`, `copy`, `move`): for benchmarks. */
  readonly onPhase?: (phase: 'scan' | 'lines' | 'routed' | 'copy' | 'move', seconds: number) => void;
}


const LAYERS = ['silver', 'quarantine', 'condemned'] as const;
type Layer = (typeof LAYERS)[number];

/**
 * `lakec run --engine duckdb`: one delivery through the lake on DuckDB, by the contract's validation SQL —
 * the same lake layout, manifest, `_SUCCESS` and publish as runtime/pipeline/run-delivery.ts, whose
 * identity, run-id, breaker and publish rules it shares. The file is read once by Node (bronze copy,
 * SHA-256, the line structure), then by DuckDB — a line per row, in parallel where the line ends allow it
 * — and every record is judged in SQL; the tables' rows are written by DuckDB as Snappy Parquet and moved
 * into the lake, then the manifest, `_SUCCESS` and the publish. What SQL cannot read as the TypeScript
 * engine does (a quoted cell holding a line break) stops the run with a message, never a different result.
 */
export async function runDeliveryOnDuckDb(o: DuckDbRunOptions): Promise<RunSummary> {
  const d = o.module.descriptor;
  if (o.plan.dataset !== d.key) throw new Error(`the SQL plan is for ${o.plan.dataset}, not ${d.key}`);
  const storage = o.storage;
  const maxRecordBytes = o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // The same start as the TypeScript engine: the same supersede rule, the same run id claim.
  const { clock, started, keys, fileName, bytes, ingestDate, gzip, bronzeKey, knownSha, checkedAgainst, runId } = await startDeliveryRun(d, o, { engine: 'duckdb' });

  const work = await mkdtemp(join(o.tempDir ?? tmpdir(), 'lakec-duckdb-'));
  let bronze: NewObjectWriter | undefined;
  let scan: BronzeScan | undefined;
  let header: string[] | undefined;
  let match: HeaderMatch | undefined;
  let outcome: RunOutcome = 'complete';
  let message: string | undefined;
  let counts: RoutedCounts | undefined;
  let written: WrittenFile[] = [];
  let partitions: PartitionFiles[] = [];
  let db: Duck | undefined;

  let phaseStart = process.hrtime.bigint();
  const phase = (name: Parameters<NonNullable<DuckDbRunOptions['onPhase']>>[0]) => {
    const now = process.hrtime.bigint();
    o.onPhase?.(name, Number(now - phaseStart) / 1e9);
    phaseStart = now;
  };
  try {
    // 1. One pass in Node: the bronze copy, the hash, and what DuckDB must know about the lines.
    let localSource = o.input.kind === 'file' ? o.input.path : storage.localPath(o.input.key);
    let rawCopy: WriteStream | undefined;
    if (!localSource) {
      localSource = join(work, `delivery${gzip ? '.csv.gz' : '.csv'}`);
      rawCopy = createWriteStream(localSource);
    }
    if (o.input.kind === 'file') bronze = await storage.createNewStream(bronzeKey);
    scan = await scanDelivery(await openInput(o.input, storage), {
      gzip,
      maxRecordBytes,
      onRaw: async (chunk) => {
        if (bronze) await bronze.write(chunk);
        if (rawCopy && !rawCopy.write(chunk)) await new Promise<void>((r) => rawCopy!.once('drain', () => r()));
      },
      onProgress: (n) => o.onProgress?.(n, bytes),
    });
    if (rawCopy) await new Promise<void>((resolve, reject) => rawCopy!.end(() => resolve()).on('error', reject));
    if (bronze) {
      await bronze.finish();
      bronze = undefined;
    }
    if (knownSha && knownSha !== scan.sha256) throw new Error(`${bronzeKey} changed while it was read`);
    phase('scan');

    // 2. The file as a whole, judged as the TypeScript engine judges it.
    const judged = judgeScan(d, scan, maxRecordBytes);
    header = judged.header;
    match = judged.match;
    if (judged.rejection) throw new RejectedFile(judged.rejection);

    // 3. DuckDB: the lines, the published rows, the validation.
    db = await openDuck(o.threads, o.memoryLimit, work);
    const firstRecord = d.source.header ? 2 : 1;
    const loaded = await loadLines(db, d, scan, localSource, gzip, firstRecord, work, maxRecordBytes);
    await db.run(d.source.header ? 'CREATE OR REPLACE TEMP TABLE bronze_header AS SELECT CAST($line AS VARCHAR) AS line' : 'CREATE OR REPLACE TEMP TABLE bronze_header AS SELECT CAST(NULL AS VARCHAR) AS line WHERE FALSE', d.source.header ? { line: scan.firstLine!.toString('utf8') } : undefined);
    const files = await publishedFiles(storage, checkedAgainst, work);
    if (files.length) await db.run(o.plan.publishedRows.fromFiles, { files: listOf(files) });
    else await db.run(o.plan.publishedRows.empty);
    phase('lines');

    const open = (await db.rows(o.plan.openQuote))[0] ?? {};
    let openRecord = toNumber(open.open_record);
    if (openRecord !== undefined && !(openRecord < (toNumber(open.last_record) ?? 0) || scan.endsWithLineFeed)) openRecord = undefined;
    if (loaded.openRecord !== undefined && (openRecord === undefined || loaded.openRecord < openRecord)) openRecord = loaded.openRecord;
    if (openRecord !== undefined) {
      throw new EngineLimit(
        `record ${openRecord} has a quoted cell that is not closed on its line (a line break inside quotes, or a quote never closed); ` +
          'the SQL engines read one record per line, so they cannot take this delivery as the TypeScript engine does. ' +
          `Run it with --engine ts (it is in bronze: lakec run ${d.id.domain}.${d.id.name}@${d.id.schemaV} ${bronzeKey} --engine ts)`,
      );
    }
    await db.run(o.plan.routed);
    counts = await routedCounts(db, o.plan.counts);
    if (counts.undecided > 0 && o.plan.routedExhaustive) {
      await db.run(o.plan.routedExhaustive);
      counts = await routedCounts(db, o.plan.counts);
    }
    phase('routed');
    if (counts.undecided > 0) {
      throw new EngineLimit(`${counts.undecided} rows share unique values in chains too long to decide in SQL; run this delivery with --engine ts`);
    }

    // 4. The circuit breaker, over this run and the runs of the last hour.
    const prior = await recentErrors(storage, keys, started);
    const limit = d.quality.circuitBreakerPerHour;
    if (Object.entries(counts.errors).some(([code, n]) => n + (prior[code] ?? 0) > limit)) {
      outcome = 'halted';
      message = await breakerMessage(db, o.plan.failures, d, prior);
    } else {
      // 5. The tables' rows, written by DuckDB, then moved into the lake under the run's keys.
      const values = { run_id: runId, ingest_date: ingestDate, source_file: bronzeKey };
      const out = await writeLayers(db, o.plan, d, keys, storage, counts, values, work, runId, ingestDate, phase);
      written = out.files;
      partitions = out.partitions;
    }
  } catch (err) {
    outcome = err instanceof RejectedFile ? 'rejected' : 'failed';
    message = err instanceof Error ? err.message : String(err);
    if (bronze) {
      await bronze.abort().catch(() => undefined);
      message += '; the delivery was not stored in bronze: run it again';
    }
  } finally {
    db?.close();
    await rm(work, { recursive: true, force: true });
  }

  const keep = outcome !== 'rejected';
  const c = keep && counts ? counts : undefined;
  const layerOf = (layer: Layer) => ({ rows: outcome === 'complete' && c ? c.layers[layer] : 0, files: outcome === 'complete' ? written.filter((f) => f.layer === layer).map((f) => f.key) : [] });
  const manifest = deliveryManifest(d, {
    run_id: runId,
    engine: 'duckdb',
    outcome,
    ...(message ? { message } : {}),
    started_at: started.toISOString(),
    finished_at: clock().toISOString(),
    delivery: { bronze_key: bronzeKey, sha256: scan?.sha256 ?? knownSha ?? '', bytes, ingest_date: ingestDate, file_name: fileName, gzip },
    ...(header ? { header } : {}),
    drift: { missing_columns: match?.missing ?? [], extra_columns: match?.extra ?? [] },
    counts: c && { rows: { in: c.in, silver: c.layers.silver, quarantined: c.layers.quarantine, condemned: c.layers.condemned }, errors: c.errors, condemnedDuplicate: c.condemnedDuplicate, condemnedMaxAttempts: c.condemnedMaxAttempts },
    partitions: outcome === 'complete' ? partitions : [],
    quarantine: layerOf('quarantine'),
    condemned: layerOf('condemned'),
    files: outcome === 'complete' ? written.map(({ key, rows: n, bytes: b, sha256 }) => ({ key, rows: n, bytes: b, sha256 })).sort((a, b) => (a.key < b.key ? -1 : 1)) : [],
    checked_against: checkedAgainst.map((r) => r.run_id),
  });
  return finishRun({ storage, d, keys, manifest, publish: o.publish, clock, ...(o.emitMetrics ? { emitMetrics: o.emitMetrics } : {}) });
}

interface Duck {
  run(sql: string, values?: Record<string, DuckDBValue>): Promise<void>;
  rows(sql: string, values?: Record<string, DuckDBValue>): Promise<Record<string, unknown>[]>;
  readonly connection: DuckDBConnection;
  close(): void;
}

async function openDuck(threads: number | undefined, memoryLimit: string | undefined, work: string): Promise<Duck> {
  // Loaded on first use: the CLI's other commands never pay for DuckDB.
  const { DuckDBInstance: Instance } = await import('@duckdb/node-api');
  const spill = join(work, 'duckdb-spill');
  await mkdir(spill, { recursive: true });
  const instance: DuckDBInstance = await Instance.create(':memory:', {
    ...(threads ? { threads: String(threads) } : {}),
    ...(memoryLimit ? { memory_limit: memoryLimit } : {}),
    temp_directory: spill,
  });
  const connection = await instance.connect();
  return {
    connection,
    run: async (sql, values) => void (await connection.run(sql, values)),
    rows: async (sql, values) => (await connection.runAndReadAll(sql, values)).getRowObjectsJson() as Record<string, unknown>[],
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * `bronze_lines`: the data records, numbered. Fast path — no carriage return that is data, every line
 * UTF-8, a byte that never occurs to serve as the delimiter — DuckDB's CSV reader reads the delivery itself,
 * one line per row, in parallel and in order. Otherwise Node writes the lines numbered (each quoted, a line
 * that is not UTF-8 as hex) and DuckDB reads that file.
 */
async function loadLines(db: Duck, d: DatasetDescriptor, scan: BronzeScan, source: string, gzip: boolean, first: number, work: string, maxRecordBytes: number): Promise<{ openRecord?: number }> {
  const maxLine = Math.max(2 * 1024 * 1024, scan.maxLineBytes + 1024);
  if (scan.contentBytes === 0) {
    await db.run('CREATE OR REPLACE TEMP TABLE bronze_lines (record BIGINT, line VARCHAR, raw_hex VARCHAR)');
    return {};
  }
  if (scan.utf8 && scan.carriageReturns === 'none' && scan.absentByte !== undefined) {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE bronze_lines AS
SELECT record, line, raw_hex FROM (
  SELECT row_number() OVER () AS record, coalesce(line, '') AS line, CAST(NULL AS VARCHAR) AS raw_hex
  FROM read_csv($path, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, delim = $delim, quote = '', escape = '',
    new_line = '\\n', compression = $compression, max_line_size = $max_line, buffer_size = $buffer_size)
) WHERE record >= $first`,
      { path: source, delim: String.fromCharCode(scan.absentByte), compression: gzip ? 'gzip' : 'none', max_line: maxLine, buffer_size: Math.max(16 * 1024 * 1024, 4 * maxLine), first },
    );
    return {};
  }
  const numbered = join(work, 'lines.csv');
  const out = createWriteStream(numbered);
  const lines = new NumberedLines(async (b) => {
    if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
  }, first, d.source.delimiter, d.source.quote);
  await scanDelivery(createReadStream(source, { highWaterMark: 1 << 20 }), { gzip, maxRecordBytes, onContent: (c) => lines.push(c) });
  await lines.end();
  await new Promise<void>((resolve, reject) => out.end(() => resolve()).on('error', reject));
  const maxNumbered = 2 * maxLine + 64;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE bronze_lines AS
SELECT record, coalesce(line, '') AS line, nullif(raw_hex, '') AS raw_hex
FROM read_csv($path, columns = {'record': 'BIGINT', 'line': 'VARCHAR', 'raw_hex': 'VARCHAR'}, header = false, auto_detect = false,
  delim = ',', quote = '"', escape = '"', new_line = '\\n', parallel = false, max_line_size = $max_line, buffer_size = $buffer_size)`,
    { path: numbered, max_line: maxNumbered, buffer_size: Math.max(16 * 1024 * 1024, 4 * maxNumbered) },
  );
  return lines.openRecord !== undefined ? { openRecord: lines.openRecord } : {};
}

/** The silver files of the runs this run is checked against, as local paths DuckDB reads. */
async function publishedFiles(storage: Storage, runs: readonly PublishedRun[], work: string): Promise<string[]> {
  const out: string[] = [];
  const dir = join(work, 'published');
  let n = 0;
  for (const key of silverFiles(runs)) {
    const local = storage.localPath(key);
    if (local) {
      out.push(local);
      continue;
    }
    const body = await storage.read(key);
    if (!body) throw new Error(`published silver file ${key} is missing`);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${n++}.parquet`);
    await new Promise<void>((resolve, reject) => createWriteStream(path).end(body, () => resolve()).on('error', reject));
    out.push(path);
  }
  return out;
}

interface RoutedCounts {
  in: number;
  layers: Record<Layer, number>;
  undecided: number;
  errors: Record<string, number>;
  condemnedDuplicate: number;
  condemnedMaxAttempts: number;
}

async function routedCounts(db: Duck, sql: string): Promise<RoutedCounts> {
  const c: RoutedCounts = { in: 0, layers: { silver: 0, quarantine: 0, condemned: 0 }, undecided: 0, errors: {}, condemnedDuplicate: 0, condemnedMaxAttempts: 0 };
  for (const r of await db.rows(sql)) {
    const n = toNumber(r.row_count) ?? 0;
    const layer = r.layer as Layer | 'undecided';
    c.in += n;
    if (layer === 'undecided') c.undecided += n;
    else c.layers[layer] += n;
    const error = r.validation_error as string | null;
    if (error && error !== 'duplicate') c.errors[error] = (c.errors[error] ?? 0) + n;
    if (r.condemned_reason === 'duplicate') c.condemnedDuplicate += n;
    if (r.condemned_reason === 'max_attempts') c.condemnedMaxAttempts += n;
  }
  return c;
}

/** The breaker's message: failing rows in record order through the same Breaker the TypeScript engine uses. */
async function breakerMessage(db: Duck, sql: string, d: DatasetDescriptor, prior: Readonly<Record<string, number>>): Promise<string> {
  const breaker = new Breaker(d.quality.circuitBreakerPerHour, d.errorCodes, prior);
  const result = await db.connection.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const [name] of chunk.getRows() as [string, bigint][]) {
      const code = d.errorCodes.indexOf(name);
      if (breaker.fail(code)) return breaker.message(code, name);
    }
  }
  throw new Error('the circuit breaker counts disagree with the routed rows');
}

/** Runs each table's COPY into the work folder, then moves the files into the lake under the run's keys. */
async function writeLayers(
  db: Duck,
  plan: DuckDbEtlPlan,
  d: DatasetDescriptor,
  keys: LakeKeys,
  storage: Storage,
  counts: RoutedCounts,
  values: Record<string, string>,
  work: string,
  runId: string,
  ingestDate: string,
  phase: (name: 'copy' | 'move') => void,
): Promise<{ files: WrittenFile[]; partitions: PartitionFiles[] }> {
  const files: WrittenFile[] = [];
  const partitions: PartitionFiles[] = [];
  const out = join(work, 'out');
  await mkdir(out, { recursive: true });
  const copied: { layer: Layer; path: string; partitioned: boolean }[] = [];
  for (const layer of LAYERS) {
    if (counts.layers[layer] === 0) continue;
    const partitioned = layer === 'silver' && d.partitions.length > 0;
    const path = join(out, partitioned ? layer : `${layer}.parquet`);
    await db.run(plan.copies[layer], { ...values, path });
    copied.push({ layer, path, partitioned });
  }
  phase('copy');
  for (const { layer, path, partitioned } of copied) {
    if (layer !== 'silver') {
      const key = layer === 'quarantine' ? keys.quarantineFile(ingestDate, runId, 1) : keys.condemnedFile(ingestDate, runId, 1);
      files.push(await moveFile(db, storage, path, key, layer));
      continue;
    }
    const found = partitioned ? await partitionFolders(path, d.partitions.length) : [{ values: [] as number[], dir: out, names: ['silver.parquet'] }];
    for (const p of found) {
      const folder = keys.silverRunFolder(partitionPath(d.partitions, p.values), runId);
      const keysOfPartition: string[] = [];
      let rows = 0;
      for (const [k, name] of p.names.entries()) {
        const f = await moveFile(db, storage, join(p.dir, name), `${folder}part-${String(k).padStart(5, '0')}.parquet`, 'silver');
        files.push(f);
        keysOfPartition.push(f.key);
        rows += f.rows;
      }
      partitions.push({ values: Object.fromEntries(d.partitions.map((x, i) => [x.name, p.values[i]!])), rows, files: keysOfPartition });
    }
  }
  phase('move');
  const pathOf = (p: PartitionFiles) => partitionPath(d.partitions, d.partitions.map((x) => p.values[x.name]!));
  partitions.sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0));
  return { files, partitions };
}

/** `year=2024/month=1/part-0.parquet` … below a COPY's folder: partition values and the files of each. */
async function partitionFolders(root: string, depth: number): Promise<{ values: number[]; dir: string; names: string[] }[]> {
  const out: { values: number[]; dir: string; names: string[] }[] = [];
  const walk = async (dir: string, values: number[]): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (values.length === depth) {
      const names = entries
        .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
        .map((e) => e.name)
        .sort((a, b) => fileNumber(a) - fileNumber(b));
      if (names.length) out.push({ values, dir, names });
      return;
    }
    for (const e of entries) {
      const m = /^[a-z][a-z0-9_]*=(-?[0-9]+)$/.exec(e.name);
      if (!e.isDirectory() || !m) throw new Error(`unexpected entry ${e.name} in DuckDB's partitioned output`);
      await walk(join(dir, e.name), [...values, Number(m[1])]);
    }
  };
  await walk(root, []);
  return out;
}

function fileNumber(name: string): number {
  const m = /([0-9]+)\.parquet$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** Copies a written Parquet file into the lake (exclusive create, streamed), with its rows, bytes and SHA-256. */
async function moveFile(db: Duck, storage: Storage, path: string, key: string, layer: Layer): Promise<WrittenFile> {
  const meta = (await db.rows('SELECT sum(num_rows) AS n FROM parquet_file_metadata($path)', { path }))[0];
  const rows = toNumber(meta?.n) ?? 0;
  const sha = createHash('sha256');
  let size = 0;
  const writer = await storage.createNewStream(key);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      sha.update(b);
      size += b.length;
      await writer.write(b);
    }
    await writer.finish();
  } catch (err) {
    await writer.abort().catch(() => undefined);
    throw err;
  }
  await rm(path, { force: true });
  return { key, layer, rows, bytes: size, sha256: sha.digest('hex') };
}

function listOf(items: readonly string[]): DuckDBValue {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { listValue } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  return listValue([...items]);
}

function toNumber(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  return Number(v);
}
