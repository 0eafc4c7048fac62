import { createHash } from 'node:crypto';
import type { CellType, DatasetDescriptor, PartitionDescriptor, TableLayout } from '../dataset-module';
import type { PendingChunk } from './row-router';
import { civilFromDays } from '../cells/temporal-format';
import { partitionPath, type LakeKeys } from '../lake-keys';
import {
  BoolBuilder,
  builderFor,
  DecimalBuilder,
  DigestBuilder,
  Float64Builder,
  Int32Builder,
  Int64Builder,
  RepeatBuilder,
  StringBuilder,
  type ColumnBuilder,
  type EncodeJob,
  type FileColumn,
} from '../parquet/column-builders';
import type { ParquetEncoder } from '../parquet/encoder-pool';
import type { Storage } from '../storage/storage';

/** A data file the run wrote (recorded in its manifest). */
export interface WrittenFile {
  readonly key: string;
  readonly layer: 'silver' | 'quarantine' | 'condemned';
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface OutputOptions {
  /** Rows per Parquet file (a partition's batch is written when it has this many). */
  readonly rowsPerFile: number;
  /** Rows held in memory across all partitions; above it the largest batch is written early. */
  readonly maxBufferedRows: number;
  /** Encoded files being written at once; parsing waits beyond it. */
  readonly maxFilesInFlight: number;
}

export const DEFAULT_OUTPUT_OPTIONS: OutputOptions = { rowsPerFile: 131072, maxBufferedRows: 262144, maxFilesInFlight: 2 };

/** What every file of a run has in common: the run, the delivery's ingest date and bronze key. */
export interface RunConstants {
  readonly runId: string;
  readonly ingestDate: string;
  /** Days since 1970-01-01 of ingestDate. */
  readonly ingestDay: number;
  readonly sourceFile: string;
}

/** Encodes and writes files, a bounded number at a time, and remembers what it wrote. */
export class FileSink {
  readonly files: WrittenFile[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly storage: Storage,
    private readonly encoder: ParquetEncoder,
    private readonly maxInFlight: number,
  ) {}

