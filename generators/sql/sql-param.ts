import { RUN_ID_PATTERN } from '../../runtime/publish/run-id';
import type { ColumnType } from '../contract/column-type';

/**
 * Values a statement takes when it runs (the run id, publish time, a month window), so one generated
 * statement serves a local run, an Athena query and a Step Functions task. Each printer spells a
 * parameter its own way: DuckDB binds `$name`; Athena gets a `{{name}}` placeholder inside a string
 * literal, filled by `renderTemplate` (or Step Functions' States.Format), because Athena's own `?`
 * parameters are only allowed in WHERE clauses and never inside CTAS properties.
 *
 * Every value is checked against its format before it reaches SQL, and no format admits a quote, a brace
 * or a control character, so a filled placeholder can never leave its literal.
 */
export type ParamFormat = 'run_id' | 'month' | 'timestamp' | 'date' | 'object_key' | 'run_id_list' | 'path' | 'path_list' | 'hex' | 'partition_key';

export interface SqlParam {
  readonly name: string;
  /** The SQL type the value is read as (the literal is cast to it where it is not a string). */
  readonly type: ColumnType;
  readonly format: ParamFormat;
}

/** DESIGN.md: `YYYYMMDDTHHMMSSZ` (UTC), with suffixes such as `_BACKFILL` or `_2`; one definition, the runtime's. */
export { RUN_ID_PATTERN };
const MONTH_PATTERN = /^[0-9]{4}-(?:0[1-9]|1[0-2])$/;
const TIMESTAMP_PATTERN = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,3})?$/;

const FORMATS: Readonly<Record<ParamFormat, { readonly pattern: RegExp; readonly example: string }>> = {
  run_id: { pattern: RUN_ID_PATTERN, example: '20240131T120000Z' },
  month: { pattern: MONTH_PATTERN, example: '2024-01' },
  timestamp: { pattern: TIMESTAMP_PATTERN, example: '2024-01-31 12:00:00.000' },
  date: { pattern: /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$/, example: '2024-01-31' },
  // An S3 key in a template: no quote, brace, backslash or control character can reach the SQL text.
  object_key: { pattern: /^[A-Za-z0-9][A-Za-z0-9!\-_.*()=+,;:@ /]*$/, example: 'bronze/sales/orders/ingest_date=2024-01-31/run_id=20240131T120000Z/orders.csv' },
  run_id_list: { pattern: new RegExp(`^(?:none|${RUN_ID_PATTERN.source.slice(1, -1)}(?:,${RUN_ID_PATTERN.source.slice(1, -1)})*)$`), example: '20240131T120000Z,20240201T080000Z' },
  // Text of any content as lowercase hex digits (a header line): nothing in it can end a literal.
  hex: { pattern: /^(?:[0-9a-f]{2})*$/, example: '69642c6174' },
  // Partition values of silver joined by `|` (`2024|01`): digits only.
  partition_key: { pattern: /^[0-9|]*$/, example: '2024|01' },
  // DuckDB binds these as values (never printed into SQL text): any path without a NUL.
  path: { pattern: /^[^\u0000]+$/, example: '/tmp/lake/part.parquet' },
  path_list: { pattern: /^[^\u0000]*$/, example: '/tmp/a.parquet' },
};

/** Throws a plain-words error unless `value` is a valid `format` value. */
export function checkParamValue(p: SqlParam, value: string): string {
  const f = FORMATS[p.format];
  if (!f.pattern.test(value)) throw new Error(`parameter ${p.name}: ${JSON.stringify(value)} is not a ${p.format} value (e.g. ${f.example})`);
  if (p.format === 'timestamp' && !isRealTime(value)) throw new Error(`parameter ${p.name}: ${value} is not a real time`);
  return value;
}

/** A calendar date and a time of day that exist (no 2024-02-30, no 24:00). */
function isRealTime(value: string): boolean {
  const [y, mo, d, h, mi, se] = value.split(/[- :.]/).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === se;
}

/** The run whose rows a Gold statement computes or checks. */
export const RUN_ID: SqlParam = { name: 'run_id', type: { kind: 'string' }, format: 'run_id' };
/** The published Gold run a new run is compared with (restatements). */
export const PREVIOUS_RUN_ID: SqlParam = { name: 'previous_run_id', type: { kind: 'string' }, format: 'run_id' };
/** When the Gold run is (to be) published, UTC; every Gold row carries it. */
export const PUBLISHED_AT: SqlParam = { name: 'published_at', type: { kind: 'timestamp' }, format: 'timestamp' };
/** First month (`YYYY-MM`) a Gold statement reports on. */
export const MONTH_FROM: SqlParam = { name: 'month_from', type: { kind: 'string' }, format: 'month' };
/** Last month (`YYYY-MM`) a Gold statement reports on. */
export const MONTH_TO: SqlParam = { name: 'month_to', type: { kind: 'string' }, format: 'month' };

/** The widest window: a statement for every month of the source. */
export const ALL_MONTHS = { month_from: '0001-01', month_to: '9999-12' } as const;

/** `Date` → the `timestamp` format the parameters take (`2024-01-31 12:00:00.000`, UTC). */
export function timestampParam(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/Z$/, '');
}
