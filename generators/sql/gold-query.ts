import type { DatasetModel } from '../contract/dataset-model';
import { walkExpr, type Expr } from '../contract/expression';
import type { GoldModel } from '../contract/gold-model';
import { datasetTables, GOLD_METADATA, lakeTables } from '../tables/lake-tables';
import type { TableDef } from '../tables/table-def';
import { columnsRead, lowerRowExpr, measurePlan, scopeOf, TIE_BREAKERS, type ExprScope, type PartialAggregate } from './lower-expression';
import {
  and,
  call,
  cast,
  cmp,
  col,
  int,
  isNull,
  item,
  nullOf,
  or,
  param,
  table,
  type SqlCte,
  type SqlExpr,
  type SqlQuery,
  type SqlSelect,
  type SqlSelectItem,
} from './sql-node';
import { MONTH_FROM, MONTH_TO, PUBLISHED_AT, RUN_ID, type SqlParam } from './sql-param';

/** A table or view the SQL reads or writes, by schema (Glue database) and name. */
export interface Relation {
  readonly schema: string;
  readonly name: string;
}

/** The silver reader view `silver_{domain}.{name}_{schema_v}`: published runs only (a view in Athena and in `lakec query`). */
export function silverReader(source: DatasetModel): Relation {
  const t = datasetTables(source).find((x) => x.layer === 'silver')!;
  return { schema: t.database, name: t.readerName };
}

/** The Gold contract's physical table (all runs), as lake-tables.ts defines it. */
export function goldTableOf(gold: GoldModel): TableDef {
  return lakeTables({ contracts: [gold] })[0]!;
}

export interface GoldQueryOptions {
  /** The relation silver is read from; default: the silver reader view. */
  readonly source?: Relation;
}

// Internal column names start with `__`; contract names start with a letter, so they never collide.
const MONTH = '__month';
const FIRST_MONTH = '__first_month';
const LAST_MONTH = '__last_month';
const ROWS = '__rows';
const BIGINT = { kind: 'bigint' } as const;

function isPlainCount(e: Expr): boolean {
  return e.kind === 'aggregate' && e.fn === 'count';
}

/** The parameters every Gold statement takes. */
export const GOLD_PARAMS: readonly SqlParam[] = [RUN_ID, PUBLISHED_AT, MONTH_FROM, MONTH_TO];

/**
 * The Gold rows of one contract, for the months `month_from`..`month_to` (parameters, `YYYY-MM`): the
 * gold table's columns in order — dimensions, measures, `_run_id`, `_published_at` — then the partition
 * column `as_of_month` (the run id partition is the location the rows are written to).
 *
 * Grain: the dimensions and the UTC month of `time.column`; rows without a time are left out; the
 * contract's `filter` applies to source rows. Each measure is computed from its aggregates per group and
 * month and cast to its declared type. Running measures are cumulative per group and carried forward over
 * months without rows, from the group's first month through the latest month of the source (capped at
 * `month_to`); in such months count-like aggregates are 0 and other non-running measures NULL (an
 * aggregate over no rows). Source partitions derived from the time column bound the read, so a window of
 * one month reads only that month's files — except that running measures need every earlier month.
 */
