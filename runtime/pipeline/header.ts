import type { DatasetDescriptor } from '../dataset-module';

/** How a file's header maps to the contract's columns (DESIGN.md: cells are matched by header name). */
export interface HeaderMatch {
  /** Cell index of each column (contract order), -1 when the file lacks it. */
  readonly layout: Int32Array;
  /** Cells a record must have. */
  readonly cellCount: number;
  /** Optional columns the file lacks (read as null): drift. */
  readonly missing: readonly string[];
  /** Header cells no column reads (not loaded): drift. */
  readonly extra: readonly string[];
  /** Why the file is rejected whole, or undefined. */
  readonly rejection?: string;
}

/**
 * Matches header cells (exact, case-sensitive, after the reader removed a BOM) to the contract's source
 * names. A required column missing, or a header cell named twice, rejects the file: nothing in it can be
 * placed safely. Without a header, cells are read by position.
 */
export function matchHeader(d: DatasetDescriptor, header: readonly string[] | undefined): HeaderMatch {
  const n = d.columns.length;
  if (!header) {
    return { layout: Int32Array.from({ length: n }, (_, i) => i), cellCount: n, missing: [], extra: [] };
  }
  const seen = new Map<string, number>();
  const twice: string[] = [];
  header.forEach((h, i) => {
    if (seen.has(h)) twice.push(h);
    else seen.set(h, i);
  });
  const layout = new Int32Array(n).fill(-1);
  const missing: string[] = [];
  const missingRequired: string[] = [];
  d.columns.forEach((c, i) => {
    const at = seen.get(c.sourceName);
    if (at === undefined) (c.required ? missingRequired : missing).push(c.sourceName);
    else layout[i] = at;
  });
  const read = new Set(d.columns.map((c) => c.sourceName));
  const extra = [...new Set(header.filter((h) => !read.has(h)))];
  let rejection: string | undefined;
  if (header.length === 1 && header[0] === '' && n > 0) {
    rejection = 'the header is empty';
  } else if (missingRequired.length) {
    const near = missingRequired.map((m) => {
      const close = header.find((h) => h.toLowerCase() === m.toLowerCase() || h.trim() === m);
      return close !== undefined ? `\`${m}\` (the header has \`${close}\`)` : `\`${m}\``;
    });
    rejection = `the header lacks required column${missingRequired.length > 1 ? 's' : ''} ${near.join(', ')}`;
  } else if (twice.some((h) => read.has(h))) {
    rejection = `the header names ${twice.filter((h) => read.has(h)).map((h) => `\`${h}\``).join(', ')} more than once`;
  }
  return { layout, cellCount: header.length, missing, extra, ...(rejection ? { rejection } : {}) };
}
