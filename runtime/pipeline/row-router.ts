import type { CsvRecord, DatasetDescriptor, RowValues, ValidateRecord } from '../dataset-module';
import { RecordStatus } from '../csv/csv-reader';
import { FingerprintSet, valueFingerprint } from '../dedup/fingerprint-set';
import { hexFingerprint, RecordHasher } from '../row-hash';
import type { Breaker } from './breaker';
import type { RejectedOutput, SilverOutput } from './outputs';

/** A record as the router needs it: the CSV reader, or a quarantined row being retried. */
export interface RecordSource {
  readonly record: CsvRecord;
  readonly status: RecordStatus;
  rawRecord(): string;
  rawRecordHex(): string;
  rawRecordIsUtf8(): boolean;
}

/**
 * What was accepted before: the first 96 bits of every accepted row's `_row_hash`, and the fingerprint
 * of every accepted value of each `unique` column — published silver of this schema_v (less the runs a
 * rerun supersedes), then this run's rows as they are accepted.
 */
export class DedupIndex {
  readonly rows: FingerprintSet;
  /** By column index; only unique columns have a set. */
  readonly unique: (FingerprintSet | undefined)[];

  constructor(d: DatasetDescriptor, expectedRows = 1 << 16) {
    this.rows = new FingerprintSet(expectedRows);
    this.unique = d.columns.map((c) => (c.unique ? new FingerprintSet(expectedRows) : undefined));
  }

  get bytes(): number {
    return this.rows.bytes + this.unique.reduce((n, s) => n + (s?.bytes ?? 0), 0);
  }
}

export interface RouterCounts {
  in: number;
  silver: number;
  quarantined: number;
  condemned: number;
  condemnedDuplicate: number;
  condemnedMaxAttempts: number;
}

/**
 * Routes each record (DESIGN.md, rules the runtime keeps): a record that is not UTF-8, badly quoted or
 * of the wrong cell count, or that fails a column rule, is quarantined with the error naming the rule
 * and column — or condemned, when this was its last attempt; an exact copy of an accepted row is
 * condemned as `duplicate`; a `unique` value already accepted is quarantined (`unique:col`); the rest is
 * silver. Every failure but duplicates counts toward the circuit breaker, which halts the run.
 */
export class RowRouter {
  readonly counts: RouterCounts = { in: 0, silver: 0, quarantined: 0, condemned: 0, condemnedDuplicate: 0, condemnedMaxAttempts: 0 };
  /** Failing rows per error code (the index in descriptor.errorCodes); duplicates not counted. */
  readonly errors: Float64Array;
  /** Why the run halted, once it has. */
  haltedBy: string | undefined;

  private readonly row: RowValues;
  private readonly hasher: RecordHasher;
  private readonly fp = new Int32Array(3);
  private readonly codes: readonly string[];
  private readonly utf8Code: number;
  private readonly quoteCode: number;
  private readonly cellCountCode: number;
  private readonly duplicateCode: number;
  private readonly uniqueColumns: number[];
  private readonly uniqueCodes: number[];
  private readonly nColumns: number;

  constructor(
    private readonly d: DatasetDescriptor,
    private readonly validate: ValidateRecord,
    private readonly layout: Int32Array,
    private readonly cellCount: number,
    private readonly index: DedupIndex,
    private readonly breaker: Breaker,
    private readonly silver: SilverOutput | undefined,
    private readonly quarantine: RejectedOutput | undefined,
    private readonly condemned: RejectedOutput | undefined,
    /** Check exact duplicates (always, but for benchmarks measuring validation alone). */
    private readonly checkDuplicates = true,
  ) {
    const n = d.columns.length;
    this.nColumns = n;
    this.row = { num: new Float64Array(n), big: new Array(n).fill(null), str: new Array(n).fill(null), isNull: new Uint8Array(n) };
    this.hasher = new RecordHasher(d.source.nullValues);
    this.codes = d.errorCodes;
    this.errors = new Float64Array(d.errorCodes.length);
    this.utf8Code = this.code('utf8');
    this.quoteCode = this.code('quote');
    this.cellCountCode = this.code('cell_count');
    this.duplicateCode = this.code('duplicate');
    this.uniqueColumns = d.columns.flatMap((c, i) => (c.unique ? [i] : []));
    this.uniqueCodes = this.uniqueColumns.map((i) => this.code(`unique:${d.columns[i]!.name}`));
  }

  private code(name: string): number {
    const i = this.codes.indexOf(name);
    if (i < 0) throw new Error(`the dataset module has no error code ${name}`);
    return i;
  }

