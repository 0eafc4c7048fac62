import type { ColumnType } from '../contract/column-type';
import type { DatasetId } from '../contract/dataset-id';

/** The lake's layers as tables see them; condemned rows live in the quarantine bucket under their own prefix. */
export type Layer = 'bronze' | 'silver' | 'quarantine' | 'condemned' | 'gold';

/** The bucket a table's files live in. */
export type BucketRole = 'bronze' | 'silver' | 'gold' | 'quarantine';

export interface TableColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** Glue-safe: one line, no control characters, at most 255 characters. */
  readonly comment: string;
}

/** Athena partition projection of one key: nothing is ever registered by hand. */
export type Projection =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number; readonly digits?: number }
  | { readonly kind: 'date'; readonly format: string; readonly rangeStart: string; readonly interval: number; readonly unit: 'DAYS' | 'MONTHS' }
  | { readonly kind: 'injected' };

export interface PartitionKey {
  readonly name: string;
  readonly type: { readonly kind: 'int' } | { readonly kind: 'string' };
  readonly comment: string;
  readonly projection: Projection;
}

export type TableStorage =
  | { readonly kind: 'csv'; readonly delimiter: string; readonly quote: string; readonly skipHeaderLines: number }
  | { readonly kind: 'parquet' }
  /** Text read a line per row, the line whole in one column (bronze for Athena backfills: lakec splits the cells). */
  | { readonly kind: 'lines'; readonly skipHeaderLines: number };

/**
 * One physical Glue table: the one definition behind the Athena DDL, the Terraform Glue table in stacks/
 * and the equivalent DuckDB table in tests.
 */
export interface TableDef {
  readonly layer: Layer;
  readonly contract: DatasetId;
  /** Glue database, `{layer}_{domain}` (condemned tables live in `quarantine_{domain}`). */
  readonly database: string;
  /** Glue table name. */
  readonly name: string;
  /**
   * The name readers use (`{name}_{schema_v}`, `…_condemned`): a view over published runs only,
   * or the table itself where every row is readable (bronze).
   */
  readonly readerName: string;
  readonly description: string;
  readonly columns: readonly TableColumn[];
  readonly partitionKeys: readonly PartitionKey[];
  readonly storage: TableStorage;
  readonly bucket: BucketRole;
  /** Key prefix of the table's files in its bucket, ending in `/`. */
  readonly prefix: string;
  /** Path of one partition below the bucket, with `${key}` placeholders (Athena's storage.location.template). */
  readonly locationTemplate: string;
}
