import type { ColumnType } from '../contract/column-type';
import type { DatasetModel } from '../contract/dataset-model';
import type { Expr } from '../contract/expression';
import type { GoldModel, MeasureModel } from '../contract/gold-model';
import { parsePortablePattern } from '../contract/portable-pattern';
import { goldTableOf, silverReader, type Relation } from './gold-query';
import { columnsRead, lowerAggregate, lowerRowExpr, scopeOf } from './lower-expression';
import {
  and,
  call,
  cast,
  cmp,
  col,
  int,
  isNull,
  item,
  not,
  nullOf,
  or,
  param,
  str,
  table,
  type SqlCte,
  type SqlExpr,
  type SqlQuery,
  type SqlSelect,
} from './sql-node';
import { PUBLISHED_AT, RUN_ID } from './sql-param';

/** What each reconciliation check asserts; a check's rows name what disagrees. */
export const RECONCILIATION_CHECKS = {
  grain: 'one Gold row per group and month',
  run_metadata: 'every Gold row carries the run id, the publish time and a YYYY-MM month',
  groups: 'every group and month with silver rows has a Gold row (and, without running measures, no other)',
  calendar: 'running measures: each group has one row per month from its first silver month through the latest month of the source',
  running: "running measures: each month's change equals that month's flow in silver, per group",
  totals: 'sums, counts, minima and maxima over all Gold rows equal the same aggregate over all silver rows',
} as const;

export type ReconciliationCheck = keyof typeof RECONCILIATION_CHECKS;

export interface ReconciliationOptions {
  /** Where silver is read; default: the silver reader view. */
  readonly source?: Relation;
  /**
   * The run's Gold rows; default: the Gold table (all runs) filtered on `run_id` = the run_id parameter.
   * A relation given here must hold exactly the run's rows (e.g. a staging table).
   */
  readonly goldRows?: Relation;
}

const MONTH_KEY = '__month_key';
const VARCHAR: ColumnType = { kind: 'string' };
const MONTH_PATTERN = (() => {
  const p = parsePortablePattern('[0-9]{4}-(0[1-9]|1[0-2])');
  if (!p.ok) throw new Error(p.message);
  return p.pattern;
})();

/**
 * One query that reconciles a Gold run with silver before it is published: it returns a row
 * (`check_name`, `detail`) for each disagreement found — at most 100 — and no rows when the run is
 * consistent. The checks do not reuse the measure's SQL: they recompute from silver with plain
 * aggregates over other paths (per-month flows against changes of the running value, grand totals against
 * sums of monthly values, group coverage), so a wrong carry-forward, a lost month or a double count shows.
 * A whole run is checked: Gold runs are snapshots of every month.
 */
