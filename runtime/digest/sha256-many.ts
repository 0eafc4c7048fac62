import { hash } from 'node:crypto';

/**
 * The `_row_hash` inputs of a chunk of records, described by their cells' byte ranges (`rowHash` in
 * row-hash.ts is the definition: each cell as byte length, `:`, bytes; a null cell — absent (-1), or one of
 * the contract's null values — as `-`).
 */
export interface DigestJob {
  /** The bytes the ranges point into (a chunk of the file, or a record rebuilt from doubled quotes). */
  readonly sources: readonly Uint8Array[];
  /** Per record: the index of its source. */
  readonly sourceOf: Int32Array;
  /** Per record and column (`record * columns + column`): the cell's byte range, -1 when absent. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly count: number;
  readonly columns: number;
  /** The contract's null values, as bytes. */
  readonly nullValues: readonly Uint8Array[];
}

/** SHA-256 of each record's `_row_hash` input: 32 bytes a record, in one array. */
export function rowDigests(job: DigestJob): Uint8Array {
  const out = new Uint8Array(job.count * 32);
  let scratch = Buffer.allocUnsafe(4096);
  const n = job.columns;
  for (let r = 0; r < job.count; r++) {
    const bytes = job.sources[job.sourceOf[r]!]!;
    let need = 0;
    for (let i = 0; i < n; i++) {
      const s = job.start[r * n + i]!;
      need += s < 0 ? 1 : job.end[r * n + i]! - s + 12;
    }
    if (need > scratch.length) scratch = Buffer.allocUnsafe(need * 2);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const s = job.start[r * n + i]!;
      const e = job.end[r * n + i]!;
      if (s < 0 || isNullCell(bytes, s, e, job.nullValues)) {
        scratch[p++] = 45;
        continue;
      }
      const len = e - s;
      if (len < 10) scratch[p++] = 48 + len;
      else {
        const digits = String(len);
        for (let x = 0; x < digits.length; x++) scratch[p++] = digits.charCodeAt(x);
      }
      scratch[p++] = 58;
      for (let x = s; x < e; x++) scratch[p++] = bytes[x]!;
    }
    const digest = hash('sha256', scratch.subarray(0, p), 'binary');
    let o = r * 32;
    for (let x = 0; x < 32; x++) out[o++] = digest.charCodeAt(x);
  }
  return out;
}

function isNullCell(bytes: Uint8Array, s: number, e: number, nulls: readonly Uint8Array[]): boolean {
  for (let k = 0; k < nulls.length; k++) {
    const v = nulls[k]!;
    if (v.length !== e - s) continue;
    let same = true;
    for (let x = 0; x < v.length && same; x++) same = bytes[s + x] === v[x];
    if (same) return true;
  }
  return false;
}
