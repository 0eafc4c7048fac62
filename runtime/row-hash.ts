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
 * rowHash over a CSV record without decoding it: the cells' bytes are copied straight into a reused buffer.
 * `layout[i]` is the cell of column i (-1: the file lacks it). Returns the 32-byte digest as a latin1 string
 * (the Parquet writer spells it in hex; digestHex does the same).
 */
export class RecordHasher {
  private scratch: Buffer = Buffer.allocUnsafe(4096);
  private views: Buffer[] = [];
  private readonly nullBytes: string[];

  constructor(nullValues: readonly string[]) {
    this.nullBytes = nullValues.map((v) => Buffer.from(v, 'utf8').toString('latin1'));
    this.makeViews();
  }

  digest(rec: CsvRecord, layout: Int32Array): string {
    const text = rec.text;
    const bytes = rec.bytes;
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
      for (let j = s; j < e; j++) scratch[p++] = bytes[j]!;
    }
    return hash('sha256', p < this.views.length ? this.views[p]! : scratch.subarray(0, p), 'binary');
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

/** A digest (latin1 string of 32 bytes) in lowercase hex: `_row_hash` as stored. */
export function digestHex(digest: string): string {
  return Buffer.from(digest, 'latin1').toString('hex');
}

/** The first 96 bits of a digest (latin1 string) as three big-endian 32-bit words (a FingerprintSet key). */
export function digestFingerprint(digest: string, out: Int32Array): void {
  for (let w = 0; w < 3; w++) {
    const at = w * 4;
    out[w] = (digest.charCodeAt(at) << 24) | (digest.charCodeAt(at + 1) << 16) | (digest.charCodeAt(at + 2) << 8) | digest.charCodeAt(at + 3);
  }
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;

/** The same words from a hex `_row_hash` (as read back from silver). */
export function hexFingerprint(hex: string, out: Int32Array): void {
  for (let w = 0; w < 3; w++) {
    let v = 0;
    for (let k = w * 8; k < w * 8 + 8; k++) v = (v << 4) | HEX[hex.charCodeAt(k)]!;
    out[w] = v;
  }
}
