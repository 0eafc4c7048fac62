import type { Disagreement } from './gold-manifest';

/**
 * How a Gold run ended: `published`; `staged` (complete and reconciled, not published: --no-publish);
 * `refused` (complete, but it changes closed months and --allow-restatement was not given: publish it later
 * with `lakec publish … --allow-restatement`); `failed` (the Gold query failed or the reconciliation found
 * disagreements: never publishable).
 */
export type GoldRunStatus = 'published' | 'staged' | 'refused' | 'failed';

/** What `lakec gold --json` prints: one object. */
export interface GoldRunSummary {
  readonly run_id: string;
  /** `domain.name`. */
  readonly dataset: string;
  readonly schema_v: string;
  readonly status: GoldRunStatus;
  readonly message?: string;
  readonly rows: number;
  /** The months the run reports, oldest first. */
  readonly months: readonly string[];
  readonly source: { readonly dataset: string; readonly runs: number; readonly rows: number };
  readonly reconciliation: { readonly ok: boolean; readonly disagreements: readonly Disagreement[] };
  /** The published run this one was compared with (and, when published, replaced). */
  readonly previous_run_id: string | null;
  /** Published months whose values this run changes. */
  readonly restated_months: readonly string[];
  /** Of those, the ones older than the open window. */
  readonly closed_months_restated: readonly string[];
  readonly open_months: number;
  readonly allow_restatement: boolean;
  /** The `_published_at` the rows carry (ISO-8601, UTC). */
  readonly published_at: string;
  /** The audit record of a published restatement of closed months. */
  readonly audit?: string;
  readonly files_written: number;
  readonly seconds: number;
  readonly lake: string;
}
