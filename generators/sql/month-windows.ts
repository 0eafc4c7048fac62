import type { DatasetModel } from '../contract/dataset-model';
import type { GoldModel } from '../contract/gold-model';
import { silverReader, type Relation } from './gold-query';
import { lowerRowExpr, scopeOf } from './lower-expression';
import { and, call, cmp, col, int, isNull, item, table, type SqlExpr, type SqlQuery } from './sql-node';

/**
 * Athena writes at most 100 partitions per CREATE TABLE AS or INSERT INTO; a Gold run writes one
 * partition per month, so it inserts its months in windows of at most this many.
 */
export const ATHENA_MAX_PARTITIONS_PER_WRITE = 100;

export interface MonthWindow {
  readonly month_from: string;
  readonly month_to: string;
}

/** Consecutive windows of at most `size` months covering `first`..`last` (`YYYY-MM`, both included). */
export function monthWindows(first: string, last: string, size: number = ATHENA_MAX_PARTITIONS_PER_WRITE): MonthWindow[] {
  const index = (m: string) => {
    const match = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(m);
    if (!match) throw new Error(`not a YYYY-MM month: ${JSON.stringify(m)}`);
    return Number(match[1]) * 12 + Number(match[2]) - 1;
  };
  const month = (i: number) => `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`bad window size ${size}`);
  const out: MonthWindow[] = [];
  for (let start = index(first); start <= index(last); start += size) out.push({ month_from: month(start), month_to: month(Math.min(start + size - 1, index(last))) });
  return out;
}

/**
 * The same windows computed in SQL over the source (the contract's filter applied, rows without a time
 * left out): rows (`month_from`, `month_to`), oldest first; none when the source is empty. A Step
 * Functions Map state runs one Gold INSERT per row.
 */
export function monthWindowsQuery(gold: GoldModel, source: DatasetModel, options: { readonly source?: Relation; readonly size?: number } = {}): SqlQuery {
  const from = options.source ?? silverReader(source);
  const size = options.size ?? ATHENA_MAX_PARTITIONS_PER_WRITE;
  const timeColumn = source.columns.find((c) => c.name === gold.time.column);
  if (!timeColumn) throw new Error(`${gold.time.column} is not a column of the source`);
  const time = col(timeColumn.name, timeColumn.type);
  const month: SqlExpr = call('month_start', [time], { kind: 'date' });
  const scope = scopeOf(source, gold.dimensions.map((d) => d.name));
  const start = col('__start', { kind: 'date' }, 'w');
  const last = col('__last', { kind: 'date' }, 'b');
  const end = call('add_months', [start, int(size - 1)], { kind: 'date' });
  return {
    kind: 'select',
    with: [
      {
        name: 'bounds',
        query: {
          kind: 'select',
          items: [item({ kind: 'aggregate', fn: 'min', args: [month], distinct: false }, '__first'), item({ kind: 'aggregate', fn: 'max', args: [month], distinct: false }, '__last')],
          from: table(from.name, from.schema),
          where: and(isNull(time, true), gold.filter ? lowerRowExpr(gold.filter.expr, scope) : undefined),
        },
      },
    ],
    items: [
      item(call('format_month', [start], { kind: 'string' }), 'month_from'),
      item(call('format_month', [{ kind: 'case', whens: [{ when: cmp('<', end, last), then: end }], else: last, type: { kind: 'date' } }], { kind: 'string' }), 'month_to'),
    ],
    from: {
      kind: 'join',
      join: 'cross',
      left: table('bounds', undefined, 'b'),
      right: { kind: 'month_series', start: col('__first', { kind: 'date' }, 'b'), end: last, stepMonths: size, alias: 'w', column: '__start' },
    },
    orderBy: [{ expr: col('month_from') }],
  };
}