export function goldQuery(gold: GoldModel, source: DatasetModel, options: GoldQueryOptions = {}): SqlQuery {
  const from = options.source ?? silverReader(source);
  const dims = gold.dimensions.map((d) => d.name);
  const scope = scopeOf(source, dims);
  const plan = measurePlan(scope, (i) => `__p${i}`);
  const timeColumn = source.columns.find((c) => c.name === gold.time.column);
  if (!timeColumn) throw new Error(`${gold.time.column} is not a column of the source`);
  const time = col(timeColumn.name, timeColumn.type);
  const running = gold.measures.some((m) => m.running);

  // Lower every measure first so the partials are known.
  const measures = gold.measures.map((m) => ({ model: m, lowered: plan.lower(m.expr) }));
  const runningColumns = new Map<string, string>();
  measures.forEach(({ model, lowered }, i) => {
    if (!model.running) return;
    if (lowered.kind !== 'column') throw new Error(`running measure ${model.name} is not a single aggregate`);
    runningColumns.set(model.name, `__r${i + 1}`);
  });

  const needsTieBreakers = gold.measures.some((m) => [...walkExpr(m.expr)].some((n) => n.kind === 'aggregate' && (n.fn === 'min_by' || n.fn === 'max_by')));
  const read = columnsRead(gold.measures.map((m) => m.expr)).filter((c) => !dims.includes(c));
  const sourceRows: SqlSelect = {
    kind: 'select',
    items: [
      ...dims.map((d) => item(col(d))),
      ...read.map((c) => item(col(c))),
      ...(needsTieBreakers ? TIE_BREAKERS.map((t) => item(col(t.name))) : []),
      item(call('month_start', [time], { kind: 'date' }), MONTH),
    ],
    from: table(from.name, from.schema),
    where: and(
      isNull(time, true),
      gold.filter ? lowerRowExpr(gold.filter.expr, scope) : undefined,
      monthBound(time, '<=', MONTH_TO),
      partitionBound(source, gold.time.column, '<=', MONTH_TO),
      ...(running ? [] : [monthBound(time, '>=', MONTH_FROM), partitionBound(source, gold.time.column, '>=', MONTH_FROM)]),
    ),
  };

  const dimCols = (t?: string) => dims.map((d) => col(d, undefined, t));
  const monthly: SqlSelect = {
    kind: 'select',
    items: [
      ...dims.map((d) => item(col(d))),
      item(col(MONTH)),
      ...plan.partials.map((p) => item(cast(p.aggregate, p.type), p.column)),
      // Marks months that have rows, once carried-forward months are added.
      ...(running ? [item(cast({ kind: 'aggregate', fn: 'count', args: [], distinct: false }, BIGINT), ROWS)] : []),
    ],
    from: table('source_rows'),
    groupBy: [...dimCols(), col(MONTH)],
  };

  const ctes: SqlCte[] = [
    { name: 'source_rows', query: sourceRows },
    { name: 'monthly', query: monthly },
  ];
  let last = 'monthly';
  if (running) {
    ctes.push(...calendarCtes(gold, source, from, scope, time, dims, plan.partials, runningColumns, measures));
    last = 'running';
  }

  const metadata = new Map<string, SqlExpr>([
    ['_run_id', param(RUN_ID)],
    ['_published_at', param(PUBLISHED_AT)],
  ]);
  const items: SqlSelectItem[] = [
    ...dims.map((d) => item(col(d))),
    ...measures.map(({ model, lowered }) => {
      const r = runningColumns.get(model.name);
      if (r) return item(cast(col(r, model.type), model.type), model.name);
      if (!running) return item(cast(lowered, model.type), model.name);
      // A carried-forward month has no rows: a plain count is 0, any other measure NULL (never evaluated).
      if (isPlainCount(model.expr)) return item(cast({ kind: 'call', fn: 'coalesce', args: [lowered, int(0)], type: model.type }, model.type), model.name);
      return item(cast({ kind: 'case', whens: [{ when: isNull(col(ROWS), true), then: lowered }], type: model.type }, model.type), model.name);
    }),
    ...GOLD_METADATA.map((m) => {
      const e = metadata.get(m.name);
      if (!e) throw new Error(`no value for Gold metadata column ${m.name}`);
      return item(e, m.name);
    }),
    item(call('format_month', [col(MONTH)], { kind: 'string' }), gold.time.as),
  ];
  return {
    kind: 'select',
    with: ctes,
    items,
    from: table(last),
    // Running measures read every earlier month; only the window's months are reported.
    ...(running ? { where: cmp('>=', col(MONTH), call('month_date', [param(MONTH_FROM)])) } : {}),
  };
}

/**
 * The CTEs that carry running measures forward: every group gets a row for each month from its first month
 * to the calendar end; months without rows get NULL aggregates (0 for counts); running columns are windowed
 * sums of the monthly aggregates.
 */
