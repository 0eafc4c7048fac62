import type { ColumnType } from '../contract/column-type';
import type { PortablePattern } from '../contract/portable-pattern';
import type { SqlParam } from './sql-param';

/**
 * The one SQL IR: plain readonly data with `kind` tags that both printers (Athena/Trino and DuckDB) turn
 * into text. Generators build these trees from the model; contract text reaches SQL only as typed
 * literals and identifiers, quoted by the printer. Nodes whose spelling or semantics differ between the
 * engines (casts, decimal division, averages, min_by, regex, hashing, month arithmetic) are first-class
 * here, so each printer decides how to reproduce Trino's result exactly.
 */

/** A literal value, typed so that both engines read it the same way. */
export type SqlLiteral =
  | { readonly type: 'string'; readonly value: string }
  /** A plain decimal number as written (`12`, `0.25`); its type is decimal(precision, scale). */
  | { readonly type: 'number'; readonly text: string; readonly precision: number; readonly scale: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** NULL, optionally of a given type (`CAST(NULL AS …)`), e.g. to fill a UNION branch. */
  | { readonly type: 'null'; readonly as?: ColumnType }
  | { readonly type: 'date'; readonly value: string }
  /** `yyyy-MM-dd HH:mm:ss[.SSS]`, UTC. */
  | { readonly type: 'timestamp'; readonly value: string };

export type ArithmeticOperator = '+' | '-' | '*' | '/';
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/**
 * Scalar functions with one meaning and a per-dialect spelling. `month_start` truncates a date or
 * timestamp to the first day of its month (a DATE); `format_month` prints a DATE as `YYYY-MM`;
 * `month_date` reads `YYYY-MM` as the first day of that month; `add_months` adds a constant number of
 * months (second argument: an integer literal) to a DATE; `sha256_hex` is the lowercase hex SHA-256 of the
 * UTF-8 bytes of a string; `byte_length` counts UTF-8 bytes.
 *
 * For the contract's validation (generators/sql/etl): `length` counts characters (code points); `contains`
 * and `starts_with` test for a substring; `split` cuts a string at every occurrence of a separator into a
 * list; `list_length`, `list_element` (1-based, NULL past the end), `list_join` and `list_position` (0 when
 * absent) work on such lists; `utf8_hex` is the lowercase hex of a string's UTF-8 bytes; `utf8_lossy` decodes a
 * string's bytes as UTF-8 with invalid sequences replaced (the identity where strings are always valid);
 * `list_contains(list, x)` tests membership; `chr(n)` is the character of a code point (for control
 * characters, which never appear raw in SQL text); `is_finite` tests a double; `add_minutes` adds a whole number of minutes to a timestamp; `lpad(x, n, pad)`
 * pads a string on the left to n characters; `from_hex_utf8` reads hex digits as UTF-8 text (a value that
 * reaches SQL as a parameter without any quote in it).
 */
export type SqlFunction =
  | 'coalesce'
  | 'abs'
  | 'concat'
  | 'substr'
  | 'replace'
  | 'lower'
  | 'year'
  | 'month'
  | 'day'
  | 'month_start'
  | 'format_month'
  | 'month_date'
  | 'add_months'
  | 'sha256_hex'
  | 'byte_length'
  | 'length'
  | 'contains'
  | 'starts_with'
  | 'split'
  | 'list_length'
  | 'list_element'
  | 'list_join'
  | 'list_position'
  | 'utf8_hex'
  | 'utf8_lossy'
  | 'is_finite'
  | 'add_minutes'
  | 'lpad'
  | 'from_hex_utf8'
  | 'list_contains'
  | 'chr';

export type SqlAggregateFunction = 'sum' | 'count' | 'min' | 'max' | 'avg' | 'min_by' | 'max_by';
export type SqlWindowFunction = 'sum' | 'count' | 'min' | 'max' | 'lag' | 'row_number' | 'first_value';

export interface SqlOrderItem {
  readonly expr: SqlExpr;
  readonly desc?: boolean;
  readonly nulls?: 'first' | 'last';
}

export type SqlExpr =
  | { readonly kind: 'column'; readonly table?: string; readonly name: string; readonly type?: ColumnType }
  | { readonly kind: 'literal'; readonly value: SqlLiteral }
  | { readonly kind: 'param'; readonly param: SqlParam }
  | { readonly kind: 'negate'; readonly operand: SqlExpr; readonly type?: ColumnType }
  | { readonly kind: 'not'; readonly operand: SqlExpr }
  /** `type` is the result type, Trino's (generators/contract/expression-type.ts); printers must produce exactly it. */
  | { readonly kind: 'arithmetic'; readonly op: ArithmeticOperator; readonly left: SqlExpr; readonly right: SqlExpr; readonly type: ColumnType }
  | { readonly kind: 'compare'; readonly op: ComparisonOperator; readonly left: SqlExpr; readonly right: SqlExpr }
  | { readonly kind: 'logical'; readonly op: 'and' | 'or'; readonly operands: readonly SqlExpr[] }
  | { readonly kind: 'in'; readonly operand: SqlExpr; readonly list: readonly SqlExpr[]; readonly negated: boolean }
  | { readonly kind: 'is_null'; readonly operand: SqlExpr; readonly negated: boolean }
  | { readonly kind: 'between'; readonly operand: SqlExpr; readonly low: SqlExpr; readonly high: SqlExpr; readonly negated: boolean }
  | {
      readonly kind: 'case';
      readonly whens: readonly { readonly when: SqlExpr; readonly then: SqlExpr }[];
      readonly else?: SqlExpr;
      readonly type?: ColumnType;
    }
  /** `safe`: NULL instead of an error when the value does not convert (TRY_CAST). Issue 7 guards it further. */
  | { readonly kind: 'cast'; readonly operand: SqlExpr; readonly type: ColumnType; readonly safe: boolean }
  | { readonly kind: 'call'; readonly fn: SqlFunction; readonly args: readonly SqlExpr[]; readonly type?: ColumnType }
  | {
      readonly kind: 'aggregate';
      readonly fn: SqlAggregateFunction;
      /** Empty for count(*). min_by/max_by: [value, ordering key]. */
      readonly args: readonly SqlExpr[];
      readonly distinct: boolean;
      readonly filter?: SqlExpr;
      readonly type?: ColumnType;
    }
  | {
      readonly kind: 'window';
      readonly fn: SqlWindowFunction;
      readonly args: readonly SqlExpr[];
      readonly partitionBy: readonly SqlExpr[];
      readonly orderBy: readonly SqlOrderItem[];
      /** `running`: ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
      readonly frame?: 'running';
      readonly type?: ColumnType;
    }
  /** An anonymous row value, compared field by field (an ordering key with tie-breakers). */
  | { readonly kind: 'row'; readonly fields: readonly SqlExpr[] }
  /** The whole value matches a portable pattern (generators/contract/portable-pattern.ts). */
  | { readonly kind: 'regex_match'; readonly operand: SqlExpr; readonly pattern: PortablePattern }
  /** Every non-overlapping match of a portable pattern in the value, left to right, as a list of strings. */
  | { readonly kind: 'regex_extract_all'; readonly operand: SqlExpr; readonly pattern: PortablePattern }
  /** The list with `body` applied to each element, which `body` refers to as column `param` (a lambda). */
  | { readonly kind: 'list_transform'; readonly list: SqlExpr; readonly param: string; readonly body: SqlExpr }
  | { readonly kind: 'star' };

export interface SqlSelectItem {
  readonly expr: SqlExpr;
  readonly alias?: string;
}

export interface SqlCte {
  readonly name: string;
  readonly query: SqlQuery;
  /**
   * Computed once rather than inlined where an engine can say so (DuckDB's `AS MATERIALIZED`): long chains of
   * window steps otherwise grow the planner's work exponentially. Results are the same either way.
   */
  readonly materialized?: boolean;
}

export type SqlFrom =
  | { readonly kind: 'table'; readonly schema?: string; readonly name: string; readonly alias?: string }
  | { readonly kind: 'subquery'; readonly query: SqlQuery; readonly alias: string }
  | { readonly kind: 'join'; readonly join: 'inner' | 'left' | 'cross'; readonly left: SqlFrom; readonly right: SqlFrom; readonly on?: SqlExpr }
  /**
   * One row per month from `start` to `end` (DATEs, both included; none when start > end), as DATE column
   * `column` of relation `alias`; `stepMonths` apart (default 1). May refer to relations joined before it.
   */
  | { readonly kind: 'month_series'; readonly start: SqlExpr; readonly end: SqlExpr; readonly stepMonths?: number; readonly alias: string; readonly column: string }
  /** DuckDB: the rows of Parquet files, their paths a list parameter bound when the statement runs. */
  | { readonly kind: 'parquet_files'; readonly files: SqlParam; readonly alias: string };

export interface SqlSelect {
  readonly kind: 'select';
  readonly with?: readonly SqlCte[];
  readonly items: readonly SqlSelectItem[];
  readonly from?: SqlFrom;
  readonly where?: SqlExpr;
  readonly groupBy?: readonly SqlExpr[];
  readonly having?: SqlExpr;
  readonly orderBy?: readonly SqlOrderItem[];
  readonly limit?: number;
}

export interface SqlUnionAll {
  readonly kind: 'union_all';
  readonly with?: readonly SqlCte[];
  readonly queries: readonly SqlSelect[];
  readonly orderBy?: readonly SqlOrderItem[];
  readonly limit?: number;
}

export type SqlQuery = SqlSelect | SqlUnionAll;

/** A string whose parts may be parameters, e.g. an S3 location with the run id in it. */
export type SqlTextTemplate = readonly (string | SqlParam)[];

export type SqlStatement =
  | { readonly kind: 'query'; readonly query: SqlQuery }
  /** CREATE OR REPLACE VIEW: the finance-facing reader views over published runs. */
  | { readonly kind: 'create_view'; readonly schema: string; readonly name: string; readonly query: SqlQuery }
  | { readonly kind: 'insert'; readonly schema: string; readonly name: string; readonly columns?: readonly string[]; readonly query: SqlQuery }
  /**
   * Athena CTAS writing Parquet (Snappy) under `location`, partitioned by the last select columns named in
   * `partitionedBy`; `withData: false` creates the (empty) table only (`WITH NO DATA`).
   */
  | {
      readonly kind: 'create_table_as';
      readonly schema: string;
      readonly name: string;
      readonly location: SqlTextTemplate;
      readonly partitionedBy: readonly string[];
      readonly withData: boolean;
      readonly query: SqlQuery;
    }
  | { readonly kind: 'drop_table'; readonly schema: string; readonly name: string; readonly ifExists: boolean }
  /**
   * DuckDB: write a query's rows as Snappy Parquet files `part-{i}.parquet` below `path`, one folder per partition
   * value (or one file at `path` without partitions); `path` may be a parameter bound when the statement runs.
   */
  | {
      readonly kind: 'copy_to';
      readonly query: SqlQuery;
      readonly path: string | SqlParam;
      readonly partitionBy: readonly string[];
      /** false: no dictionary pages (DuckDB's dictionary merges -0.0 into 0.0, which other writers keep apart). */
      readonly dictionary?: boolean;
    }
  /** DuckDB: a temporary table holding a query's rows for the rest of the session. */
  | { readonly kind: 'create_temp_table'; readonly name: string; readonly query: SqlQuery };

// Small constructors: they keep generators readable and the trees well-formed.

export const col = (name: string, type?: ColumnType, table?: string): SqlExpr => ({ kind: 'column', name, ...(type ? { type } : {}), ...(table ? { table } : {}) });
export const str = (value: string): SqlExpr => ({ kind: 'literal', value: { type: 'string', value } });
export const int = (value: number): SqlExpr => {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`not a non-negative integer literal: ${value}`);
  const text = String(value);
  return { kind: 'literal', value: { type: 'number', text, precision: text.length, scale: 0 } };
};
export const bool = (value: boolean): SqlExpr => ({ kind: 'literal', value: { type: 'boolean', value } });
export const nullOf = (as?: ColumnType): SqlExpr => ({ kind: 'literal', value: { type: 'null', ...(as ? { as } : {}) } });
export const param = (p: SqlParam): SqlExpr => ({ kind: 'param', param: p });
export const cast = (operand: SqlExpr, type: ColumnType): SqlExpr => ({ kind: 'cast', operand, type, safe: false });
export const call = (fn: SqlFunction, args: readonly SqlExpr[], type?: ColumnType): SqlExpr => ({ kind: 'call', fn, args, ...(type ? { type } : {}) });
export const cmp = (op: ComparisonOperator, left: SqlExpr, right: SqlExpr): SqlExpr => ({ kind: 'compare', op, left, right });
export const isNull = (operand: SqlExpr, negated = false): SqlExpr => ({ kind: 'is_null', operand, negated });
export const not = (operand: SqlExpr): SqlExpr => ({ kind: 'not', operand });

/** AND of the given conditions, flattening nested ANDs and dropping absent ones; undefined when none remain. */
export function and(...conditions: readonly (SqlExpr | undefined)[]): SqlExpr | undefined {
  const flat: SqlExpr[] = [];
  for (const c of conditions) {
    if (c === undefined) continue;
    if (c.kind === 'logical' && c.op === 'and') flat.push(...c.operands);
    else flat.push(c);
  }
  if (flat.length === 0) return undefined;
  return flat.length === 1 ? flat[0] : { kind: 'logical', op: 'and', operands: flat };
}

export function or(...conditions: readonly SqlExpr[]): SqlExpr {
  if (conditions.length === 0) throw new Error('OR of nothing');
  return conditions.length === 1 ? conditions[0]! : { kind: 'logical', op: 'or', operands: conditions };
}

export const item = (expr: SqlExpr, alias?: string): SqlSelectItem => ({ expr, ...(alias !== undefined ? { alias } : {}) });
export const table = (name: string, schema?: string, alias?: string): SqlFrom => ({ kind: 'table', name, ...(schema ? { schema } : {}), ...(alias ? { alias } : {}) });
