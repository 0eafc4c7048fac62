import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDatasetModule } from '../../../cli/dataset-modules';
import { lakeViewStatements, readLakeSnapshot } from '../../../cli/lake-views';
import type { DatasetModel } from '../../../generators/contract/dataset-model';
import { datasetsOf, type LakeModel } from '../../../generators/contract/lake-model';
import type { DatasetModule } from '../../../runtime/dataset-module';
import { runDelivery, type RunOptions } from '../../../runtime/pipeline/run-delivery';
import type { RunSummary } from '../../../runtime/pipeline/run-summary';
import { LocalStorage } from '../../../runtime/storage/local-storage';
import { modelFromTexts } from '../../support/specs';

/** A temporary folder, removed by `cleanup()`. */
export function tempDir(prefix = 'lakec-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A checked model from inline contracts; fails the test on any contract error. */
export function model(files: Record<string, string>): LakeModel {
  const r = modelFromTexts(files);
  if (!r.model) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'));
  return r.model;
}

export function dataset(m: LakeModel, name?: string): DatasetModel {
  const all = datasetsOf(m);
  return name ? all.find((d) => `${d.id.domain}.${d.id.name}` === name)! : all[0]!;
}

/** The generated module of a dataset, compiled and loaded the way `lakec run` does it. */
export function moduleOf(d: DatasetModel): DatasetModule {
  return loadDatasetModule(d);
}

/** A dataset contract with the given columns (YAML lines) and options. */
export function contract(o: {
  columns: string;
  domain?: string;
  name?: string;
  partitions?: string;
  source?: string;
  quality?: string;
  schemaV?: string;
}): string {
  return [
    'kind: dataset',
    `domain: ${o.domain ?? 'demo'}`,
    `name: ${o.name ?? 'items'}`,
    `schema_v: ${o.schemaV ?? 'v1'}`,
    'description: Test dataset.',
    'owners: { owner: team, steward: steward, reviewers: ["@acme/team"] }',
    'classification: internal',
    `source: ${o.source ?? '{ format: csv, delimiter: ",", header: true, null_values: [""] }'}`,
    'columns:',
    o.columns,
    ...(o.partitions ? ['partitions:', o.partitions] : []),
    `quality: ${o.quality ?? '{ max_quarantine_rate: 0.5, max_attempts: 3, circuit_breaker_per_hour: 1000 }'}`,
    '',
  ].join('\n');
}

/** A fixed clock for deterministic run ids: starts at `start`, one second a call. */
export function steppingClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

/** Writes `csv` to a file and runs it through the lake. */
export async function runText(
  module: DatasetModule,
  lakeDir: string,
  csv: string | Buffer,
  options: Partial<RunOptions> & { fileName?: string } = {},
): Promise<RunSummary> {
  const file = join(lakeDir, '..', options.fileName ?? `delivery-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, csv);
  return runDelivery({ module, storage: new LocalStorage(lakeDir), input: { kind: 'file', path: file }, publish: true, encoderThread: false, ...options });
}

/** Runs SQL over the lake's reader views (what `lakec query` does) and returns rows as objects. */
export async function query(m: LakeModel, lakeDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const storage = new LocalStorage(lakeDir);
  const statements = lakeViewStatements(m, await readLakeSnapshot(storage, m), (k) => storage.localPath(k));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    for (const s of statements) await c.run(s);
    const r = await c.runAndReadAll(sql);
    // BIGINT comes back as a string in JSON form: numbers where exact, as `lakec query --format json` prints them.
    const whole = r.columnTypes().map((t) => /^(BIGINT|HUGEINT)$/.test(String(t)));
    const names = r.columnNames();
    return (r.getRowsJson() as unknown[][]).map((row) =>
      Object.fromEntries(names.map((n, i) => [n, whole[i] && typeof row[i] === 'string' && Number.isSafeInteger(Number(row[i])) ? Number(row[i]) : row[i]])),
    );
  } finally {
    c.closeSync();
  }
}
