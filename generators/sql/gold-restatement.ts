import type { ColumnType } from '../contract/column-type';
import type { GoldModel } from '../contract/gold-model';
import { goldTableOf, type Relation } from './gold-query';
import { and, call, cmp, col, int, item, param, table, type SqlExpr, type SqlQuery, type SqlSelect } from './sql-node';
import { PREVIOUS_RUN_ID, RUN_ID } from './sql-param';

const VARCHAR: ColumnType = { kind: 'string' };
/** A whole number of either sign (`int` takes non-negative ones). */
const whole = (n: number): SqlExpr => (n >= 0 ? int(n) : { kind: 'negate', operand: int(-n), type: BIGINT });
const BIGINT: ColumnType = { kind: 'bigint' };

export interface RestatementOptions {
  /**
   * Where the two runs' rows are: relations holding one run each (the local run's views), or by default
   * the Gold table of all runs, `run_id = {{previous_run_id}}` against `run_id = {{run_id}}`.
   */
  readonly runs?: { readonly previous: Relation; readonly next: Relation };
  /** The dimensions and measures compared (default: all of the contract's); the month is always compared. */
  readonly compared?: readonly string[];
  /** Only the months before the open window (what needs `--allow-restatement`), instead of every restated month. */
  readonly closedOnly?: boolean;
}

/**
 * The published months a new Gold run changes (DESIGN.md, restatements): per month of the published run,
 * how many rows differ — rows as multisets of their dimensions, measures and month, so a rebuilt month
 * with the same rows is no restatement and a month the published run lacks is new, not restated — and
 * whether the month is closed: before the open window of `restatement.open_months` months that ends with
 * the latest month either run reports. Rows: `month`, `changed_rows`, `closed`, in month order.
 */
export function restatementQuery(gold: GoldModel, options: RestatementOptions = {}): SqlQuery {
  const period = gold.time.as;
  const compared = options.compared ?? [...gold.dimensions.map((d) => d.name), ...gold.measures.map((m) => m.name)];
  const goldTable = goldTableOf(gold);
  const side = (which: 'previous' | 'next', sign: 1 | -1): SqlSelect => {
    const relation = options.runs?.[which];
    return {
      kind: 'select',
      items: [...compared.map((c) => item(col(c))), item(col(period)), item(whole(sign), 'side')],
      from: relation ? table(relation.name, relation.schema) : table(goldTable.name, goldTable.database),
      ...(relation ? {} : { where: cmp('=', col('run_id'), param(which === 'previous' ? PREVIOUS_RUN_ID : RUN_ID)) }),
    };
  };
  const sum = (e: SqlExpr): SqlExpr => ({ kind: 'aggregate', fn: 'sum', args: [e], distinct: false, type: BIGINT });
  const max = (e: SqlExpr): SqlExpr => ({ kind: 'aggregate', fn: 'max', args: [e], distinct: false, type: VARCHAR });
  const openFrom = call('format_month', [call('add_months', [call('month_date', [col('latest_month', VARCHAR, 'l')], { kind: 'date' }), whole(1 - Math.max(1, gold.openMonths))], { kind: 'date' })], VARCHAR);
  const closed = cmp('<', col(period, VARCHAR, 'd'), openFrom);
  return {
    kind: 'select',
    with: [
      { name: 'sides', query: { kind: 'union_all', queries: [side('previous', 1), side('next', -1)] } },
      { name: 'latest', query: { kind: 'select', items: [item(max(col(period)), 'latest_month')], from: table('sides') } },
      {
        name: 'previous_months',
        query: { kind: 'select', items: [item(col(period))], from: table('sides'), where: cmp('=', col('side'), int(1)), groupBy: [col(period)] },
      },
      {
        // A row of one run without its copy in the other: the count of each distinct row differs.
        name: 'differing',
        query: {
          kind: 'select',
          items: [item(col(period)), item(call('abs', [sum(col('side'))], BIGINT), 'changed')],
          from: table('sides'),
          groupBy: [...compared.map((c) => col(c)), col(period)],
          having: cmp('<>', sum(col('side')), int(0)),
        },
      },
    ],
    items: [item(col(period, VARCHAR, 'd'), 'month'), item(sum(col('changed', BIGINT, 'd')), 'changed_rows'), item(closed, 'closed')],
    from: {
      kind: 'join',
      join: 'cross',
      left: { kind: 'join', join: 'inner', left: table('differing', undefined, 'd'), right: table('previous_months', undefined, 'p'), on: cmp('=', col(period, VARCHAR, 'd'), col(period, VARCHAR, 'p')) },
      right: table('latest', undefined, 'l'),
    },
    ...(options.closedOnly ? { where: and(closed)! } : {}),
    groupBy: [col(period, VARCHAR, 'd'), col('latest_month', VARCHAR, 'l')],
    orderBy: [{ expr: col('month') }],
  };
}
