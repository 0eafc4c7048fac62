import { DUCKDB_PLAN_FORMAT, type DuckDbEtlPlan } from '../../../runtime/engine/duckdb-plan';
import { datasetKey } from '../../contract/dataset-id';
import type { DatasetModel } from '../../contract/dataset-model';
import { DuckDbPrinter } from '../duckdb-printer';
import type { PrintedSql } from '../sql-printer';
import { bool, cmp, col, isNull, item, nullOf, str, type SqlQuery } from '../sql-node';
import type { SqlParam } from '../sql-param';
import { RELATIONS, uniqueColumn, uniqueColumns } from './etl-relations';
import { etlQueries, type EtlQueries } from './etl-query';

const PATH: SqlParam = { name: 'path', type: { kind: 'string' }, format: 'path' };
const FILES: SqlParam = { name: 'files', type: { kind: 'string' }, format: 'path_list' };

/** Rounds for contracts with two or more unique columns: the usual run, and the fallback for long chains. */
export const USUAL_ROUNDS = 4;
export const EXHAUSTIVE_ROUNDS = 64;

/** The DuckDB plan of one dataset contract (runtime/engine/duckdb-plan.ts): the validation SQL, printed. */
export function duckDbEtlPlan(d: DatasetModel, queries?: EtlQueries): DuckDbEtlPlan {
  const s = duckDbEtlStatements(d, queries);
  return {
    format: DUCKDB_PLAN_FORMAT,
    dataset: datasetKey(d.id),
    publishedRows: { fromFiles: s.publishedRows.fromFiles.text, empty: s.publishedRows.empty.text },
    routed: s.routed.text,
    ...(s.routedExhaustive ? { routedExhaustive: s.routedExhaustive.text } : {}),
    counts: s.counts.text,
    openQuote: s.openQuote.text,
    failures: s.failures.text,
    copies: { silver: s.copies.silver.text, quarantine: s.copies.quarantine.text, condemned: s.copies.condemned.text },
  };
}

/** The plan's statements as printed, each with the parameters it takes (what `lakec build` heads them with). */
export interface DuckDbEtlStatements {
  readonly publishedRows: { readonly fromFiles: PrintedSql; readonly empty: PrintedSql };
  readonly routed: PrintedSql;
  readonly routedExhaustive?: PrintedSql;
  readonly counts: PrintedSql;
  readonly openQuote: PrintedSql;
  readonly failures: PrintedSql;
  readonly copies: { readonly silver: PrintedSql; readonly quarantine: PrintedSql; readonly condemned: PrintedSql };
}

export function duckDbEtlStatements(d: DatasetModel, queries: EtlQueries = etlQueries(d, { order: 'record', rounds: USUAL_ROUNDS })): DuckDbEtlStatements {
  const p = new DuckDbPrinter();
  const unique = uniqueColumns(d);
  // A double column keeps -0.0 apart from 0.0 only without dictionary pages (as the TypeScript engine writes it).
  const doubles = d.columns.some((c) => c.type.kind === 'double');
  const copy = (query: SqlQuery, partitionBy: readonly string[], typed = false) => p.print({ kind: 'copy_to', query, path: PATH, partitionBy, ...(typed && doubles ? { dictionary: false } : {}) });
  const published = (fromFiles: boolean) =>
    p.print({
      kind: 'create_temp_table',
      name: RELATIONS.published,
      query: {
        kind: 'select',
        items: [
          item(fromFiles ? { kind: 'cast', operand: col('_row_hash'), type: { kind: 'string' }, safe: false } : nullOf({ kind: 'string' }), '_row_hash'),
          ...unique.map(({ column }, k) => item(fromFiles ? { kind: 'cast', operand: col(column.name), type: column.type, safe: false } : nullOf(column.type), uniqueColumn(k))),
        ],
        ...(fromFiles ? { from: { kind: 'parquet_files', files: FILES, alias: 'f' } as const } : { where: bool(false) }),
      },
    });
  const exhaustive = unique.length >= 2 ? etlQueries(d, { order: 'record', rounds: EXHAUSTIVE_ROUNDS }).routed : undefined;
  return {
    publishedRows: { fromFiles: published(true), empty: published(false) },
    routed: p.print({ kind: 'create_temp_table', name: RELATIONS.routed, query: queries.routed }),
    ...(exhaustive ? { routedExhaustive: p.print({ kind: 'create_temp_table', name: RELATIONS.routed, query: exhaustive }) } : {}),
    counts: p.printQuery(queries.counts),
    openQuote: p.printQuery(queries.openQuote),
    failures: p.printQuery({
      kind: 'select',
      items: [item(col('validation_error')), item(col('record'))],
      from: { kind: 'table', name: RELATIONS.routed },
      where: { kind: 'logical', op: 'and', operands: [isNull(col('validation_error'), true), cmp('<>', col('validation_error'), str('duplicate'))] },
      orderBy: [{ expr: col('record') }],
    }),
    copies: {
      silver: copy(queries.silver, d.partitions.map((x) => x.name), true),
      quarantine: copy(orderedByRecord(queries.quarantine), []),
      condemned: copy(orderedByRecord(queries.condemned), []),
    },
  };
}

/** Quarantined and condemned rows in file order, as the TypeScript engine writes them. */
function orderedByRecord(q: SqlQuery): SqlQuery {
  if (q.kind !== 'select') throw new Error('expected a SELECT');
  return { ...q, orderBy: [{ expr: col('_source_record') }] };
}
