import type { DatasetModel } from '../contract/dataset-model';
import type { GoldModel } from '../contract/gold-model';
import { datasetTables } from '../tables/lake-tables';
import type { Layer, TableDef } from '../tables/table-def';
import { goldTableOf } from './gold-query';
import { col, item, param, str, table, type SqlExpr, type SqlStatement } from './sql-node';
import { RUN_ID, RUN_ID_PATTERN } from './sql-param';

/**
 * The run id a reader view names when nothing is published yet. It is not a valid run id, so it selects no
 * rows, while still giving Athena the literal `run_id` value its injected partition projection requires.
 */
export const NO_PUBLISHED_RUN = 'none';

/**
 * `CREATE OR REPLACE VIEW {database}.{readerName} AS SELECT … FROM {database}.{name} WHERE run_id IN (…)`:
 * the reader table of DESIGN.md — finance and `lakec query` see published runs only. The view lists every
 * column and partition key of the base table; the run ids are literals (sorted, so the same runs always
 * print the same view), as Athena's injected `run_id` projection needs. Replacing a view is one DDL call:
 * the switch readers see when publishing.
 */
export function readerViewStatement(t: TableDef, runIds: readonly string[]): SqlStatement {
  if (t.readerName === t.name) throw new Error(`${t.database}.${t.name} is read directly; it has no reader view`);
  if (!t.partitionKeys.some((k) => k.name === 'run_id')) throw new Error(`${t.database}.${t.name} has no run_id partition`);
  for (const r of runIds) {
    if (!RUN_ID_PATTERN.test(r)) throw new Error(`not a run id: ${JSON.stringify(r)}`);
  }
  const ids = runIds.length > 0 ? [...new Set(runIds)].sort() : [NO_PUBLISHED_RUN];
  return viewOver(t, ids.map(str));
}

/** The reader view over one run given as the `run_id` parameter (the Gold publish step in Athena). */
export function readerViewTemplate(t: TableDef): SqlStatement {
  if (t.readerName === t.name) throw new Error(`${t.database}.${t.name} is read directly; it has no reader view`);
  return viewOver(t, [param(RUN_ID)]);
}

function viewOver(t: TableDef, runIds: readonly SqlExpr[]): SqlStatement {
  return {
    kind: 'create_view',
    schema: t.database,
    name: t.readerName,
    query: {
      kind: 'select',
      items: [...t.columns.map((c) => item(col(c.name))), ...t.partitionKeys.map((k) => item(col(k.name)))],
      from: table(t.name, t.database),
      where: { kind: 'in', operand: col('run_id'), list: runIds, negated: false },
    },
  };
}

/** The published runs of a dataset's reader views, per layer. */
export interface PublishedRuns {
  /** Silver is cumulative: every published run (DESIGN.md, `_PUBLISHED.json`). */
  readonly silver: readonly string[];
  readonly quarantine: readonly string[];
  readonly condemned: readonly string[];
}

/** The three reader views of a dataset (silver, quarantine, condemned); bronze is read directly. */
export function datasetViewStatements(d: DatasetModel, runs: PublishedRuns): SqlStatement[] {
  const of = (layer: Layer) => datasetTables(d).find((t) => t.layer === layer)!;
  return [readerViewStatement(of('silver'), runs.silver), readerViewStatement(of('quarantine'), runs.quarantine), readerViewStatement(of('condemned'), runs.condemned)];
}

/** The Gold reader view over the one run `_LATEST.json` points to (or none yet). */
export function goldViewStatement(g: GoldModel, runId: string | undefined): SqlStatement {
  return readerViewStatement(goldTableOf(g), runId === undefined ? [] : [runId]);
}
