import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetModel } from '../../../generators/contract/dataset-model';
import { duckDbEtlPlan } from '../../../generators/sql/etl/duckdb-etl';
import type { DatasetModule } from '../../../runtime/dataset-module';
import { runDeliveryOnDuckDb } from '../../../runtime/engine/duckdb-engine';
import type { DuckDbEtlPlan } from '../../../runtime/engine/duckdb-plan';
import { parseManifest, type RunManifest } from '../../../runtime/pipeline/manifest';
import { runDelivery, type DeliveryInput } from '../../../runtime/pipeline/run-delivery';
import type { RunSummary } from '../../../runtime/pipeline/run-summary';
import { LakeKeys } from '../../../runtime/lake-keys';
import { LocalStorage } from '../../../runtime/storage/local-storage';

export type Engine = 'ts' | 'duckdb';

/** Where one record of a delivery went, as the files in the lake say. */
export interface Landing {
  readonly layer: 'silver' | 'quarantine' | 'condemned';
  /** Every column of the row as DuckDB reads it back (JSON values), but those naming the run. */
  readonly row: Readonly<Record<string, unknown>>;
}

export interface Outcome {
  readonly summary: RunSummary;
  readonly manifest: RunManifest | undefined;
  /** Rows by `_source_record`, several where a record number repeats (never, but the test says so). */
  readonly records: ReadonlyMap<number, Landing[]>;
}

/** One DuckDB connection per test file, for reading what the engines wrote. */
let reader: Promise<DuckDBConnection> | undefined;
async function connection(): Promise<DuckDBConnection> {
  reader ??= (async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    return (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  })();
  return reader;
}

export function closeReader(): void {
  void reader?.then((c) => c.closeSync());
  reader = undefined;
}

const plans = new WeakMap<DatasetModel, DuckDbEtlPlan>();
function planOf(d: DatasetModel): DuckDbEtlPlan {
  let p = plans.get(d);
  if (!p) plans.set(d, (p = duckDbEtlPlan(d)));
  return p;
}

/** Runs a delivery through a lake on one engine; returns its summary, manifest and where each record went. */
export async function runOn(
  engine: Engine,
  d: DatasetModel,
  module: DatasetModule,
  lakeDir: string,
  input: DeliveryInput,
  options: { clock?: () => Date; publish?: boolean; runId?: string; maxRecordBytes?: number; threads?: number } = {},
): Promise<Outcome> {
  const storage = new LocalStorage(lakeDir);
  const common = {
    module,
    storage,
    input,
    publish: options.publish ?? true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.runId ? { runId: options.runId } : {}),
    ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
  };
  const summary =
    engine === 'ts'
      ? await runDelivery({ ...common, encoderThread: false })
      : await runDeliveryOnDuckDb({ ...common, plan: planOf(d), threads: options.threads ?? 2 });
  const keys = new LakeKeys(module.descriptor);
  const body = await storage.read(keys.runFile(summary.run_id, 'manifest.json'));
  const manifest = body ? parseManifest(body, summary.run_id) : undefined;
  const records = new Map<number, Landing[]>();
  if (manifest) {
    const c = await connection();
    for (const f of manifest.files) {
      const layer = f.key.startsWith('silver/') ? 'silver' : f.key.startsWith('quarantine/') ? 'quarantine' : 'condemned';
      const rows = (await c.runAndReadAll('SELECT * FROM read_parquet($p, hive_partitioning = false)', { p: join(lakeDir, f.key) })).getRowObjectsJson() as Record<string, unknown>[];
      for (const r of rows) {
        const { _run_id: runIdColumn, _source_file: sourceFile, ...rest } = r;
        const row = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, short(v)]));
        expect(runIdColumn).toBe(summary.run_id);
        expect(sourceFile).toBe(summary.delivery.bronze_key);
        const n = Number(row._source_record);
        records.set(n, [...(records.get(n) ?? []), { layer, row }]);
      }
    }
  }
  return { summary, manifest, records };
}

/** Long strings as their length and hash, so a failing comparison stays readable. */
function short(v: unknown): unknown {
  return typeof v === 'string' && v.length > 200 ? `${v.length} chars, sha256 ${createHash('sha256').update(v).digest('hex').slice(0, 16)}` : v;
}

/** Writes a delivery file beside the lakes. */
export function deliveryFile(dir: string, bytes: string | Buffer, name = 'delivery.csv'): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** What must be equal between the engines: the summary without times and run ids, the manifest's findings, every record's landing. */
export function comparable(o: Outcome): unknown {
  const s = o.summary;
  return {
    status: s.status,
    message: s.message?.replace(/[0-9]{8}T[0-9]{6}Z(?:_[A-Z0-9]+)*/g, 'RUN'),
    rows: [s.rows_in, s.rows_silver, s.rows_quarantined, s.rows_condemned],
    condemned: [s.condemned_duplicates, s.condemned_max_attempts],
    quarantine_rate: s.quarantine_rate,
    errors: s.errors,
    drift: s.drift,
    partitions: s.partitions,
    superseded: s.superseded.length,
    delivery: { sha256: s.delivery.sha256, bytes: s.delivery.bytes },
    header: o.manifest?.header,
    layerRows: o.manifest ? [o.manifest.quarantine.rows, o.manifest.condemned.rows, o.manifest.partitions.map((p) => [p.values, p.rows])] : undefined,
    records: [...o.records.entries()].sort((a, b) => a[0] - b[0]),
  };
}