function calendarCtes(
  gold: GoldModel,
  source: DatasetModel,
  from: Relation,
  scope: ExprScope,
  time: SqlExpr,
  dims: readonly string[],
  partials: readonly PartialAggregate[],
  runningColumns: ReadonlyMap<string, string>,
  measures: readonly { readonly model: GoldModel['measures'][number]; readonly lowered: SqlExpr }[],
): SqlCte[] {
  const monthTo = call('month_date', [param(MONTH_TO)], { kind: 'date' });
  // The latest month of the source: past month_to when any row lies beyond it (read only from later partitions).
  const laterRows: SqlSelect = {
    kind: 'select',
    items: [item({ kind: 'aggregate', fn: 'count', args: [], distinct: false }, '__rows')],
    from: table(from.name, from.schema),
    where: and(isNull(time, true), gold.filter ? lowerRowExpr(gold.filter.expr, scope) : undefined, monthBound(time, '>', MONTH_TO), partitionBound(source, gold.time.column, '>', MONTH_TO)),
  };
  const calendarEnd: SqlSelect = {
    kind: 'select',
    items: [item({ kind: 'case', whens: [{ when: cmp('>', col('__rows', undefined, 'later'), int(0)), then: monthTo }], else: col('__max_month', undefined, 'seen'), type: { kind: 'date' } }, LAST_MONTH)],
    from: {
      kind: 'join',
      join: 'cross',
      left: { kind: 'subquery', alias: 'seen', query: { kind: 'select', items: [item({ kind: 'aggregate', fn: 'max', args: [col(MONTH)], distinct: false }, '__max_month')], from: table('monthly') } },
      right: { kind: 'subquery', alias: 'later', query: laterRows },
    },
  };
  const groupStart: SqlSelect = {
    kind: 'select',
    items: [...dims.map((d) => item(col(d))), item({ kind: 'aggregate', fn: 'min', args: [col(MONTH)], distinct: false }, FIRST_MONTH)],
    from: table('monthly'),
    groupBy: dims.map((d) => col(d)),
    having: isNull({ kind: 'aggregate', fn: 'min', args: [col(MONTH)], distinct: false }, true),
  };
  const calendar: SqlSelect = {
    kind: 'select',
    items: [...dims.map((d) => item(col(d, undefined, 'g'), d)), item(col(MONTH, undefined, 's'), MONTH)],
    from: {
      kind: 'join',
      join: 'cross',
      left: { kind: 'join', join: 'cross', left: table('group_start', undefined, 'g'), right: table('calendar_end', undefined, 'e') },
      right: { kind: 'month_series', start: col(FIRST_MONTH, undefined, 'g'), end: col(LAST_MONTH, undefined, 'e'), alias: 's', column: MONTH },
    },
  };
  const both: SqlQuery = {
    kind: 'union_all',
    queries: [
      { kind: 'select', items: [...dims.map((d) => item(col(d))), item(col(MONTH)), ...partials.map((p) => item(col(p.column))), item(col(ROWS))], from: table('monthly') },
      {
        kind: 'select',
        items: [...dims.map((d) => item(col(d))), item(col(MONTH)), ...partials.map((p) => item(nullOf(p.type), p.column)), item(nullOf(BIGINT), ROWS)],
        from: table('calendar'),
      },
    ],
  };
  const filled: SqlSelect = {
    kind: 'select',
    items: [
      ...dims.map((d) => item(col(d))),
      item(col(MONTH)),
      // One real row and one filler row per group and month at most: max() picks the real values.
      ...[...partials.map((p) => p.column), ROWS].map((c) => item({ kind: 'aggregate', fn: 'max', args: [col(c)], distinct: false }, c)),
    ],
    from: { kind: 'subquery', alias: 'rows_and_gaps', query: both },
    groupBy: [...dims.map((d) => col(d)), col(MONTH)],
  };
  const runningSelect: SqlSelect = {
    kind: 'select',
    items: [
      ...dims.map((d) => item(col(d))),
      item(col(MONTH)),
      ...partials.map((p) => item(col(p.column))),
      item(col(ROWS)),
      ...measures.flatMap(({ model, lowered }) => {
        const r = runningColumns.get(model.name);
        if (!r || lowered.kind !== 'column') return [];
        const p = partials.find((x) => x.column === lowered.name)!;
        const windowSum: SqlExpr = {
          kind: 'window',
          fn: 'sum',
          args: [col(p.column)],
          partitionBy: dims.map((d) => col(d)),
          orderBy: [{ expr: col(MONTH) }],
          frame: 'running',
          type: p.type,
        };
        return [item(windowSum, r)];
      }),
    ],
    from: table('filled'),
  };
  return [
    { name: 'calendar_end', query: calendarEnd },
    { name: 'group_start', query: groupStart },
    { name: 'calendar', query: calendar },
    { name: 'filled', query: filled },
    { name: 'running', query: runningSelect },
  ];
}

/** `month_start(time) op month_date(param)`: the row's UTC month against a `YYYY-MM` parameter. */
export function monthBound(time: SqlExpr, op: '<=' | '>=' | '>', p: SqlParam): SqlExpr {
  return cmp(op, call('month_start', [time], { kind: 'date' }), call('month_date', [param(p)], { kind: 'date' }));
}

/**
 * Predicates on the source's `year`/`month` partition columns, where they are derived from the time column,
 * that let DuckDB and Athena skip other months' files: a plain range on the year (a domain every engine
 * prunes with) and, with a month partition, `year < Y OR (year = Y AND month <= M)` — comparisons of
 * partition columns with values, which DuckDB pushes through views into the Parquet scan (an arithmetic
 * key such as `year * 100 + month` is not pushed through views). Undefined when the time column does not
 * drive the partitions.
 */
export function partitionBound(source: DatasetModel, timeColumn: string, op: '<=' | '>=' | '>', p: SqlParam): SqlExpr | undefined {
  const year = source.partitions.find((x) => x.from === timeColumn && x.transform === 'year');
  if (!year) return undefined;
  const month = source.partitions.find((x) => x.from === timeColumn && x.transform === 'month');
  const yearCol = col(year.name, { kind: 'int' });
  const part = (start: number, length: number): SqlExpr => cast(call('substr', [param(p), int(start), int(length)], { kind: 'string' }), { kind: 'int' });
  const y = part(1, 4);
  const yearRange = cmp(op === '<=' ? '<=' : '>=', yearCol, y);
  // Later months of the same year share its partition: `>` still reads the year itself.
  if (!month) return yearRange;
  const monthCol = col(month.name, { kind: 'int' });
  const beyondYear = cmp(op === '<=' ? '<' : '>', yearCol, y);
  const sameYear = and(cmp('=', yearCol, y), cmp(op, monthCol, part(6, 2)))!;
  return and(yearRange, or(beyondYear, sameYear));
}
