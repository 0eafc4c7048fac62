import { hash } from 'node:crypto';

/**
 * `_row_hash`, DESIGN.md's one definition: the lowercase hex SHA-256 of the record's raw cells for the
 * contract's columns, in contract order, concatenated, each written as its UTF-8 byte length in decimal,
 * `:`, and the cell's bytes — a null cell (one of the contract's null_values, or a column the file lacks)
 * as `-` alone. No separator is needed: a length prefix says where each cell ends, so no two different
 * records share an input. Example: cells `S1`, null, `10.00` hash the bytes `2:S1-5:10.00`.
 *
 * The same in SQL, per cell `c` in contract order (DuckDB; Trino uses `lower(to_hex(sha256(to_utf8(…))))`):
 * `CASE WHEN c IS NULL OR c IN (null_values) THEN '-' ELSE octet_length(encode(c)) || ':' || c END`,
 * concatenated, then `sha256(…)`. The pipeline builds the same bytes straight from a record's cells
 * (RowRouter.queueHashInput) and hashes them on the digest thread; tests hold the two to this function.
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

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * The first 96 bits of a hex `_row_hash` (as read back from silver) as three big-endian 32-bit words: the
 * key of the exact-duplicate set. The router takes the same words from the digest bytes.
 */
export function hexFingerprint(hex: string, out: Int32Array): void {
  for (let w = 0; w < 3; w++) {
    let v = 0;
    for (let k = w * 8; k < w * 8 + 8; k++) v = (v << 4) | HEX[hex.charCodeAt(k)]!;
    out[w] = v;
  }
}
