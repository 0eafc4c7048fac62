import { loadDatasetModule } from '../../cli/dataset-modules';
import { requireModel } from '../../cli/load-model';
import { resolveDataset } from '../../cli/resolve-dataset';
import { duckDbEtlPlan } from '../../generators/sql/etl/duckdb-etl';
import { runDeliveryOnDuckDb } from '../../runtime/engine/duckdb-engine';
import { LocalStorage } from '../../runtime/storage/local-storage';

/**
 * `lakec run --engine duckdb` on one delivery into a fresh local lake, with the time of each phase: the
 * generated SQL is `lines` (DuckDB reads the delivery), `routed` (the validation) and `copy` (COPY … TO);
 * `scan` is Node's pass (bronze copy, SHA-256), `move` the files into the lake. Args SPECS FILE LAKE [THREADS].
 */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const [specs, file, lake, threads] = args;
  const d = resolveDataset(requireModel(specs!), 'mortgages.transactions');
  const phases: Record<string, number> = {};
  const s = await runDeliveryOnDuckDb({
    module: loadDatasetModule(d),
    plan: duckDbEtlPlan(d),
    storage: new LocalStorage(lake!),
    input: { kind: 'file', path: file! },
    publish: true,
    threads: Number(threads ?? 2),
    ...(process.env.LAKEC_DUCKDB_MEMORY ? { memoryLimit: process.env.LAKEC_DUCKDB_MEMORY } : {}),
    onPhase: (name, seconds) => (phases[name] = (phases[name] ?? 0) + seconds),
  });
  if (s.status !== 'published') throw new Error(`run ${s.status}: ${s.message}`);
  const sql = (phases.lines ?? 0) + (phases.routed ?? 0) + (phases.copy ?? 0);
  return { rows_in: s.rows_in, rows_silver: s.rows_silver, rows_quarantined: s.rows_quarantined, rows_condemned: s.rows_condemned, seconds: s.seconds, sql, ...phases };
}
