import type { DatasetModel } from '../generators/contract/dataset-model';
import { duckDbEtlPlan } from '../generators/sql/etl/duckdb-etl';
import { runDeliveryOnDuckDb, type DuckDbRunOptions } from '../runtime/engine/duckdb-engine';
import { runDelivery, type RunOptions } from '../runtime/pipeline/run-delivery';
import type { RunSummary } from '../runtime/pipeline/run-summary';

/**
 * `--engine duckdb`: the contract's validation compiled to DuckDB SQL here (the runtime never imports
 * generators/), then run by runtime/engine on the delivery.
 */
export function runOnDuckDb(d: DatasetModel, options: Omit<DuckDbRunOptions, 'plan'>): Promise<RunSummary> {
  const threads = process.env.LAKEC_DUCKDB_THREADS ? Number(process.env.LAKEC_DUCKDB_THREADS) : undefined;
  const memoryLimit = process.env.LAKEC_DUCKDB_MEMORY || undefined;
  return runDeliveryOnDuckDb({ ...options, plan: duckDbEtlPlan(d), ...(threads ? { threads } : {}), ...(memoryLimit ? { memoryLimit } : {}) });
}

/** A delivery run on this machine by the engine `--engine` names: TypeScript (runtime/pipeline) or DuckDB. */
export function runOnEngine(engine: 'ts' | 'duckdb', d: DatasetModel, options: RunOptions & Omit<DuckDbRunOptions, 'plan'>): Promise<RunSummary> {
  return engine === 'duckdb' ? runOnDuckDb(d, options) : runDelivery(options);
}
