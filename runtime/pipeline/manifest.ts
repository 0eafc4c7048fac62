import type { Delivery, PartitionFiles, RowCounts, RunKind } from '../publish/silver-published';
import type { DatasetDescriptor } from '../dataset-module';
import type { MetricValue } from '../metrics';
import type { WrittenFile } from './outputs';

export const MANIFEST_FORMAT = 'lakec.run-manifest/1';

/** How a run ended before publishing (published or not is _PUBLISHED.json's business). */
export type RunOutcome = 'complete' | 'halted' | 'rejected' | 'failed';

/**
 * `silver/{domain}/{dataset}/schema_v=vN/_runs/{RUN}/manifest.json`: what a run read, wrote and found,
 * written once after its data and before `_SUCCESS` (DESIGN.md, completion). Runs that halted, were
 * rejected or failed get one too (without `_SUCCESS`), so the circuit breaker and operators can read them.
 */
export interface RunManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly run_id: string;
  readonly dataset: string;
  readonly schema_v: string;
  readonly kind: RunKind;
  /** Which engine judged the rows: the TypeScript runtime, DuckDB SQL, or Athena SQL (issue 7). */
  readonly engine: 'ts' | 'duckdb' | 'athena';
  readonly outcome: RunOutcome;
  readonly message?: string;
  readonly started_at: string;
  readonly finished_at: string;
  readonly contract: { readonly file: string; readonly sha256: string };
  readonly delivery: Delivery & { readonly file_name: string; readonly gzip: boolean };
  /** The delivery's header as read (absent without a header). */
  readonly header?: readonly string[];
  readonly drift: { readonly missing_columns: readonly string[]; readonly extra_columns: readonly string[] };
  readonly rows: RowCounts;
  /** Rows failing each `rule:column` (what the circuit breaker counts; duplicates are not in it). */
  readonly errors: Readonly<Record<string, number>>;
  readonly condemned_reasons: { readonly duplicate: number; readonly max_attempts: number };
  readonly quarantine_rate: number;
  readonly quarantine_rate_exceeded: boolean;
  readonly partitions: readonly PartitionFiles[];
  readonly quarantine: { readonly rows: number; readonly files: readonly string[] };
  readonly condemned: { readonly rows: number; readonly files: readonly string[] };
  readonly files: readonly Omit<WrittenFile, 'layer'>[];
  /** The published runs this run's duplicate and unique checks compared against. */
  readonly checked_against: readonly string[];
  readonly retry_of?: readonly string[];
  /** For a retry: whose quarantined (and, approved, condemned) rows it took; retired when it is published. */
  readonly consumes?: { readonly quarantine: readonly string[]; readonly condemned: readonly string[] };
  /** Approved reprocessing of condemned rows (also in the audit log). */
  readonly approval?: { readonly approved_by: string; readonly reason: string };
  readonly metrics: readonly MetricValue[];
}

export function parseManifest(body: Buffer, runId: string): RunManifest {
  const m = JSON.parse(body.toString('utf8')) as RunManifest;
  if (m.format !== MANIFEST_FORMAT || m.run_id !== runId) throw new Error(`the manifest of run ${runId} is not a ${MANIFEST_FORMAT} object for that run`);
  return m;
}

/** What a delivery run found, whichever engine judged its rows (undefined for a rejected delivery). */
export interface DeliveryCounts {
  readonly rows: RowCounts;
  /** Rows failing each `rule:column`. */
  readonly errors: Readonly<Record<string, number>>;
  readonly condemnedDuplicate: number;
  readonly condemnedMaxAttempts: number;
}

/** The manifest of a run of one delivery: what every engine records the same way, from what each found. */
export function deliveryManifest(
  d: DatasetDescriptor,
  r: Pick<RunManifest, 'run_id' | 'engine' | 'outcome' | 'message' | 'started_at' | 'finished_at' | 'delivery' | 'header' | 'drift' | 'partitions' | 'quarantine' | 'condemned' | 'files' | 'checked_against'> & {
    readonly counts: DeliveryCounts | undefined;
  },
): RunManifest {
  const rows = r.counts?.rows ?? { in: 0, silver: 0, quarantined: 0, condemned: 0 };
  const rate = rows.in ? rows.quarantined / rows.in : 0;
  return {
    format: MANIFEST_FORMAT,
    run_id: r.run_id,
    dataset: d.key,
    schema_v: d.id.schemaV,
    kind: 'delivery',
    engine: r.engine,
    outcome: r.outcome,
    ...(r.message ? { message: r.message } : {}),
    started_at: r.started_at,
    finished_at: r.finished_at,
    contract: { file: d.contractFile, sha256: d.contractSha256 },
    delivery: r.delivery,
    ...(r.header ? { header: r.header } : {}),
    drift: r.drift,
    rows,
    errors: r.counts?.errors ?? {},
    condemned_reasons: { duplicate: r.counts?.condemnedDuplicate ?? 0, max_attempts: r.counts?.condemnedMaxAttempts ?? 0 },
    quarantine_rate: Math.round(rate * 1e6) / 1e6,
    quarantine_rate_exceeded: rate > d.quality.maxQuarantineRate,
    partitions: r.partitions,
    quarantine: r.quarantine,
    condemned: r.condemned,
    files: r.files,
    checked_against: r.checked_against,
    metrics: [],
  };
}
