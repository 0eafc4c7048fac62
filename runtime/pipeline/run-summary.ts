import type { DatasetDescriptor } from '../dataset-module';
import { METRICS, type MetricValue } from '../metrics';
import type { RunManifest } from './manifest';

/**
 * How a run ended (DESIGN.md): `published`; `staged` (complete, not published: --no-publish, or a publish
 * that was refused); `halted` (circuit breaker); `rejected` (the file as a whole: no header, a required
 * column missing, unreadable); `failed` (an error of the platform: storage, a conflicting publish).
 */
export type RunStatus = 'published' | 'staged' | 'halted' | 'rejected' | 'failed';

/** What `lakec run --json` prints: one object, the counts conserving (in = silver + quarantined + condemned). */
export interface RunSummary {
  readonly run_id: string;
  /** `domain.name`. */
  readonly dataset: string;
  readonly schema_v: string;
  readonly status: RunStatus;
  readonly rows_in: number;
  readonly rows_silver: number;
  readonly rows_quarantined: number;
  readonly rows_condemned: number;
  readonly condemned_duplicates: number;
  readonly condemned_max_attempts: number;
  readonly quarantine_rate: number;
  readonly max_quarantine_rate: number;
  readonly quarantine_rate_exceeded: boolean;
  /** Failing rows per `rule:column`. */
  readonly errors: Readonly<Record<string, number>>;
  readonly message?: string;
  readonly kind: 'delivery' | 'retry';
  readonly delivery: { readonly file_name: string; readonly bronze_key: string; readonly sha256: string; readonly bytes: number; readonly ingest_date: string };
  /** Earlier runs of the same delivery this publish replaced. */
  readonly superseded: readonly string[];
  readonly drift: { readonly missing_columns: readonly string[]; readonly extra_columns: readonly string[] };
  readonly partitions: readonly { readonly partition: string; readonly rows: number }[];
  readonly files_written: number;
  readonly seconds: number;
  readonly rows_per_second: number;
  readonly mb_per_second: number;
  readonly lake: string;
  readonly metrics: readonly MetricValue[];
  readonly retry_of?: readonly string[];
}

export function metricValues(m: { rows: RunManifest['rows']; quarantine_rate: number; quarantine_rate_exceeded: boolean }, outcome: RunManifest['outcome'] | 'published', seconds: number): MetricValue[] {
  const v = (k: keyof typeof METRICS, value: number): MetricValue => ({ name: METRICS[k].name, unit: METRICS[k].unit, value });
  return [
    v('rowsIn', m.rows.in),
    v('rowsSilver', m.rows.silver),
    v('rowsQuarantined', m.rows.quarantined),
    v('rowsCondemned', m.rows.condemned),
    v('quarantineRate', m.quarantine_rate),
    v('quarantineRateExceeded', m.quarantine_rate_exceeded ? 1 : 0),
    v('runFailed', outcome === 'halted' || outcome === 'rejected' || outcome === 'failed' ? 1 : 0),
    v('runHalted', outcome === 'halted' ? 1 : 0),
    v('runSeconds', Math.round(seconds * 1000) / 1000),
  ];
}

export function summaryOf(d: DatasetDescriptor, m: RunManifest, status: RunStatus, extra: { superseded: readonly string[]; lake: string; message?: string }): RunSummary {
  const seconds = Math.max(0.001, (Date.parse(m.finished_at) - Date.parse(m.started_at)) / 1000);
  const message = extra.message ?? m.message;
  return {
    run_id: m.run_id,
    dataset: `${d.id.domain}.${d.id.name}`,
    schema_v: d.id.schemaV,
    status,
    rows_in: m.rows.in,
    rows_silver: m.rows.silver,
    rows_quarantined: m.rows.quarantined,
    rows_condemned: m.rows.condemned,
    condemned_duplicates: m.condemned_reasons.duplicate,
    condemned_max_attempts: m.condemned_reasons.max_attempts,
    quarantine_rate: m.quarantine_rate,
    max_quarantine_rate: d.quality.maxQuarantineRate,
    quarantine_rate_exceeded: m.quarantine_rate_exceeded,
    errors: m.errors,
    ...(message ? { message } : {}),
    kind: m.kind,
    delivery: { file_name: m.delivery.file_name, bronze_key: m.delivery.bronze_key, sha256: m.delivery.sha256, bytes: m.delivery.bytes, ingest_date: m.delivery.ingest_date },
    superseded: extra.superseded,
    drift: m.drift,
    partitions: m.partitions.map((p) => ({ partition: Object.entries(p.values).map(([k, v]) => `${k}=${v}`).join('/'), rows: p.rows })),
    files_written: m.files.length,
    seconds: Math.round(seconds * 1000) / 1000,
    rows_per_second: Math.round(m.rows.in / seconds),
    mb_per_second: Math.round((m.delivery.bytes / 1e6 / seconds) * 100) / 100,
    lake: extra.lake,
    metrics: metricValues(m, status === 'published' ? 'published' : m.outcome, seconds),
    ...(m.retry_of ? { retry_of: m.retry_of } : {}),
  };
}
