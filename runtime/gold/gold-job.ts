/**
 * One Gold contract as the runtime runs it: plain data and DuckDB SQL text, printed by the CLI from the
 * model with generators/sql (the runtime never imports generators/). The statements read and write fixed
 * relations the job's own builders create, so the runtime only chooses files and values, never SQL text.
 */
export interface GoldJob {
  /** `domain.name@vN`. */
  readonly key: string;
  readonly id: { readonly domain: string; readonly name: string; readonly schemaV: string };
  /** SHA-256 of the contract's model (recorded in each run's manifest). */
  readonly contractSha256: string;
  /** `gold/{domain}/{name}/schema_v=vN/`: runs, `_LATEST.json`, `_runs/` and `_audit/` live below it. */
  readonly prefix: string;
  /** The period column, also the partition key of the run's files (`as_of_month`). */
  readonly period: string;
  /** Months (counting the latest) a run may change without `--allow-restatement`. */
  readonly openMonths: number;
  readonly source: {
    /** `domain.name@vN` of the silver dataset. */
    readonly key: string;
    /** Its `_PUBLISHED.json`. */
    readonly publishedKey: string;
  };
  readonly sql: GoldJobSql;
}

/** A statement taking named values (`$name`), with a binder that checks each value's format. */
export interface BoundSql {
  readonly text: string;
  /** The values the statement takes, checked (throws on a value of the wrong format or a missing one). */
  bind(values: GoldValues): Record<string, string>;
}

/** Everything a Gold statement may take; each statement binds the ones it uses. */
export interface GoldValues {
  readonly run_id: string;
  /** `yyyy-MM-dd HH:mm:ss.SSS`, UTC. */
  readonly published_at: string;
  readonly month_from: string;
  readonly month_to: string;
}

/** The two Gold runs a job compares or reconciles, as DuckDB views over their Parquet files. */
export type RunRelation = 'next' | 'previous';

export interface GoldJobSql {
  /** Statements creating the source's silver reader view over exactly these local Parquet files. */
  sourceView(paths: readonly string[]): string[];
  /** Creates the temporary table of the run's rows (the Gold query, columns in file order, period last). */
  readonly materialize: BoundSql;
  /** Writes the materialized rows to `dir` as Parquet (Snappy), one folder per period: `{period}=YYYY-MM/`. */
  copyTo(dir: string): string;
  /** Rows (`month`, `rows`) of the materialized table, oldest month first. */
  readonly monthCounts: string;
  /** Statements creating the `next` or `previous` relation over a run's local files (every stored column and the period). */
  runView(relation: RunRelation, paths: readonly string[]): string[];
  /** Column names of a run relation: rows (`column_name`). */
  describe(relation: RunRelation): string;
  /** Reconciliation of `next` with silver: rows (`check_name`, `detail`), none when consistent. */
  readonly reconcile: BoundSql;
  /**
   * Months of `previous` whose rows differ in `next`: rows (`month`, `changed_rows`), oldest first. Compares
   * the dimensions and the measures that both runs store (a measure added since is not a restatement).
   */
  restatement(columnsOfPrevious: readonly string[]): string;
}
