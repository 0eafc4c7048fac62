import { join } from 'node:path';
import type { DatasetModel } from '../../../generators/contract/dataset-model';
import type { GoldModel } from '../../../generators/contract/gold-model';
import { datasetsOf, goldsOf, type LakeModel } from '../../../generators/contract/lake-model';
import { goldQuery, goldTableOf } from '../../../generators/sql/gold-query';
import { goldSource } from '../../../generators/sql/generate-sql';
import { datasetViewStatements } from '../../../generators/sql/reader-views';
import { sqlQualified } from '../../../generators/sql/quote';
import { datasetTables } from '../../../generators/tables/lake-tables';
import { EXAMPLE_SPECS, loadModel, REPO_ROOT } from '../../support/specs';
import { duck, insertSilverRows, type LakeDb, type SilverRow } from './lake-db';

export const HOSTILE_SPECS = join(REPO_ROOT, 'test', 'golden', 'build', 'hostile', 'input');
export const FEATURES_SPECS = join(REPO_ROOT, 'test', 'golden', 'sql', 'features', 'input');

/** The contract sets the SQL tests run: the bundled example, the hostile build case and the features case. */
export const SPEC_CASES: readonly (readonly [string, string])[] = [
  ['example', EXAMPLE_SPECS],
  ['hostile', HOSTILE_SPECS],
  ['features', FEATURES_SPECS],
];

export function goldPairs(model: LakeModel): { gold: GoldModel; source: DatasetModel }[] {
  return goldsOf(model).map((gold) => ({ gold, source: goldSource(model, gold) }));
}

export const RUN = '20240701T000000Z';
export const PUBLISHED = '2024-07-01 12:00:00';

/** Replaces a dataset's silver rows and publishes every run in them through the reader views. */
export async function loadSilver(db: LakeDb, d: DatasetModel, rows: readonly SilverRow[]): Promise<void> {
  const t = datasetTables(d).find((x) => x.layer === 'silver')!;
  await db.run(`DELETE FROM ${sqlQualified(t.database, t.name)}`);
  await insertSilverRows(db, d, rows);
  const runs = [...new Set(rows.map((r) => String(r.run_id)))];
  for (const s of datasetViewStatements(d, { silver: runs, quarantine: [], condemned: [] })) await db.run(duck.statement(s).text);
}

/** The Gold rows DuckDB computes for a window, sorted, without the run metadata (checked here). */
export async function duckGold(db: LakeDb, gold: GoldModel, source: DatasetModel, window: { month_from: string; month_to: string }): Promise<Record<string, unknown>[]> {
  const rows = await db.runPrinted(duck.query(goldQuery(gold, source)), { ...window, run_id: RUN, published_at: PUBLISHED });
  return sortRows(
    rows.map((r) => {
      if (r._run_id !== RUN || r._published_at !== PUBLISHED) throw new Error(`bad run metadata ${JSON.stringify(r)}`);
      const { _run_id: _r, _published_at: _p, ...rest } = r;
      return rest;
    }),
  );
}

/** Writes a run's Gold rows into the Gold table (all runs), as a Gold run would. */
export async function writeGoldRun(db: LakeDb, gold: GoldModel, source: DatasetModel, runId: string, window: { month_from: string; month_to: string }): Promise<void> {
  const t = goldTableOf(gold);
  const printed = duck.query(goldQuery(gold, source));
  await db.run(`INSERT INTO ${sqlQualified(t.database, t.name)} BY NAME SELECT *, $run_id AS run_id FROM (${printed.text})`, { ...window, run_id: runId, published_at: PUBLISHED });
}

export function sortRows<T extends Record<string, unknown>>(rows: T[]): T[] {
  const key = (r: T) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export { datasetsOf, loadModel };
