import { RUN_ID_PATTERN } from '../publish/run-id';

/**
 * What an Athena backfill executes for one dataset contract: the contract's validation compiled to Athena
 * (Trino) SQL by generators/sql/etl/athena-etl.ts, as plain text with `{{name}}` placeholders, each statement
 * with the workgroup it must run in (Athena encrypts what a statement writes with its workgroup's key, and
 * each bucket accepts only its own). The backfill state machine (stacks/orchestration/backfill.ts) and
 * `lakec backfill --engine athena` run these same statements for every delivery.
 */
export const ATHENA_PLAN_FORMAT = 'lakec.athena-etl/1';

/** platform: DDL, queries and the routed rows (results bucket); silver / quarantine: writes to those buckets. */
export type AthenaEtlWorkgroup = 'platform' | 'silver' | 'quarantine';

export const ATHENA_ETL_STEPS = [
  'drop-routed',
  'drop-silver-stage',
  'drop-quarantine-stage',
  'drop-condemned-stage',
  'open-quote',
  'create-routed',
  'counts',
  'create-silver-stage',
  'create-quarantine-stage',
  'create-condemned-stage',
  'partition-windows',
  'insert-silver',
  'insert-quarantine',
  'insert-condemned',
  'files-silver',
  'files-quarantine',
  'files-condemned',
] as const;
export type AthenaEtlStepName = (typeof ATHENA_ETL_STEPS)[number];

export interface AthenaEtlStatement {
  readonly name: AthenaEtlStepName;
  readonly description: string;
  readonly sql: string;
  /** Its `{{placeholders}}`, in order of first use. */
  readonly params: readonly AthenaEtlParam[];
  readonly workgroup: AthenaEtlWorkgroup;
  /** The database unqualified names resolve in. */
  readonly database: string;
}

export interface AthenaEtlPlan {
  readonly format: typeof ATHENA_PLAN_FORMAT;
  /** `domain.name@vN`. */
  readonly dataset: string;
  readonly steps: Readonly<Record<AthenaEtlStepName, AthenaEtlStatement>>;
  /** The Glue table reading bronze deliveries a line per row (Terraform creates it: stacks/orchestration/backfill.ts). */
  readonly linesTable: { readonly database: string; readonly name: string };
}

/** The values a backfill statement takes. */
export type AthenaEtlParam = 'run_id' | 'ingest_date' | 'source_file' | 'superseded_runs' | 'header_hex' | 'window_from' | 'window_to';

const RUN = RUN_ID_PATTERN.source.slice(1, -1);
/**
 * The format of each value, checked before it is put in a statement: none admits a quote, a brace, a
 * backslash or a control character, so a value can never leave the string literal its placeholder is in
 * (the same formats as generators/sql/sql-param.ts; test/engine holds them together).
 */
export const ATHENA_PARAM_FORMATS: Readonly<Record<AthenaEtlParam, RegExp>> = {
  run_id: RUN_ID_PATTERN,
  ingest_date: /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$/,
  source_file: /^[A-Za-z0-9][A-Za-z0-9!\-_.*()=+,;:@ /]*$/,
  superseded_runs: new RegExp(`^(?:none|${RUN}(?:,${RUN})*)$`),
  header_hex: /^(?:[0-9a-f]{2})*$/,
  window_from: /^[0-9|]*$/,
  window_to: /^[0-9|]*$/,
};

/** A statement with its placeholders filled, every value checked against its format first. */
export function fillStatement(s: AthenaEtlStatement, values: Readonly<Partial<Record<AthenaEtlParam, string>>>): string {
  for (const p of s.params) {
    const v = values[p];
    if (v === undefined) throw new Error(`${s.name}: no value for {{${p}}}`);
    if (!ATHENA_PARAM_FORMATS[p].test(v)) throw new Error(`${s.name}: ${JSON.stringify(v)} is not a valid ${p}`);
  }
  return s.sql.replace(/\{\{([a-z_]+)\}\}/g, (_m, name: string) => {
    if (!(s.params as readonly string[]).includes(name)) throw new Error(`${s.name}: {{${name}}} is not one of its parameters`);
    return values[name as AthenaEtlParam]!;
  });
}
