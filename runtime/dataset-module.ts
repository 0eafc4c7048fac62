/**
 * What a generated dataset module (generators/validator, written by `lakec build` under `validators/`)
 * exports, and what the runtime hands it. Generated modules import these types only (`import type`), so a
 * compiled module has no imports at all and loads from anywhere: the CLI's cache, a Lambda bundle.
 */

/** A column type, as the contract spells it (the same shape as the model's ColumnType). */
export type CellType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'double' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number };

export type CellTypeKind = CellType['kind'];

export interface ColumnDescriptor {
  readonly name: string;
  /** The header cell this column is read from. */
  readonly sourceName: string;
  readonly type: CellType;
  readonly required: boolean;
  readonly unique: boolean;
}

export type PartitionTransform = 'year' | 'month' | 'day';

export interface PartitionDescriptor {
  readonly name: string;
  /** Index in `columns` of the date/timestamp column the key is computed from (UTC). */
  readonly column: number;
  readonly transform: PartitionTransform;
}

/** One physical table of the dataset, from generators/tables (the same definition as the Glue table). */
export interface TableLayout {
  readonly database: string;
  /** The Glue table covering all runs. */
  readonly name: string;
  /** What readers query: `{name}_{schema_v}` (`…_condemned`), published runs only. */
  readonly readerName: string;
  /** Key prefix of the table's files, ending in `/`. */
  readonly prefix: string;
  /** The columns stored in each file, in file order. */
  readonly columns: readonly { readonly name: string; readonly type: CellType }[];
  /** Path segments (`year=…`) and `run_id`; not stored in the files. */
  readonly partitionKeys: readonly { readonly name: string; readonly type: 'int' | 'string' }[];
}

export interface SourceOptions {
  readonly delimiter: string;
  readonly quote: string;
  readonly header: boolean;
  readonly nullValues: readonly string[];
}

export interface QualityOptions {
  readonly maxQuarantineRate: number;
  readonly maxAttempts: number;
  readonly circuitBreakerPerHour: number;
}

/** Everything the runtime needs to know about one contract (`domain.name@vN`), as plain data. */
export interface DatasetDescriptor {
  readonly format: 'lakec.dataset/1';
  readonly id: { readonly domain: string; readonly name: string; readonly schemaV: string };
  /** `domain.name@vN`. */
  readonly key: string;
  /** The contract file, relative to the specs directory. */
  readonly contractFile: string;
  /** SHA-256 of the contract's model: which rules validated a run (recorded in its manifest). */
  readonly contractSha256: string;
  readonly deprecated: boolean;
  readonly source: SourceOptions;
  readonly columns: readonly ColumnDescriptor[];
  readonly partitions: readonly PartitionDescriptor[];
  readonly quality: QualityOptions;
  readonly tables: {
    readonly bronze: TableLayout;
    readonly silver: TableLayout;
    readonly quarantine: TableLayout;
    readonly condemned: TableLayout;
  };
  /**
   * Every error a row can get, by number: index 0 is the empty string (valid), then RUNTIME_ERRORS in that
   * order, then the column rules the validator returns (`type:amount`), then `unique:…` for unique columns.
   */
  readonly errorCodes: readonly string[];
}

/**
 * Errors the runtime assigns itself: a record that is not UTF-8, is badly quoted or has the wrong number of
 * cells (found before any column is looked at), and an exact duplicate of an accepted row (condemned).
 */
export const RUNTIME_ERRORS = ['utf8', 'quote', 'cell_count', 'duplicate'] as const;
export type RuntimeError = (typeof RUNTIME_ERRORS)[number];

/**
 * One CSV record as the reader hands it over. `text` holds the bytes of `bytes` as characters (latin1), so
 * offsets are byte offsets and a cell's UTF-8 byte length is its length; both are usually the whole chunk,
 * and cell k is `text.slice(starts[k], ends[k])` (quotes removed, doubled quotes already undone).
 */
export interface CsvRecord {
  text: string;
  bytes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  cellCount: number;
  /** Every byte of `text` is ASCII, so it is also the decoded string. */
  ascii: boolean;
}

/**
 * Where the validator writes a record's values: column arrays of a chunk of records, the record's values at
 * `base + column`. Numbers hold int, double, boolean (0/1), date (days since 1970-01-01), timestamp (UTC
 * epoch ms) and decimal (unscaled) values that are exact as doubles; `big` (indexed by column only, one
 * record at a time) holds bigint and decimal values that are not, and is null otherwise. `start`/`end`
 * are the byte range of each cell the file has (-1 when it lacks the column): a string value is not
 * copied, and the cells stay at hand as delivered. `isNull` is 1 for a null cell.
 */
export interface RowValues {
  num: Float64Array;
  readonly big: (bigint | null)[];
  start: Int32Array;
  end: Int32Array;
  isNull: Uint8Array;
}

/** Cell index in the record for each column (contract order), -1 when the file has no such column. */
export type CellLayout = Int32Array;

/**
 * Returns 0 when the record is valid (its values in `row` at `base + column`), else the index of its error
 * in `errorCodes` (the values of the columns after the failing one are then not written).
 */
export type ValidateRecord = (rec: CsvRecord, row: RowValues, base: number) => number;

/** The helpers a generated validator may use; the runtime passes them in (see runtime/validator-runtime.ts). */
export interface ValidatorRuntime {
  /** Days since 1970-01-01 of a valid calendar date (years 1–9999), or undefined. */
  daysFromCivil(y: number, m: number, d: number): number | undefined;
  /** Unscaled value of a decimal(p,s) cell that fits, or undefined (runtime/cells/numeric.ts). */
  parseDecimalCell(cell: string, precision: number, scale: number): bigint | undefined;
  /** A base-10 integer cell in int/bigint range, or undefined. */
  parseIntegerCell(cell: string, kind: 'int' | 'bigint'): bigint | undefined;
  /** A latin1 (byte) string decoded as UTF-8. */
  utf8(bytes: string): string;
}

/** A generated dataset module. */
export interface DatasetModule {
  readonly descriptor: DatasetDescriptor;
  createValidator(rt: ValidatorRuntime, layout: CellLayout): ValidateRecord;
}
