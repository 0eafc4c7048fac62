import type { DatasetDescriptor } from '../dataset-module';
import { FingerprintSet, valueFingerprint } from '../dedup/fingerprint-set';
import type { PublishedRun } from '../publish/silver-published';
import { hexFingerprint } from '../row-hash';
import type { Storage } from '../storage/storage';
import { DedupIndex } from './row-router';

/** The silver files of runs, as keys. */
export function silverFiles(runs: readonly PublishedRun[]): string[] {
  return runs.flatMap((r) => r.partitions.flatMap((p) => p.files));
}

/**
 * Adds the `_row_hash` and `unique` values of silver files to an index: what a run's duplicate and unique
 * checks compare against (published silver of this schema_v, DESIGN.md).
 */
export async function addSilverFiles(storage: Storage, d: DatasetDescriptor, files: readonly string[], index: DedupIndex): Promise<void> {
  if (files.length === 0) return;
  // Loaded on first use: the Parquet reader (WebAssembly, Arrow) costs a run with nothing published a third of a second.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { canonicalValues, readParquetTable } = require('../parquet/parquet-reader') as typeof import('../parquet/parquet-reader');
  const unique = d.columns.flatMap((c, i) => (c.unique ? [i] : []));
  const columns = ['_row_hash', ...unique.map((i) => d.columns[i]!.name)];
  const fp = new Int32Array(3);
  for (const key of files) {
    const bytes = await storage.read(key);
    if (!bytes) throw new Error(`published silver file ${key} is missing`);
    const table = readParquetTable(bytes, columns);
    for (const hash of canonicalValues(table.getChild('_row_hash')!)) {
      if (hash === null) continue;
      hexFingerprint(hash, fp);
      index.rows.add(fp[0]!, fp[1]!, fp[2]!);
    }
    for (const i of unique) {
      const set = index.unique[i]!;
      for (const v of canonicalValues(table.getChild(d.columns[i]!.name)!)) {
        if (v === null) continue;
        valueFingerprint(v, fp);
        set.add(fp[0]!, fp[1]!, fp[2]!);
      }
    }
  }
}

/** An empty index sized for `rows` rows, as a run sizes it. */
export function dedupIndexFor(d: DatasetDescriptor, rows: number): DedupIndex {
  return new DedupIndex(d, Math.max(1 << 16, Math.ceil((rows * 4) / 3)));
}

/** An index of published silver, sized for the rows it will hold. */
export async function publishedIndex(storage: Storage, d: DatasetDescriptor, runs: readonly PublishedRun[], expectedNewRows: number): Promise<DedupIndex> {
  const publishedRows = runs.reduce((n, r) => n + r.rows.silver, 0);
  const index = dedupIndexFor(d, publishedRows + expectedNewRows);
  await addSilverFiles(storage, d, silverFiles(runs), index);
  return index;
}

/**
 * Whether any row of `ours` (silver files) is an exact copy of, or shares a unique value with, a row of
 * `theirs`: a run published meanwhile that this run's checks could not see.
 */
export async function overlaps(storage: Storage, d: DatasetDescriptor, ours: readonly string[], theirs: readonly string[]): Promise<string | undefined> {
  if (ours.length === 0 || theirs.length === 0) return undefined;
  const mine = new DedupIndex(d);
  await addSilverFiles(storage, d, ours, mine);
  const other = new DedupIndex(d);
  await addSilverFiles(storage, d, theirs, other);
  if (intersects(mine.rows, other.rows)) return 'an exact copy of a row';
  for (let i = 0; i < d.columns.length; i++) {
    if (mine.unique[i] && intersects(mine.unique[i]!, other.unique[i]!)) return `a \`${d.columns[i]!.name}\` value`;
  }
  return undefined;
}

function intersects(a: FingerprintSet, b: FingerprintSet): boolean {
  let found = false;
  a.forEach((x, y, z) => {
    if (!found && b.has(x, y, z)) found = true;
  });
  return found;
}