export function reconciliationQuery(gold: GoldModel, source: DatasetModel, options: ReconciliationOptions = {}): SqlQuery {
  const silver = options.source ?? silverReader(source);
  const goldTable = goldTableOf(gold);
  const dims = gold.dimensions.map((d) => d.name);
  const scope = scopeOf(source, dims);
  const timeColumn = source.columns.find((c) => c.name === gold.time.column);
  if (!timeColumn) throw new Error(`${gold.time.column} is not a column of the source`);
  const time = col(timeColumn.name, timeColumn.type);
  const runningMeasures = gold.measures.filter((m) => m.running);
  const dimCols = () => dims.map((d) => col(d));

  const goldRows: SqlSelect = {
    kind: 'select',
    items: [...goldTable.columns.map((c) => item(col(c.name))), item(col(gold.time.as))],
    from: options.goldRows ? table(options.goldRows.name, options.goldRows.schema) : table(goldTable.name, goldTable.database),
    ...(options.goldRows ? {} : { where: cmp('=', col('run_id'), param(RUN_ID)) }),
  };
  const read = columnsRead(gold.measures.map((m) => m.expr)).filter((c) => !dims.includes(c));
  const silverRows: SqlSelect = {
    kind: 'select',
    items: [
      ...dims.map((d) => item(col(d))),
      ...read.map((c) => item(col(c))),
      item(call('format_month', [call('month_start', [time], { kind: 'date' })], VARCHAR), MONTH_KEY),
    ],
    from: table(silver.name, silver.schema),
    where: and(isNull(time, true), gold.filter ? lowerRowExpr(gold.filter.expr, scope) : undefined),
  };

  const ctes: SqlCte[] = [
    { name: 'gold_rows', query: goldRows },
    { name: 'silver_rows', query: silverRows },
  ];
  const violations: { name: string; check: string }[] = [];
  const add = (check: ReconciliationCheck | string, query: SqlSelect) => {
    const name = `violations_${violations.length + 1}`;
    ctes.push({ name, query });
    violations.push({ name, check });
  };
  const groupText = (t?: string): SqlExpr => describe(dims.map((d) => [d, col(d, undefined, t)] as const));

  // grain
  add('grain', {
    kind: 'select',
    items: [item(str('grain'), 'check_name'), item(concat(str('duplicate rows for '), groupText(), str(' month '), text(col(gold.time.as))), 'detail')],
    from: table('gold_rows'),
    groupBy: [...dimCols(), col(gold.time.as)],
    having: cmp('>', { kind: 'aggregate', fn: 'count', args: [], distinct: false }, int(1)),
  });

  // run_metadata
  add('run_metadata', {
    kind: 'select',
    items: [
      item(str('run_metadata'), 'check_name'),
      item(concat(str('row for '), groupText(), str(' month '), text(col(gold.time.as)), str(' has _run_id '), text(col('_run_id')), str(', _published_at '), text(col('_published_at'))), 'detail'),
    ],
    from: table('gold_rows'),
    where: or(
      isNull(col('_run_id')),
      cmp('<>', col('_run_id'), param(RUN_ID)),
      isNull(col('_published_at')),
      cmp('<>', col('_published_at'), param(PUBLISHED_AT)),
      isNull(col(gold.time.as)),
      not({ kind: 'regex_match', operand: col(gold.time.as), pattern: MONTH_PATTERN }),
    ),
  });

  // groups
  const keys: SqlQuery = {
    kind: 'union_all',
    queries: [
      { kind: 'select', items: [...dims.map((d) => item(col(d))), item(col(gold.time.as), MONTH_KEY), item(int(1), '__in_gold'), item(int(0), '__in_silver')], from: table('gold_rows') },
      {
        kind: 'select',
        items: [...dims.map((d) => item(col(d))), item(col(MONTH_KEY)), item(int(0), '__in_gold'), item(int(1), '__in_silver')],
        from: table('silver_rows'),
        groupBy: [...dimCols(), col(MONTH_KEY)],
      },
    ],
  };
  ctes.push({
    name: 'group_months',
    query: {
      kind: 'select',
      items: [
        ...dims.map((d) => item(col(d))),
        item(col(MONTH_KEY)),
        item({ kind: 'aggregate', fn: 'max', args: [col('__in_gold')], distinct: false }, '__in_gold'),
        item({ kind: 'aggregate', fn: 'max', args: [col('__in_silver')], distinct: false }, '__in_silver'),
      ],
      from: { kind: 'subquery', alias: 'keys', query: keys },
      groupBy: [...dimCols(), col(MONTH_KEY)],
    },
  });
  add('groups', {
    kind: 'select',
    items: [
      item(str('groups'), 'check_name'),
      item(
        concat(
          groupText(),
          str(' month '),
          text(col(MONTH_KEY)),
          { kind: 'case', whens: [{ when: cmp('=', col('__in_gold'), int(0)), then: str(': rows in silver but no Gold row') }], else: str(': a Gold row but no rows in silver') },
        ),
        'detail',
      ),
    ],
    from: table('group_months'),
    where:
      runningMeasures.length > 0
        ? and(cmp('=', col('__in_silver'), int(1)), cmp('=', col('__in_gold'), int(0)))
        : cmp('<>', col('__in_gold'), col('__in_silver')),
  });

  if (runningMeasures.length > 0) {
    // calendar
    const spans: SqlQuery = {
      kind: 'union_all',
      queries: [
        {
          kind: 'select',
          items: [
            ...dims.map((d) => item(col(d))),
            item(agg('min', col(gold.time.as)), '__gold_first'),
            item(agg('max', col(gold.time.as)), '__gold_last'),
            item({ kind: 'aggregate', fn: 'count', args: [], distinct: false }, '__gold_months'),
            item(nullOf(VARCHAR), '__silver_first'),
          ],
          from: table('gold_rows'),
          groupBy: dimCols(),
        },
        {
          kind: 'select',
          items: [
            ...dims.map((d) => item(col(d))),
            item(nullOf(VARCHAR), '__gold_first'),
            item(nullOf(VARCHAR), '__gold_last'),
            item(nullOf({ kind: 'bigint' }), '__gold_months'),
            item(agg('min', col(MONTH_KEY)), '__silver_first'),
          ],
          from: table('silver_rows'),
          groupBy: dimCols(),
        },
      ],
    };
    ctes.push({
      name: 'group_spans',
      query: {
        kind: 'select',
        items: [
          ...dims.map((d) => item(col(d))),
          ...['__gold_first', '__gold_last', '__gold_months', '__silver_first'].map((c) => item(agg('max', col(c)), c)),
        ],
        from: { kind: 'subquery', alias: 'spans', query: spans },
        groupBy: dimCols(),
      },
    });
    ctes.push({ name: 'source_end', query: { kind: 'select', items: [item(agg('max', col(MONTH_KEY)), '__last')], from: table('silver_rows') } });
    const first = col('__gold_first', undefined, 's');
    const last = col('__gold_last', undefined, 's');
    add('calendar', {
      kind: 'select',
      items: [
        item(str('calendar'), 'check_name'),
        item(
          concat(
            groupText('s'),
            str(': Gold months '),
            text(first),
            str('..'),
            text(last),
            str(' ('),
            text(col('__gold_months', undefined, 's')),
            str(' rows), silver from '),
            text(col('__silver_first', undefined, 's')),
            str(' to '),
            text(col('__last', undefined, 'e')),
          ),
          'detail',
        ),
      ],
      from: { kind: 'join', join: 'cross', left: table('group_spans', undefined, 's'), right: table('source_end', undefined, 'e') },
      where: or(
        isNull(first),
        isNull(col('__silver_first', undefined, 's')),
        cmp('<>', first, col('__silver_first', undefined, 's')),
        cmp('<>', last, col('__last', undefined, 'e')),
        cmp('<>', col('__gold_months', undefined, 's'), {
          kind: 'arithmetic',
          op: '+',
          left: { kind: 'arithmetic', op: '-', left: monthIndex(last), right: monthIndex(first), type: { kind: 'bigint' } },
          right: int(1),
          type: { kind: 'bigint' },
        }),
      ),
    });

    // running: per measure, the month's change against silver's flow
    runningMeasures.forEach((m, i) => {
      const aggregate = m.expr;
      if (aggregate.kind !== 'aggregate') throw new Error(`running measure ${m.name} is not a single aggregate`);
      const changes = `running_${i + 1}`;
      const previous: SqlExpr = { kind: 'window', fn: 'lag', args: [col(m.name)], partitionBy: dimCols(), orderBy: [{ expr: col(gold.time.as) }], type: m.type };
      const zero = int(0);
      const change: SqlExpr = {
        kind: 'arithmetic',
        op: '-',
        left: coalesceTo(col(m.name, m.type), zero, m.type),
        right: coalesceTo(previous, zero, m.type),
        type: m.type,
      };
      const bothSides: SqlQuery = {
        kind: 'union_all',
        queries: [
          { kind: 'select', items: [...dims.map((d) => item(col(d))), item(col(gold.time.as), MONTH_KEY), item(change, '__change'), item(nullOf(m.type), '__flow')], from: table('gold_rows') },
          {
            kind: 'select',
            items: [...dims.map((d) => item(col(d))), item(col(MONTH_KEY)), item(nullOf(m.type), '__change'), item(cast(lowerAggregate(aggregate, scope), m.type), '__flow')],
            from: table('silver_rows'),
            groupBy: [...dimCols(), col(MONTH_KEY)],
          },
        ],
      };
      ctes.push({
        name: changes,
        query: {
          kind: 'select',
          items: [
            ...dims.map((d) => item(col(d))),
            item(col(MONTH_KEY)),
            item(coalesceTo(agg('max', col('__change'), m.type), zero, m.type), '__change'),
            item(coalesceTo(agg('max', col('__flow'), m.type), zero, m.type), '__flow'),
          ],
          from: { kind: 'subquery', alias: 'sides', query: bothSides },
          groupBy: [...dimCols(), col(MONTH_KEY)],
        },
      });
      add(`running:${m.name}`, {
        kind: 'select',
        items: [
          item(str(`running:${m.name}`), 'check_name'),
          item(concat(groupText(), str(' month '), text(col(MONTH_KEY)), str(`: ${m.name} changed by `), text(col('__change')), str(', silver flow '), text(col('__flow'))), 'detail'),
        ],
        from: table(changes),
        where: differs(col('__change', m.type), col('__flow', m.type), m.type),
      });
    });
  }

  // totals
  const totalled = gold.measures.filter((m) => !m.running && totalOf(m) !== undefined);
  if (totalled.length > 0) {
    ctes.push({
      name: 'gold_totals',
      query: { kind: 'select', items: totalled.map((m, i) => item(cast(agg(totalOf(m)!.overGold, col(m.name, m.type), m.type), m.type), `__g${i + 1}`)), from: table('gold_rows') },
    });
    ctes.push({
      name: 'silver_totals',
      query: {
        kind: 'select',
        items: totalled.map((m, i) => item(cast(lowerAggregate(m.expr as Extract<Expr, { kind: 'aggregate' }>, scope), m.type), `__s${i + 1}`)),
        from: table('silver_rows'),
      },
    });
    totalled.forEach((m, i) => {
      const isCount = totalOf(m)!.count;
      const g = isCount ? coalesceTo(col(`__g${i + 1}`, m.type), int(0), m.type) : col(`__g${i + 1}`, m.type);
      const s = isCount ? coalesceTo(col(`__s${i + 1}`, m.type), int(0), m.type) : col(`__s${i + 1}`, m.type);
      add(`totals:${m.name}`, {
        kind: 'select',
        items: [item(str(`totals:${m.name}`), 'check_name'), item(concat(str(`${m.name}: Gold total `), text(g), str(', silver '), text(s)), 'detail')],
        from: { kind: 'join', join: 'cross', left: table('gold_totals'), right: table('silver_totals') },
        where: nullSafeDiffers(g, s, m.type),
      });
    });
  }

  return {
    kind: 'union_all',
    with: ctes,
    queries: violations.map((v) => ({ kind: 'select', items: [item(col('check_name')), item(col('detail'))], from: table(v.name) })),
    orderBy: [{ expr: col('check_name') }, { expr: col('detail') }],
    limit: 100,
  };
}

