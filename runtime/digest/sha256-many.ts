import { hash } from 'node:crypto';
import { valueFingerprintOfBytes } from '../dedup/fingerprint-set';

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
  /** Columns whose cells also get a valueFingerprint (string `unique` columns), in this order. */
  readonly fingerprintColumns?: Int32Array;
}

/** What the digest thread returns for a chunk. */
export interface ChunkDigests {
  /** SHA-256 of each record's `_row_hash` input: 32 bytes a record. */
  readonly digests: Uint8Array;
  /** Per record and fingerprint column (`(record * columns + k) * 3`): the cell's valueFingerprint; zeros for an absent cell. */
  readonly fingerprints: Int32Array;
}

/** A chunk's `_row_hash` digests, and the fingerprints of its string `unique` cells (chunkDigests is one pass of the thread). */
export function chunkDigests(job: DigestJob): ChunkDigests {
  const digests = rowDigests(job);
  const columns = job.fingerprintColumns ?? new Int32Array(0);
  const fingerprints = new Int32Array(job.count * columns.length * 3);
  const fp = new Int32Array(3);
  const n = job.columns;
  for (let r = 0; r < job.count; r++) {
    const bytes = job.sources[job.sourceOf[r]!]!;
    for (let k = 0; k < columns.length; k++) {
      const at = r * n + columns[k]!;
      const s = job.start[at]!;
      if (s < 0) continue;
      valueFingerprintOfBytes(bytes, s, job.end[at]!, fp);
      const o = (r * columns.length + k) * 3;
      fingerprints[o] = fp[0]!;
      fingerprints[o + 1] = fp[1]!;
      fingerprints[o + 2] = fp[2]!;
    }
  }
  return { digests, fingerprints };
}

/** SHA-256 of each record's `_row_hash` input: 32 bytes a record, in one array. */
export function rowDigests(job: DigestJob): Uint8Array {
  const out = new Uint8Array(job.count * 32);
  let scratch = Buffer.allocUnsafe(4096);
  // One view of the scratch buffer per input length: no Buffer is made per record.
  let views: Buffer[] = [];
  const { start, end, sourceOf, sources, nullValues } = job;
  const n = job.columns;
  // Lengths of the null values (below 31 bytes, as bits): most cells are ruled out by their length alone.
  let nullLengths = 0;
  let longNull = false;
  for (const v of nullValues) {
    if (v.length < 31) nullLengths |= 1 << v.length;
    else longNull = true;
  }
  for (let r = 0; r < job.count; r++) {
    const bytes = sources[sourceOf[r]!]!;
    const base = r * n;
    let need = 0;
    for (let i = 0; i < n; i++) {
      const s = start[base + i]!;
      need += s < 0 ? 1 : end[base + i]! - s + 12;
    }
    if (need > scratch.length) {
      scratch = Buffer.allocUnsafe(need * 2);
      views = [];
    }
    let p = 0;
    for (let i = 0; i < n; i++) {
      const s = start[base + i]!;
      const e = end[base + i]!;
      const len = e - s;
      const mayBeNull = len < 31 ? ((nullLengths >>> len) & 1) === 1 : longNull;
      if (s < 0 || (mayBeNull && isNullCell(bytes, s, e, nullValues))) {
        scratch[p++] = 45;
        continue;
      }
      if (len < 10) scratch[p++] = 48 + len;
      else if (len < 100) {
        scratch[p++] = 48 + ((len / 10) | 0);
        scratch[p++] = 48 + (len % 10);
      } else {
        const digits = String(len);
        for (let x = 0; x < digits.length; x++) scratch[p++] = digits.charCodeAt(x);
      }
      scratch[p++] = 58;
      for (let x = s; x < e; x++) scratch[p++] = bytes[x]!;
    }
    const view = (views[p] ??= scratch.subarray(0, p));
    const digest = hash('sha256', view, 'binary');
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
