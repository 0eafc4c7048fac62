import type { CsvRecord, DatasetDescriptor, RowValues, ValidateRecord } from '../dataset-module';
import { RecordStatus } from '../csv/csv-reader';
import { FingerprintSet, valueFingerprint } from '../dedup/fingerprint-set';
import type { DigestPool } from '../digest/digest-pool';
import type { ChunkDigests, DigestJob } from '../digest/sha256-many';
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
 * The records of one chunk of input between validation and routing: their values (columns of numbers and
 * cells' byte ranges, written there by the validator), the bytes they point into, and the cells of the
 * invalid ones. Their `_row_hash` is computed from the ranges on the digest thread; rows are decided in
 * record order once the chunk's digests are back.
 */
export class PendingChunk {
  count = 0;
  error = new Int32Array(0);
  sourceRecord = new Float64Array(0);
  attempt = new Int32Array(0);
  num = new Float64Array(0);
  start = new Int32Array(0);
  end = new Int32Array(0);
  isNull = new Uint8Array(0);
  /** Values that need a bigint, by `row * columns + column`. */
  readonly big = new Map<number, bigint>();
  bytes: Uint8Array[] = [];
  cells: ((string | null)[] | undefined)[] = [];
  digests: Promise<ChunkDigests> | undefined;

  constructor(readonly columns: number) {
    this.grow(1024);
  }

  reserve(): void {
    if (this.count === this.error.length) this.grow(this.count * 2);
  }

  private grow(capacity: number): void {
    const n = this.columns;
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number, make: (k: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.error = copy(this.error, capacity, (k) => new Int32Array(k));
    this.sourceRecord = copy(this.sourceRecord, capacity, (k) => new Float64Array(k));
    this.attempt = copy(this.attempt, capacity, (k) => new Int32Array(k));
    this.num = copy(this.num, capacity * n, (k) => new Float64Array(k));
    this.start = copy(this.start, capacity * n, (k) => new Int32Array(k));
    this.end = copy(this.end, capacity * n, (k) => new Int32Array(k));
    this.isNull = copy(this.isNull, capacity * n, (k) => new Uint8Array(k));
  }
}

/**
 * Routes each record (DESIGN.md, rules the runtime keeps): a record that is not UTF-8, badly quoted or of
 * the wrong cell count, or that fails a column rule, is quarantined with the error naming the rule and
 * column — or condemned, when this was its last attempt; an exact copy of an accepted row is condemned as
 * `duplicate`; a `unique` value already accepted is quarantined (`unique:col`); the rest is silver. Every
 * failure but duplicates counts toward the circuit breaker, which halts the run.
 *
 * It works a chunk at a time, in two steps: `route` validates each record and queues its `_row_hash`
 * input; `endChunk` hashes the chunk on the digest thread and meanwhile decides the previous chunk's rows,
 * in record order, so the thread reading the file never waits for SHA-256.
 */
export class RowRouter {
  readonly counts: RouterCounts = { in: 0, silver: 0, quarantined: 0, condemned: 0, condemnedDuplicate: 0, condemnedMaxAttempts: 0 };
  /** Failing rows per error code (the index in descriptor.errorCodes); duplicates not counted. */
  readonly errors: Float64Array;
  /** Why the run halted, once it has. */
  haltedBy: string | undefined;

  private readonly row: RowValues;
  private readonly codes: readonly string[];
  private readonly utf8Code: number;
  private readonly quoteCode: number;
  private readonly cellCountCode: number;
  private readonly duplicateCode: number;
  private readonly uniqueColumns: number[];
  private readonly uniqueCodes: number[];
  /** The unique columns of type string, whose fingerprints the digest thread computes (as DigestJob.fingerprintColumns). */
  private readonly threadFingerprinted: Int32Array;
  private readonly n: number;
  private readonly stringColumn: Uint8Array;
  /** Columns whose values may need a bigint (bigint, decimal beyond 15 digits). */
  private readonly bigColumns: number[];
  private readonly nullBytes: Uint8Array[];
  private current: PendingChunk;
  /** Hashed, waiting to be decided. */
  private previous: PendingChunk | undefined;
  private spare: PendingChunk | undefined;
  private readonly fp = new Int32Array(3);
  /** Keeps the prefetching loads of decide() from being optimised away. */
  touchedSink = 0;

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
    private readonly digests: DigestPool,
    /** Check exact duplicates (always, but for benchmarks measuring validation alone). */
    private readonly checkDuplicates = true,
  ) {
    const n = d.columns.length;
    this.n = n;
    this.row = { num: new Float64Array(n), big: new Array(n).fill(null), start: new Int32Array(n), end: new Int32Array(n), isNull: new Uint8Array(n) };
    this.stringColumn = Uint8Array.from(d.columns, (c) => (c.type.kind === 'string' ? 1 : 0));
    this.bigColumns = d.columns.flatMap((c, i) => (c.type.kind === 'bigint' || (c.type.kind === 'decimal' && c.type.precision > 15) ? [i] : []));
    this.nullBytes = d.source.nullValues.map((v) => new Uint8Array(Buffer.from(v, 'utf8')));
    this.codes = d.errorCodes;
    this.errors = new Float64Array(d.errorCodes.length);
    this.utf8Code = this.code('utf8');
    this.quoteCode = this.code('quote');
    this.cellCountCode = this.code('cell_count');
    this.duplicateCode = this.code('duplicate');
    this.uniqueColumns = d.columns.flatMap((c, i) => (c.unique ? [i] : []));
    this.uniqueCodes = this.uniqueColumns.map((i) => this.code(`unique:${d.columns[i]!.name}`));
    this.threadFingerprinted = Int32Array.from(this.uniqueColumns.filter((i) => this.stringColumn[i] === 1));
    this.current = new PendingChunk(n);
    this.row.num = this.current.num;
    this.row.start = this.current.start;
    this.row.end = this.current.end;
    this.row.isNull = this.current.isNull;
  }

  private code(name: string): number {
    const i = this.codes.indexOf(name);
    if (i < 0) throw new Error(`the dataset module has no error code ${name}`);
    return i;
  }

  /** Validates one record and queues it; `attempt` is 1 on delivery, +1 per retry. False once halted. */
  route(src: RecordSource, sourceRecord: number, attempt: number): boolean {
    if (this.haltedBy) return false;
    const rec = src.record;
    if (src.status === RecordStatus.utf8 || (src.status === RecordStatus.quote && !src.rawRecordIsUtf8())) {
      return this.decideNow(src.rawRecordHex(), this.utf8Code, attempt, sourceRecord);
    }
    if (src.status === RecordStatus.quote) return this.decideNow(src.rawRecord(), this.quoteCode, attempt, sourceRecord);
    if (rec.cellCount !== this.cellCount) return this.decideNow(src.rawRecord(), this.cellCountCode, attempt, sourceRecord);

    const c = this.current;
    c.reserve();
    const j = c.count++;
    const n = this.n;
    const base = j * n;
    const row = this.row;
    if (row.num !== c.num) {
      row.num = c.num;
      row.start = c.start;
      row.end = c.end;
      row.isNull = c.isNull;
    }
    const error = this.validate(rec, row, base);
    c.error[j] = error;
    c.sourceRecord[j] = sourceRecord;
    c.attempt[j] = attempt;
    c.bytes[j] = rec.bytes;
    if (error !== 0) {
      // The validator stopped at the failing column: the hash needs every cell's range.
      const layout = this.layout;
      for (let i = 0; i < n; i++) {
        const k = layout[i]!;
        c.start[base + i] = k < 0 ? -1 : rec.starts[k]!;
        c.end[base + i] = k < 0 ? -1 : rec.ends[k]!;
      }
      c.cells[j] = this.cells(rec);
      return true;
    }
    const bigColumns = this.bigColumns;
    for (let x = 0; x < bigColumns.length; x++) {
      const i = bigColumns[x]!;
      const big = row.big[i];
      if (big !== null && big !== undefined) {
        c.big.set(base + i, big);
        row.big[i] = null;
      }
    }
    return true;
  }

  /** After a chunk of input: hash what it queued, and decide the chunk before it. */
  async endChunk(): Promise<void> {
    const c = this.current;
    if (c.count > 0) c.digests = this.digests.digest(this.digestJob(c));
    if (this.previous) await this.decide(this.previous);
    this.previous = c.count > 0 ? c : undefined;
    this.current = this.spare ?? new PendingChunk(this.n);
    this.spare = undefined;
  }

  /** Decides everything still queued. */
  async finish(): Promise<void> {
    await this.endChunk();
    await this.endChunk();
  }

  /** What the digest thread needs for a chunk: copies of the bytes its rows point into, and their cells' ranges. */
  private digestJob(c: PendingChunk): DigestJob {
    const sources: Uint8Array[] = [];
    const index = new Map<Uint8Array, number>();
    const sourceOf = new Int32Array(c.count);
    for (let j = 0; j < c.count; j++) {
      const b = c.bytes[j]!;
      let k = index.get(b);
      if (k === undefined) {
        k = sources.length;
        index.set(b, k);
        sources.push(new Uint8Array(b)); // a copy (Buffer.slice would be a view)
      }
      sourceOf[j] = k;
    }
    const n = this.n;
    return { sources, sourceOf, start: c.start.slice(0, c.count * n), end: c.end.slice(0, c.count * n), count: c.count, columns: n, nullValues: this.nullBytes, fingerprintColumns: this.threadFingerprinted };
  }

  /** Routes a chunk's rows in record order, with their digests. */
  private async decide(c: PendingChunk): Promise<void> {
    const { digests, fingerprints } = await c.digests!;
    c.digests = undefined;
    const digestWords = new Int32Array(digests.buffer, digests.byteOffset, digests.byteLength >> 2);
    const m = c.count;
    const n = this.n;
    const rowKeys = new Int32Array(m * 3);
    for (let j = 0; j < m; j++) {
      const p = j * 32;
      rowKeys[j * 3] = (digests[p]! << 24) | (digests[p + 1]! << 16) | (digests[p + 2]! << 8) | digests[p + 3]!;
      rowKeys[j * 3 + 1] = (digests[p + 4]! << 24) | (digests[p + 5]! << 16) | (digests[p + 6]! << 8) | digests[p + 7]!;
      rowKeys[j * 3 + 2] = (digests[p + 8]! << 24) | (digests[p + 9]! << 16) | (digests[p + 10]! << 8) | digests[p + 11]!;
    }
    const u = this.uniqueColumns.length;
    const fp = this.fp;
    // The unique values' fingerprints, all at once (a row that turns out invalid or a duplicate is skipped).
    const allUnique: Int32Array[] = [];
    const threaded = this.threadFingerprinted.length;
    for (let x = 0; x < u; x++) {
      const i = this.uniqueColumns[x]!;
      const keys = new Int32Array(m * 3);
      const k = this.threadFingerprinted.indexOf(i);
      for (let j = 0; j < m; j++) {
        const at = j * n + i;
        if (c.error[j] !== 0 || c.isNull[at] === 1) continue;
        if (k >= 0) {
          // Strings: fingerprinted on the digest thread, from the same bytes.
          const o = (j * threaded + k) * 3;
          keys[j * 3] = fingerprints[o]!;
          keys[j * 3 + 1] = fingerprints[o + 1]!;
          keys[j * 3 + 2] = fingerprints[o + 2]!;
          continue;
        }
        valueFingerprint(c.big.has(at) ? String(c.big.get(at)) : String(c.num[at]), fp);
        keys[j * 3] = fp[0]!;
        keys[j * 3 + 1] = fp[1]!;
        keys[j * 3 + 2] = fp[2]!;
      }
      allUnique.push(keys);
    }
    const uniqueSlots = new Int32Array(u);
    let touched = 0;
    const rows = this.index.rows;
    for (let j = 0; j < m; j++) {
      if (this.haltedBy) break;
      if ((j & 15) === 0) {
        // Fetch the next sixteen rows' slots together: their cache and TLB misses overlap.
        const to = Math.min(m, j + 16);
        if (this.checkDuplicates) touched ^= rows.touch(rowKeys, j, to);
        for (let x = 0; x < u; x++) touched ^= this.index.unique[this.uniqueColumns[x]!]!.touch(allUnique[x]!, j, to);
      }
      if (c.error[j] !== 0) {
        this.reject(c.cells[j]!, null, c.error[j]!, c.attempt[j]!, c.sourceRecord[j]!, digests.subarray(j * 32, j * 32 + 32));
        continue;
      }
      const a = rowKeys[j * 3]!;
      const b = rowKeys[j * 3 + 1]!;
      const k3 = rowKeys[j * 3 + 2]!;
      const rowSlot = this.checkDuplicates ? rows.find(a, b, k3) : -1;
      if (rowSlot >= 0) {
        this.counts.in++;
        this.counts.condemned++;
        this.counts.condemnedDuplicate++;
        this.condemned?.append({ cells: this.pendingCells(c, j), raw: null, error: 'duplicate', attempt: c.attempt[j]!, sourceRecord: c.sourceRecord[j]!, digest: digests.subarray(j * 32, j * 32 + 32), reason: 'duplicate' });
        continue;
      }
      let clash = -1;
      for (let x = 0; x < u && clash < 0; x++) {
        const i = this.uniqueColumns[x]!;
        if (c.isNull[j * n + i] === 1) {
          uniqueSlots[x] = 0;
          continue;
        }
        const keys = allUnique[x]!;
        const slot = this.index.unique[i]!.find(keys[j * 3]!, keys[j * 3 + 1]!, keys[j * 3 + 2]!);
        if (slot >= 0) clash = x;
        uniqueSlots[x] = slot;
      }
      if (clash >= 0) {
        this.reject(this.pendingCells(c, j), null, this.uniqueCodes[clash]!, c.attempt[j]!, c.sourceRecord[j]!, digests.subarray(j * 32, j * 32 + 32));
        continue;
      }
      // Accepted: insert where the lookups found room (the sets are distinct, so no insert moved them).
      if (this.checkDuplicates) rows.insertAt(rowSlot, a, b, k3);
      for (let x = 0; x < u; x++) {
        if (uniqueSlots[x] === 0 && c.isNull[j * n + this.uniqueColumns[x]!] === 1) continue;
        const keys = allUnique[x]!;
        this.index.unique[this.uniqueColumns[x]!]!.insertAt(uniqueSlots[x]!, keys[j * 3]!, keys[j * 3 + 1]!, keys[j * 3 + 2]!);
      }
      this.counts.in++;
      this.counts.silver++;
      this.silver?.append(c, j, digestWords);
    }
    this.touchedSink ^= touched;
    this.recycle(c);
  }

  private recycle(c: PendingChunk): void {
    c.count = 0;
    c.big.clear();
    c.bytes.fill(undefined as unknown as Uint8Array);
    c.cells.fill(undefined);
    this.spare = c;
  }

  /** A valid row's cells as delivered (for condemned rows and unique errors), from their byte ranges. */
  private pendingCells(c: PendingChunk, j: number): (string | null)[] {
    const out = new Array<string | null>(this.n);
    const b = c.bytes[j]!;
    const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < this.n; i++) {
      const at = j * this.n + i;
      out[i] = c.start[at]! < 0 ? null : bytes.toString('latin1', c.start[at]!, c.end[at]!);
    }
    return out;
  }

  /** The record's cells in contract order, as delivered (latin1 bytes); null where the file lacks the column. */
  private cells(rec: CsvRecord): (string | null)[] {
    const out = new Array<string | null>(this.n);
    for (let i = 0; i < this.n; i++) {
      const k = this.layout[i]!;
      out[i] = k < 0 ? null : rec.text.slice(rec.starts[k], rec.ends[k]);
    }
    return out;
  }

  /** A record that fails before its cells are read: decided at once (it has no `_row_hash`). */
  private decideNow(raw: string, error: number, attempt: number, sourceRecord: number): boolean {
    this.reject(new Array<string | null>(this.n).fill(null), raw, error, attempt, sourceRecord, null);
    return !this.haltedBy;
  }

  private reject(cells: (string | null)[], raw: string | null, error: number, attempt: number, sourceRecord: number, digest: Uint8Array | null): void {
    const code = this.codes[error]!;
    this.counts.in++;
    this.errors[error]!++;
    if (attempt >= this.d.quality.maxAttempts) {
      this.counts.condemned++;
      this.counts.condemnedMaxAttempts++;
      this.condemned?.append({ cells, raw, error: code, attempt, sourceRecord, digest, reason: 'max_attempts' });
    } else {
      this.counts.quarantined++;
      this.quarantine?.append({ cells, raw, error: code, attempt, sourceRecord, digest });
    }
    if (this.breaker.fail(error)) this.haltedBy = this.breaker.message(error, code);
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