  /** Routes one record; `attempt` is 1 on delivery, +1 per retry. Returns false once the run halted. */
  route(src: RecordSource, sourceRecord: number, attempt: number): boolean {
    this.counts.in++;
    const rec = src.record;
    if (src.status === RecordStatus.utf8 || (src.status === RecordStatus.quote && !src.rawRecordIsUtf8())) {
      return this.reject(null, src.rawRecordHex(), this.utf8Code, attempt, sourceRecord, null);
    }
    if (src.status === RecordStatus.quote) return this.reject(null, src.rawRecord(), this.quoteCode, attempt, sourceRecord, null);
    if (rec.cellCount !== this.cellCount) return this.reject(null, src.rawRecord(), this.cellCountCode, attempt, sourceRecord, null);

    const row = this.row;
    const error = this.validate(rec, row);
    const hash = this.hasher.hash(rec, this.layout);
    if (error !== 0) return this.reject(this.cells(rec), null, error, attempt, sourceRecord, hash);

    const fp = this.fp;
    if (this.checkDuplicates) {
      hexFingerprint(hash, fp);
      if (this.index.rows.has(fp[0]!, fp[1]!, fp[2]!)) {
        this.counts.condemned++;
        this.counts.condemnedDuplicate++;
        this.condemned?.append({ cells: this.cells(rec), raw: null, error: 'duplicate', attempt, sourceRecord, hash, reason: 'duplicate' });
        return true;
      }
    }
    const uniqueColumns = this.uniqueColumns;
    for (let u = 0; u < uniqueColumns.length; u++) {
      const i = uniqueColumns[u]!;
      if (row.isNull[i] === 1) continue;
      valueFingerprint(this.uniqueText(i), fp);
      if (this.index.unique[i]!.has(fp[0]!, fp[1]!, fp[2]!)) return this.reject(this.cells(rec), null, this.uniqueCodes[u]!, attempt, sourceRecord, hash);
    }
    if (this.checkDuplicates) {
      hexFingerprint(hash, fp);
      this.index.rows.add(fp[0]!, fp[1]!, fp[2]!);
    }
    for (let u = 0; u < uniqueColumns.length; u++) {
      const i = uniqueColumns[u]!;
      if (row.isNull[i] === 1) continue;
      valueFingerprint(this.uniqueText(i), fp);
      this.index.unique[i]!.add(fp[0]!, fp[1]!, fp[2]!);
    }
    this.counts.silver++;
    this.silver?.append(row, sourceRecord, hash);
    return true;
  }

  /** The canonical text of a valid value, as canonicalValues (parquet-reader.ts) reads it back. */
  private uniqueText(i: number): string {
    const row = this.row;
    if (this.d.columns[i]!.type.kind === 'string') return row.str[i]!;
    const big = row.big[i];
    return big !== null && big !== undefined ? String(big) : String(row.num[i]);
  }

  /** The record's cells in contract order, as delivered (latin1 bytes); null where the file lacks the column. */
  private cells(rec: CsvRecord): (string | null)[] {
    const out = new Array<string | null>(this.nColumns);
    for (let i = 0; i < this.nColumns; i++) {
      const k = this.layout[i]!;
      out[i] = k < 0 ? null : rec.text.slice(rec.starts[k], rec.ends[k]);
    }
    return out;
  }

  private reject(cells: (string | null)[] | null, raw: string | null, error: number, attempt: number, sourceRecord: number, hash: string | null): boolean {
    const code = this.codes[error]!;
    const allCells = cells ?? new Array<string | null>(this.nColumns).fill(null);
    this.errors[error]!++;
    if (attempt >= this.d.quality.maxAttempts) {
      this.counts.condemned++;
      this.counts.condemnedMaxAttempts++;
      this.condemned?.append({ cells: allCells, raw, error: code, attempt, sourceRecord, hash, reason: 'max_attempts' });
    } else {
      this.counts.quarantined++;
      this.quarantine?.append({ cells: allCells, raw, error: code, attempt, sourceRecord, hash });
    }
    if (this.breaker.fail(error, code)) {
      this.haltedBy = this.breaker.message(error, code);
      return false;
    }
    return true;
  }

  /** Error counts by code name (what the manifest records and the breaker reads back). */
  errorCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    this.errors.forEach((n, i) => {
      if (n > 0 && i !== this.duplicateCode) out[this.codes[i]!] = n;
    });
    return out;
  }
}
