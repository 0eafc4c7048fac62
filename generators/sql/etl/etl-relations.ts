import type { ColumnModel, DatasetModel } from '../../contract/dataset-model';
import type { SqlCte } from '../sql-node';
import type { SqlParam } from '../sql-param';

/**
 * The relations the contract's validation SQL reads and writes, by name. Each engine provides the inputs
 * its own way (DuckDB: temporary tables the engine loads from the delivery; Athena: CTEs over the bronze
 * lines table) and the same statements then judge every row.
 *
 * - `bronze_lines(record BIGINT, line VARCHAR, raw_hex VARCHAR)`: one row per data record of the delivery —
 *   its 1-based record number in the file (the header is record 1; 0 where the engine cannot know it), its
 *   text without the line end, or for a record that is not valid UTF-8 a NULL line and its bytes in
 *   lowercase hex.
 * - `bronze_header(line VARCHAR)`: the header record (no row without a header).
 * - `published_rows(_row_hash VARCHAR, _u0 …)`: `_row_hash` and the `unique` columns' values of the published
 *   silver rows this run is checked against.
 * - `routed`: every record with its decision (the rows of silver, quarantine and condemned).
 */
export const RELATIONS = {
  lines: 'bronze_lines',
  header: 'bronze_header',
  published: 'published_rows',
  routed: 'routed',
} as const;

/** Internal column names start with `_`, which no contract column may (DESIGN.md: those are metadata). */
export const cellColumn = (i: number): string => `_c${i}`;
export const valueColumn = (i: number): string => `_v${i}`;
export const nullColumn = (i: number): string => `_n${i}`;
export const positionColumn = (i: number): string => `_p${i}`;
export const uniqueColumn = (k: number): string => `_u${k}`;

/** Routed rows: which layer a record goes to (`undecided` only if first-occurrence rounds ran out). */
export type RoutedLayer = 'silver' | 'quarantine' | 'condemned' | 'undecided';

/** The run's constants every written row carries. */
export const RUN_ID_PARAM: SqlParam = { name: 'run_id', type: { kind: 'string' }, format: 'run_id' };
export const INGEST_DATE_PARAM: SqlParam = { name: 'ingest_date', type: { kind: 'date' }, format: 'date' };
export const SOURCE_FILE_PARAM: SqlParam = { name: 'source_file', type: { kind: 'string' }, format: 'object_key' };

/** The unique columns of a contract, in contract order, with their index in `columns`. */
export function uniqueColumns(d: DatasetModel): { column: ColumnModel; index: number }[] {
  const unique: { column: ColumnModel; index: number }[] = [];
  d.columns.forEach((column, index) => {
    if (column.unique) unique.push({ column, index });
  });
  return unique;
}

/**
 * How an engine orders records when "the first occurrence wins" (duplicates, unique values):
 * `record` — by record number (DuckDB knows it exactly); `hash` — Athena cannot see positions in a file
 * (every record is 0), so among records that tie, the smallest `_row_hash` comes first.
 */
export type RecordOrder = 'record' | 'hash';

export interface EtlOptions {
  readonly order: RecordOrder;
  /**
   * Rounds of the first-occurrence decision for contracts with two or more `unique` columns (one round is
   * always exact with fewer); records still undecided after them are routed `undecided`.
   */
  readonly rounds?: number;
  /** CTEs that provide the input relations (Athena builds them over its bronze lines table); DuckDB loads tables. */
  readonly inputs?: readonly SqlCte[];
  /** Where the routed rows are read from by the per-table queries (default: `routed`). */
  readonly routedTable?: { readonly schema: string; readonly name: string };
}