/** How a non-running measure adds up over all Gold rows, if it does: sum and count add, min and max nest. */
function totalOf(m: MeasureModel): { readonly overGold: 'sum' | 'min' | 'max'; readonly count: boolean } | undefined {
  const e = m.expr;
  if (e.kind !== 'aggregate' || e.distinct) return undefined;
  switch (e.fn) {
    case 'sum':
      return { overGold: 'sum', count: false };
    case 'count':
      return { overGold: 'sum', count: true };
    case 'min':
      return { overGold: 'min', count: false };
    case 'max':
      return { overGold: 'max', count: false };
    default:
      return undefined;
  }
}

function agg(fn: 'min' | 'max' | 'sum', arg: SqlExpr, type?: ColumnType): SqlExpr {
  return { kind: 'aggregate', fn, args: [arg], distinct: false, ...(type ? { type } : {}) };
}

function coalesceTo(e: SqlExpr, fallback: SqlExpr, type: ColumnType): SqlExpr {
  return { kind: 'call', fn: 'coalesce', args: [e, fallback], type };
}

/** Exact for decimals and integers; doubles may differ in the last bits between summation orders. */
function differs(a: SqlExpr, b: SqlExpr, type: ColumnType): SqlExpr {
  if (type.kind !== 'double') return cmp('<>', a, b);
  const diff: SqlExpr = call('abs', [{ kind: 'arithmetic', op: '-', left: a, right: b, type }], type);
  const scale: SqlExpr = {
    kind: 'case',
    whens: [{ when: cmp('>', call('abs', [b], type), { kind: 'literal', value: { type: 'number', text: '1', precision: 1, scale: 0 } }), then: call('abs', [b], type) }],
    else: { kind: 'literal', value: { type: 'number', text: '1', precision: 1, scale: 0 } },
    type,
  };
  return cmp('>', diff, { kind: 'arithmetic', op: '*', left: scale, right: cast({ kind: 'literal', value: { type: 'string', value: '1e-9' } }, { kind: 'double' }), type });
}

