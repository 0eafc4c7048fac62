/**
 * What `lakec run --engine duckdb` executes for one dataset contract: the contract's validation compiled to
 * DuckDB SQL (generators/sql/etl/duckdb-etl.ts, also written by `lakec build` under
 * `sql/duckdb/etl/…`). The runtime never imports generators/: the CLI generates this plan and hands it over
 * as plain text. Statements read the relations the engine loads first — `bronze_lines(record, line,
 * raw_hex)`, `bronze_header(line)`, `published_rows` — and take named parameters (`$name`).
 */
export const DUCKDB_PLAN_FORMAT = 'lakec.duckdb-etl/1';

export interface DuckDbEtlPlan {
  readonly format: typeof DUCKDB_PLAN_FORMAT;
  /** `domain.name@vN`. */
  readonly dataset: string;
  /** `CREATE OR REPLACE TEMP TABLE published_rows …`: from Parquet files (`$files`), or empty. */
  readonly publishedRows: { readonly fromFiles: string; readonly empty: string };
  /** `CREATE OR REPLACE TEMP TABLE routed AS …`: every record and its decision. */
  readonly routed: string;
  /**
   * The same with many more first-occurrence rounds, for the rare file whose rows sharing unique values form
   * long chains (only for contracts with two or more unique columns; `routed` then routes such rows `undecided`).
   */
  readonly routedExhaustive?: string;
  /** Rows by `layer`, `validation_error`, `condemned_reason` (`row_count`). */
  readonly counts: string;
  /** `open_record` (the first line leaving a quoted cell open), `last_record`. */
  readonly openQuote: string;
  /** Failing rows (`validation_error`, `record`) the circuit breaker counts, in record order. */
  readonly failures: string;
  /** `COPY (rows) TO $path …` per table; parameters `$path`, `$run_id`, `$ingest_date`, `$source_file`. */
  readonly copies: { readonly silver: string; readonly quarantine: string; readonly condemned: string };
}
