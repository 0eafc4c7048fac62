/**
 * `gold/{domain}/{name}/schema_v=vN/_runs/{RUN}/manifest.json`: what a Gold run read, wrote and found,
 * written once after its data and before `_SUCCESS` (DESIGN.md, completion). A run whose Gold query or
 * reconciliation failed gets one too, without `_SUCCESS`: it can never be published, but it can be read.
 */
export const GOLD_MANIFEST_FORMAT = 'lakec.gold-run-manifest/1';

/** `complete`: written and reconciled, publishable; `failed`: the Gold query or the reconciliation failed. */
export type GoldOutcome = 'complete' | 'failed';

export interface Disagreement {
  readonly check_name: string;
  readonly detail: string;
}

export interface GoldFile {
  readonly key: string;
  readonly month: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** How the run compared with the run published when it was built (publishing compares again). */
export interface RestatementFinding {
  /** The published run compared with (null: none was published). */
  readonly compared_with: string | null;
  /** Published months whose rows this run changes, oldest first. */
  readonly restated_months: readonly string[];
  /** Of those, the months older than the open window: publishing them needs --allow-restatement. */
  readonly closed_months: readonly string[];
  /** Rows that differ, per restated month. */
  readonly changed_rows: Readonly<Record<string, number>>;
  /** The first month of the open window (null when neither run has rows). */
  readonly open_from: string | null;
  readonly open_months: number;
}

export interface GoldRunManifest {
  readonly format: typeof GOLD_MANIFEST_FORMAT;
  readonly run_id: string;
  /** `domain.name@vN`. */
  readonly dataset: string;
  readonly schema_v: string;
  readonly outcome: GoldOutcome;
  readonly message?: string;
  readonly started_at: string;
  readonly finished_at: string;
  /** The `_published_at` every row carries (ISO-8601, UTC): when the run was built to be published. */
  readonly published_at: string;
  readonly contract: { readonly sha256: string };
  readonly source: {
    readonly dataset: string;
    /** The silver runs `_PUBLISHED.json` listed when the run read it. */
    readonly published_runs: readonly string[];
    readonly rows: number;
    readonly files: number;
  };
  readonly rows: number;
  readonly months: readonly { readonly month: string; readonly rows: number }[];
  readonly files: readonly GoldFile[];
  readonly reconciliation: { readonly ok: boolean; readonly disagreements: readonly Disagreement[] };
  readonly restatement?: RestatementFinding;
}

export function parseGoldManifest(body: Buffer, runId: string): GoldRunManifest {
  let m: GoldRunManifest;
  try {
    m = JSON.parse(body.toString('utf8')) as GoldRunManifest;
  } catch {
    throw new Error(`the manifest of Gold run ${runId} is not valid JSON`);
  }
  if (m?.format !== GOLD_MANIFEST_FORMAT || m.run_id !== runId || !Array.isArray(m.files)) {
    throw new Error(`the manifest of Gold run ${runId} is not a ${GOLD_MANIFEST_FORMAT} object for that run`);
  }
  return m;
}