function nullSafeDiffers(a: SqlExpr, b: SqlExpr, type: ColumnType): SqlExpr {
  return or(and(isNull(a), isNull(b, true))!, and(isNull(a, true), isNull(b))!, and(isNull(a, true), isNull(b, true), differs(a, b, type))!);
}

/** `'YYYY-MM'` → a month count, so spans of months can be measured. */
function monthIndex(key: SqlExpr): SqlExpr {
  const part = (start: number, length: number): SqlExpr => cast(call('substr', [key, int(start), int(length)], VARCHAR), { kind: 'bigint' });
  return { kind: 'arithmetic', op: '+', left: { kind: 'arithmetic', op: '*', left: part(1, 4), right: int(12), type: { kind: 'bigint' } }, right: part(6, 2), type: { kind: 'bigint' } };
}

/** Text of a value for a message: NULL spelt out (Trino's concat is NULL when any part is). */
function text(e: SqlExpr): SqlExpr {
  return { kind: 'call', fn: 'coalesce', args: [cast(e, VARCHAR), str('NULL')], type: VARCHAR };
}

function concat(...parts: SqlExpr[]): SqlExpr {
  return parts.length === 1 ? parts[0]! : { kind: 'call', fn: 'concat', args: parts, type: VARCHAR };
}

/** `account_id=ACC000001 currency=EUR` (or `all rows` without dimensions). */
function describe(dims: readonly (readonly [string, SqlExpr])[]): SqlExpr {
  if (dims.length === 0) return str('all rows');
  return concat(...dims.flatMap(([name, e], i) => [str(`${i === 0 ? '' : ' '}${name}=`), text(e)]));
}
