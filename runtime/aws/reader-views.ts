import type { DatasetDescriptor, TableLayout } from '../dataset-module';
import { isRunId } from '../publish/run-id';
import { LakeKeys } from '../lake-keys';
import { liveCondemned, liveQuarantine, readPublished, type PublishedSilver } from '../publish/silver-published';
import type { Storage } from '../storage/storage';
import type { AthenaRunner } from './athena-runner';

/**
 * The Athena reader views the Lambda replaces after it publishes silver, printed from the generated
 * module's table layouts (the runtime does not import generators/). The text is byte for byte what
 * generators/sql/reader-views.ts prints through the Athena printer for `lakec deploy-sql` — a test holds
 * the two together — so a view replaced here and one applied by deploy-sql never differ.
 */

/** What generators/sql/reader-views.ts names when nothing is published: no run has this id, so the view is empty. */
export const NO_PUBLISHED_RUN = 'none';

/** `CREATE OR REPLACE VIEW {database}.{readerName} AS SELECT … FROM {database}.{name} WHERE "run_id" IN (…)`. */
export function athenaReaderView(t: TableLayout, runIds: readonly string[]): string {
  if (t.readerName === t.name) throw new Error(`${t.database}.${t.name} is read directly; it has no reader view`);
  if (!t.partitionKeys.some((k) => k.name === 'run_id')) throw new Error(`${t.database}.${t.name} has no run_id partition`);
  for (const r of runIds) if (!isRunId(r)) throw new Error(`not a run id: ${JSON.stringify(r)}`);
  const ids = runIds.length ? [...new Set(runIds)].sort() : [NO_PUBLISHED_RUN];
  const items = [...t.columns.map((c) => c.name), ...t.partitionKeys.map((k) => k.name)].map((n) => `  ${identifier(n)}`);
  return [
    `CREATE OR REPLACE VIEW ${identifier(t.database)}.${identifier(t.readerName)} AS`,
    'SELECT',
    items.join(',\n'),
    `FROM ${identifier(t.database)}.${identifier(t.name)}`,
    `WHERE ${identifier('run_id')} IN (${ids.map(literal).join(', ')})`,
  ].join('\n');
}

/** The dataset's three reader views (silver, quarantine, condemned) over what `_PUBLISHED.json` lists. */
export function datasetReaderViews(d: DatasetDescriptor, published: PublishedSilver | undefined): { database: string; sql: string }[] {
  const runs = published?.runs ?? [];
  return [
    { t: d.tables.silver, ids: runs.map((r) => r.run_id) },
    { t: d.tables.quarantine, ids: liveQuarantine(published).map((r) => r.run_id) },
    { t: d.tables.condemned, ids: liveCondemned(published).map((r) => r.run_id) },
  ].map(({ t, ids }) => ({ database: t.database, sql: athenaReaderView(t, ids) }));
}

/** After a silver publish: the dataset's reader views replaced over what `_PUBLISHED.json` now lists. */
export async function replaceDatasetViews(runner: AthenaRunner, storage: Storage, d: DatasetDescriptor): Promise<string[]> {
  return replaceViews(runner, datasetReaderViews(d, await readPublished(storage, new LakeKeys(d).published)));
}

/** Replaces views one DDL statement each — the switch Athena readers see. */
export async function replaceViews(runner: AthenaRunner, views: readonly { database: string; sql: string }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const v of views) ids.push(await runner.execute(v.sql, { database: v.database }));
  return ids;
}

// ANSI quoting as generators/sql/quote.ts does it (the runtime cannot import it; the view test compares the output).
function identifier(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) throw new Error(`bad SQL identifier ${JSON.stringify(name)}`);
  // As the Athena printer: no braces, so a name can never look like a `{{placeholder}}`.
  if (/[{}]/.test(name)) throw new Error(`braces in an Athena identifier: ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