  submit(key: string, layer: WrittenFile['layer'], job: EncodeJob): void {
    const p = this.encoder
      .encode(job)
      .then(async (bytes) => {
        await this.storage.createNew(key, bytes);
        this.files.push({ key, layer, rows: job.rows, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      })
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Waits until at most `limit` files are in flight (default: the sink's bound). */
  async drain(limit = this.maxInFlight): Promise<void> {
    while (this.inFlight.size > limit) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    await this.drain(0);
  }
}

const enum Kind {
  string,
  int32,
  int64,
  timestamp,
  float64,
  bool,
  decimal,
}

function kindOf(t: CellType): Kind {
  switch (t.kind) {
    case 'string':
      return Kind.string;
    case 'int':
    case 'date':
      return Kind.int32;
    case 'bigint':
      return Kind.int64;
    case 'timestamp':
      return Kind.timestamp;
    case 'double':
      return Kind.float64;
    case 'boolean':
      return Kind.bool;
    case 'decimal':
      return Kind.decimal;
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as CellType).kind}`);
    }
  }
}

const NO_STATISTICS = new Set(['_row_hash', '_raw_record', '_source_file', '_run_id']);
const DICTIONARY = new Set(['_run_id', '_ingest_date', '_source_file', 'validation_error', 'condemned_reason', 'attempt_count']);

function fileColumns(table: TableLayout, dictionary: ReadonlySet<string>): FileColumn[] {
  return table.columns.map((c) => ({ name: c.name, type: c.type, dictionary: DICTIONARY.has(c.name) || dictionary.has(c.name), statistics: !NO_STATISTICS.has(c.name) }));
}

/** One partition's rows waiting to be written. */
class PartitionBatch {
  builders: ColumnBuilder[] = [];
  rows = 0;
  fileCount = 0;
  /** Files written for this partition. */
  readonly keys: string[] = [];
  written = 0;
  constructor(
    readonly values: readonly number[],
    readonly path: string,
  ) {}
}

/**
 * Silver rows, batched per partition in columns (DESIGN.md: `silver/…/year=YYYY/month=MM/schema_v=vN/
 * run_id=…/part-*.parquet`). A partition's batch is written when full, or early when all batches
 * together hold too many rows; batches that received rows from a chunk of input are committed after it.
 */
export class SilverOutput {
  private readonly batches = new Map<number, PartitionBatch>();
  /** Batch by day number (or 0 without partitions): a row's partition in one lookup. */
  private readonly byDay = new Map<number, PartitionBatch>();
  private readonly columns: FileColumn[];
  private readonly kinds: Kind[];
  /** Silver column → contract column index (or a metadata column, as a negative code). */
  private readonly sourceOf: number[];
  /** The columns that take a value per row. */
  private readonly active: number[];
  private buffered = 0;
  private readonly partitions: readonly PartitionDescriptor[];
  private readonly fromColumn: number;
  private readonly fromIsDate: boolean;

  constructor(
    private readonly d: DatasetDescriptor,
    private readonly keys: LakeKeys,
    private readonly run: RunConstants,
    private readonly sink: FileSink,
    private readonly options: OutputOptions,
  ) {
    const table = d.tables.silver;
    this.columns = fileColumns(table, new Set());
    this.kinds = table.columns.map((c) => kindOf(c.type));
    this.sourceOf = table.columns.map((c) => {
      const i = d.columns.findIndex((col) => col.name === c.name);
      if (i >= 0) return i;
      const meta = META_COLUMNS.indexOf(c.name as (typeof META_COLUMNS)[number]);
      if (meta < 0) throw new Error(`silver column ${c.name} is neither a contract column nor a metadata column`);
      return -1 - meta;
    });
    this.active = this.sourceOf.flatMap((i, col) => (i === RUN_ID || i === INGEST_DATE || i === SOURCE_FILE ? [] : [col]));
    this.partitions = d.partitions;
    this.fromColumn = d.partitions[0]?.column ?? -1;
    this.fromIsDate = this.fromColumn >= 0 && d.columns[this.fromColumn]!.type.kind === 'date';
  }

  /** Rows written or waiting. */
  rows = 0;

  /**
   * Appends valid row `j` of a pending chunk; its `_row_hash` digest is at word `j * 8` of `digestWords`.
   * Columns with one value for the whole file (run id, ingest date, source file) take no work per row.
   */
  append(c: PendingChunk, j: number, digestWords: Int32Array): void {
    const n = c.columns;
    const base = j * n;
    const batch = this.batchFor(c, base);
    const builders = batch.builders;
    const kinds = this.kinds;
    const sourceOf = this.sourceOf;
    const active = this.active;
    for (let k = 0; k < active.length; k++) {
      const col = active[k]!;
      const i = sourceOf[col]!;
      const b = builders[col]!;
      if (i < 0) {
        if (i === SOURCE_RECORD) (b as Int64Builder).push(c.sourceRecord[j]!);
        else (b as DigestBuilder).pushWords(digestWords, j * 8);
        continue;
      }
      const at = base + i;
      if (c.isNull[at] === 1) {
        b.pushNull();
        continue;
      }
      switch (kinds[col]) {
        case Kind.string:
          (b as StringBuilder).pushRange(c.bytes[j]!, c.start[at]!, c.end[at]!);
          break;
        case Kind.int32:
          (b as Int32Builder).push(c.num[at]!);
          break;
        case Kind.float64:
          (b as Float64Builder).push(c.num[at]!);
          break;
        case Kind.timestamp:
          (b as Int64Builder).pushMillisAsMicros(c.num[at]!);
          break;
        case Kind.int64: {
          const big = c.big.size ? c.big.get(at) : undefined;
          if (big !== undefined) (b as Int64Builder).pushBig(big);
          else (b as Int64Builder).push(c.num[at]!);
          break;
        }
        case Kind.decimal: {
          const big = c.big.size ? c.big.get(at) : undefined;
          if (big !== undefined) (b as DecimalBuilder).pushBig(big);
          else (b as DecimalBuilder).push(c.num[at]!);
          break;
        }
        case Kind.bool:
          (b as BoolBuilder).push(c.num[at] === 1);
          break;
      }
    }
    batch.rows++;
    this.rows++;
    this.buffered++;
  }

  /** After a chunk of input: write full batches, and keep memory bounded. */
  async afterChunk(): Promise<void> {
    for (const b of this.batches.values()) if (b.rows >= this.options.rowsPerFile) this.flush(b);
    while (this.buffered > this.options.maxBufferedRows) {
      let largest: PartitionBatch | undefined;
      for (const b of this.batches.values()) if (!largest || b.rows > largest.rows) largest = b;
      this.flush(largest!);
    }
    await this.sink.drain();
  }

  /** Writes every batch; returns the partitions with their files. */
  async finish(): Promise<{ values: Record<string, number>; rows: number; files: string[] }[]> {
    for (const b of this.batches.values()) if (b.rows > 0) this.flush(b);
    await this.sink.finish();
    return [...this.batches.values()]
      .filter((b) => b.written > 0)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((b) => ({ values: Object.fromEntries(this.partitions.map((p, i) => [p.name, b.values[i]!])), rows: b.written, files: [...b.keys] }));
  }

  private flush(b: PartitionBatch): void {
    if (b.rows === 0) return;
    const key = `${this.keys.silverRunFolder(b.path, this.run.runId)}part-${String(b.fileCount++).padStart(5, '0')}.parquet`;
    const job: EncodeJob = { columns: this.columns, rows: b.rows, payload: b.builders.map((x) => x.payload()) };
    this.sink.submit(key, 'silver', job);
    b.keys.push(key);
    b.written += b.rows;
    this.buffered -= b.rows;
    b.rows = 0;
    b.builders = this.newBuilders();
  }

  private newBuilders(): ColumnBuilder[] {
    const capacity = Math.min(this.options.rowsPerFile, 4096);
    return this.d.tables.silver.columns.map((c, k) => {
      switch (this.sourceOf[k]) {
        case RUN_ID:
          return new RepeatBuilder({ kind: 'utf8', text: this.run.runId });
        case INGEST_DATE:
          return new RepeatBuilder({ kind: 'int32', value: this.run.ingestDay });
        case SOURCE_FILE:
          return new RepeatBuilder({ kind: 'utf8', text: this.run.sourceFile });
        case ROW_HASH:
          return new DigestBuilder(capacity);
        default:
          return builderFor(c.type, capacity);
      }
    });
  }

  private batchFor(c: PendingChunk, base: number): PartitionBatch {
    let day = 0;
    if (this.fromColumn >= 0) {
      const v = c.num[base + this.fromColumn]!;
      day = this.fromIsDate ? v : Math.floor(v / 86400000);
    }
    const cached = this.byDay.get(day);
    if (cached) return cached;
    let values: number[] = [];
    if (this.fromColumn >= 0) {
      const civil = civilFromDays(day);
      values = this.partitions.map((p) => (p.transform === 'year' ? civil.year : p.transform === 'month' ? civil.month : civil.day));
    }
    const key = values.reduce((k, v) => k * 100 + v, 0);
    let batch = this.batches.get(key);
    if (!batch) {
      batch = new PartitionBatch(values, partitionPath(this.partitions, values));
      batch.builders = this.newBuilders();
      this.batches.set(key, batch);
    }
    this.byDay.set(day, batch);
    return batch;
  }
}

const META_COLUMNS = ['_run_id', '_ingest_date', '_source_file', '_source_record', '_row_hash'] as const;
const RUN_ID = -1;
const INGEST_DATE = -2;
const SOURCE_FILE = -3;
const SOURCE_RECORD = -4;
const ROW_HASH = -5;

/** One quarantined or condemned row: the original cells (as delivered, latin1 bytes) and why. */
export interface RejectedRow {
  /** Cells in contract order; null where the file lacked the column or the record could not be split. */
  readonly cells: readonly (string | null)[];
  /** The whole record (latin1 bytes, or hex when not UTF-8) when its cells could not be matched to columns. */
  readonly raw: string | null;
  readonly error: string;
  readonly attempt: number;
  readonly sourceRecord: number;
  /** `_row_hash` as its 32-byte digest; null when the cells could not be read. */
  readonly digest: Uint8Array | null;
  /** Condemned rows only: `duplicate` or `max_attempts`. */
  readonly reason?: string;
}

/**
 * Quarantine (`invalid_rows.parquet`) or condemned (`condemned_rows.parquet`) rows of a run, in
 * `{layer}/…/schema_v=vN/ingest_date=…/run_id=…/`; a run with many such rows writes further files
 * `invalid_rows-2.parquet`, … so memory stays bounded.
 */
export class RejectedOutput {
  private builders: ColumnBuilder[] = [];
  private readonly columns: FileColumn[];
  private readonly table: TableLayout;
  private batchRows = 0;
  private part = 0;
  rows = 0;
  readonly keys: string[] = [];

  constructor(
    private readonly layer: 'quarantine' | 'condemned',
    private readonly d: DatasetDescriptor,
    private readonly keysOf: LakeKeys,
    private readonly run: RunConstants,
    private readonly sink: FileSink,
    private readonly options: OutputOptions,
  ) {
    this.table = layer === 'quarantine' ? d.tables.quarantine : d.tables.condemned;
    this.columns = fileColumns(this.table, new Set());
    this.builders = this.newBuilders();
  }

  append(r: RejectedRow): void {
    const n = this.d.columns.length;
    const b = this.builders;
    let c = 0;
    for (; c < n; c++) {
      const cell = r.cells[c];
      if (cell === null || cell === undefined) b[c]!.pushNull();
      else (b[c] as StringBuilder).pushBytes(cell);
    }
    for (; c < b.length; c++) {
      const builder = b[c]!;
      switch (this.table.columns[c]!.name) {
        case '_raw_record':
          if (r.raw === null) builder.pushNull();
          else (builder as StringBuilder).pushBytes(r.raw);
          break;
        case 'validation_error':
          (builder as StringBuilder).pushBytes(r.error);
          break;
        case 'attempt_count':
          (builder as Int32Builder).push(r.attempt);
          break;
        case '_source_record':
          (builder as Int64Builder).push(r.sourceRecord);
          break;
        case '_row_hash':
          if (r.digest === null) builder.pushNull();
          else (builder as DigestBuilder).pushAt(r.digest, 0);
          break;
        case 'condemned_reason':
          (builder as StringBuilder).pushBytes(r.reason ?? '');
          break;
        default:
          (builder as RepeatBuilder).push();
      }
    }
    this.batchRows++;
    this.rows++;
  }

  afterChunk(): void {
    // Rejected rows keep every cell as text: smaller files keep their memory small.
    if (this.batchRows >= Math.min(this.options.rowsPerFile, 65536)) this.flush();
  }

  async finish(): Promise<{ rows: number; files: string[] }> {
    this.flush();
    return { rows: this.rows, files: [...this.keys] };
  }

  private flush(): void {
    if (this.batchRows === 0) return;
    this.part++;
    const key = this.layer === 'quarantine' ? this.keysOf.quarantineFile(this.run.ingestDate, this.run.runId, this.part) : this.keysOf.condemnedFile(this.run.ingestDate, this.run.runId, this.part);
    this.sink.submit(key, this.layer, { columns: this.columns, rows: this.batchRows, payload: this.builders.map((x) => x.payload()) });
    this.keys.push(key);
    this.batchRows = 0;
    this.builders = this.newBuilders();
  }

  private newBuilders(): ColumnBuilder[] {
    return this.table.columns.map((c, k) => {
      if (k < this.d.columns.length) return new StringBuilder(256);
      switch (c.name) {
        case '_run_id':
          return new RepeatBuilder({ kind: 'utf8', text: this.run.runId });
        case '_ingest_date':
          return new RepeatBuilder({ kind: 'int32', value: this.run.ingestDay });
        case '_source_file':
          return new RepeatBuilder({ kind: 'utf8', text: this.run.sourceFile });
        case '_row_hash':
          return new DigestBuilder(256);
        case '_raw_record':
        case 'validation_error':
        case 'attempt_count':
        case '_source_record':
        case 'condemned_reason':
          return builderFor(c.type, 256);
        default:
          throw new Error(`${this.layer} column ${c.name} is not known to the runtime`);
      }
    });
  }
}
