import { hash } from 'node:crypto';
import type { CsvRecord } from './dataset-module';

/**
 * `_row_hash`, DESIGN.md's one definition: the lowercase hex SHA-256 of the record's raw cells for the
 * contract's columns, in contract order, concatenated, each written as its UTF-8 byte length in decimal,
 * `:`, and the cell's bytes — a null cell (one of the contract's null_values, or a column the file lacks)
 * as `-` alone. No separator is needed: a length prefix says where each cell ends, so no two different
 * records share an input. Example: cells `S1`, null, `10.00` hash the bytes `2:S1-5:10.00`.
 *
 * The same in SQL, per cell `c` in contract order (DuckDB; Trino uses `lower(to_hex(sha256(to_utf8(…))))`):
 * `CASE WHEN c IS NULL OR c IN (null_values) THEN '-' ELSE octet_length(encode(c)) || ':' || c END`,
 * concatenated, then `sha256(…)`.
 */
export function rowHash(cells: readonly (string | null)[]): string {
  const parts: Buffer[] = [];
  for (const cell of cells) {
    if (cell === null) {
      parts.push(Buffer.from('-'));
    } else {
      const bytes = Buffer.from(cell, 'utf8');
      parts.push(Buffer.from(`${bytes.length}:`), bytes);
    }
  }
  return hash('sha256', Buffer.concat(parts), 'hex');
}

/**
 * rowHash over a CSV record without decoding it: the cells are read as bytes (CsvRecord's latin1 text)
 * straight into a reused buffer. `layout[i]` is the cell of column i (-1: the file lacks it).
 */
export class RecordHasher {
  private scratch: Buffer = Buffer.allocUnsafe(4096);
  private views: Buffer[] = [];
  private readonly nullBytes: string[];

  constructor(nullValues: readonly string[]) {
    this.nullBytes = nullValues.map((v) => Buffer.from(v, 'utf8').toString('latin1'));
    this.makeViews();
  }

  hash(rec: CsvRecord, layout: Int32Array): string {
    const text = rec.text;
    let scratch = this.scratch;
    let p = 0;
    for (let i = 0; i < layout.length; i++) {
      const k = layout[i]!;
      const s = k < 0 ? 0 : rec.starts[k]!;
      const e = k < 0 ? 0 : rec.ends[k]!;
      // Room for the cell, its length (at most 10 digits) and the colon.
      if (p + (e - s) + 12 > scratch.length) scratch = this.growTo(p + (e - s) + 12, p);
      if (k < 0 || this.isNull(text, s, e)) {
        scratch[p++] = 45;
        continue;
      }
      const len = e - s;
      if (len < 10) {
        scratch[p++] = 48 + len;
      } else {
        const digits = String(len);
        for (let d = 0; d < digits.length; d++) scratch[p++] = digits.charCodeAt(d);
      }
      scratch[p++] = 58;
      for (let j = s; j < e; j++) scratch[p++] = text.charCodeAt(j);
    }
    return hash('sha256', p < this.views.length ? this.views[p]! : scratch.subarray(0, p), 'hex');
  }

  private isNull(text: string, s: number, e: number): boolean {
    const nulls = this.nullBytes;
    for (let n = 0; n < nulls.length; n++) {
      const v = nulls[n]!;
      if (v.length === e - s && (v.length === 0 || text.startsWith(v, s))) return true;
    }
    return false;
  }

  private growTo(size: number, used: number): Buffer {
    let length = this.scratch.length;
    while (length < size) length *= 2;
    const next = Buffer.allocUnsafe(length);
    this.scratch.copy(next, 0, 0, used);
    this.scratch = next;
    this.makeViews();
    return next;
  }

  /** Views of every length up to 512 bytes, made once, so hashing a typical record allocates nothing. */
  private makeViews(): void {
    this.views = [];
    for (let n = 0; n <= Math.min(512, this.scratch.length); n++) this.views.push(this.scratch.subarray(0, n));
  }
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;

/** The first 96 bits of a hex row hash as three 32-bit words (the key of a FingerprintSet). */
export function hexFingerprint(hex: string, out: Int32Array): void {
  for (let w = 0; w < 3; w++) {
    let v = 0;
    for (let k = w * 8; k < w * 8 + 8; k++) v = (v << 4) | HEX[hex.charCodeAt(k)]!;
    out[w] = v;
  }
}
