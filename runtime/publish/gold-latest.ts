import type { Storage } from '../storage/storage';
import { ControlObjectError, parseControlJson, updateControlObject } from './control-object';

/**
 * Gold's control object, `gold/{domain}/{dataset}/schema_v=vN/_LATEST.json` (DESIGN.md: Gold is a
 * snapshot): the one run readers see. It holds the seed's fields (`run_id`, `schema_version`,
 * `published_at`, `partition_path`) and the run it replaced; rollback points it back at an older run.
 * Gold runs live at `{partition_path}/as_of_month=YYYY-MM/part-*.parquet`.
 */
export const LATEST_FORMAT = 'lakec.gold.latest/1';

export interface GoldLatest {
  readonly format: typeof LATEST_FORMAT;
  /** `domain.name@vN`. */
  readonly dataset: string;
  readonly run_id: string;
  readonly schema_version: string;
  /** ISO-8601, UTC. */
  readonly published_at: string;
  /** `gold/{domain}/{dataset}/schema_v=vN/run_id={RUN}` (no trailing slash, as in the seed). */
  readonly partition_path: string;
  /** The run this publish replaced (null for the first). */
  readonly previous_run_id: string | null;
  /** The run's data files (keys); when absent, readers list `partition_path`. */
  readonly files?: readonly string[];
  /** Months the run changed that were outside the open window, published with --allow-restatement. */
  readonly restated_months?: readonly string[];
  /**
   * Every switch of the pointer, oldest first (at most HISTORY_LIMIT): what `lakec rollback` walks back
   * through. A writer that does not keep it (the Gold refresh state machine) starts it afresh.
   */
  readonly history?: readonly GoldSwitch[];
}

/** One switch of `_LATEST.json`: a publish of a new run, or a rollback to an older one. */
export interface GoldSwitch {
  readonly action: GoldSwitchAction;
  readonly run_id: string;
  /** The run the switch replaced (null for the first publish). */
  readonly previous_run_id: string | null;
  /** ISO-8601, UTC. */
  readonly at: string;
  /** Closed months this switch changed, published with --allow-restatement. */
  readonly restated_months?: readonly string[];
}

export type GoldSwitchAction = 'publish' | 'rollback';

export const HISTORY_LIMIT = 200;

export function parseGoldLatest(body: Buffer, key: string): GoldLatest {
  const g = parseControlJson<GoldLatest>(body, LATEST_FORMAT, key);
  if (typeof g.run_id !== 'string' || typeof g.partition_path !== 'string') throw new ControlObjectError(`${key} lacks run_id or partition_path`);
  return g;
}

/** `gold/{domain}/{name}/schema_v=vN/_LATEST.json` for a gold table prefix (`gold/…/schema_v=vN/`). */
export function goldLatestKey(goldPrefix: string): string {
  return `${goldPrefix}_LATEST.json`;
}

/** `gold/…/schema_v=vN/run_id={RUN}`. */
export function goldRunPath(goldPrefix: string, runId: string): string {
  return `${goldPrefix}run_id=${runId}`;
}

export async function readGoldLatest(storage: Storage, goldPrefix: string): Promise<GoldLatest | undefined> {
  const key = goldLatestKey(goldPrefix);
  const v = await storage.readVersioned(key);
  return v ? parseGoldLatest(v.body, key) : undefined;
}

export interface GoldPublish {
  readonly dataset: string;
  readonly schemaVersion: string;
  readonly runId: string;
  readonly files?: readonly string[];
  readonly restatedMonths?: readonly string[];
  /** Recorded in `history` (kept once any writer records a switch). */
  readonly action?: GoldSwitchAction;
  /**
   * Refuses the switch on the state it would replace (e.g. publishing only if the current run is still
   * the one a restatement check compared against); asked again after a lost race.
   */
  readonly check?: (current: GoldLatest | undefined) => void | Promise<void>;
}

/**
 * Points `_LATEST.json` at a gold run — a publish, or a rollback to an older run — in one conditional
 * write; `previous_run_id` records the run it replaced.
 */
export async function publishGoldRun(storage: Storage, goldPrefix: string, p: GoldPublish, clock: () => Date = () => new Date()): Promise<GoldLatest> {
  const key = goldLatestKey(goldPrefix);
  const result = await updateControlObject<GoldLatest>(
    storage,
    key,
    (body) => parseGoldLatest(body, key),
    async (current) => {
      await p.check?.(current);
      const at = clock().toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
      const previous = current?.run_id ?? null;
      const entry: GoldSwitch = {
        action: p.action ?? 'publish',
        run_id: p.runId,
        previous_run_id: previous,
        at,
        ...(p.restatedMonths?.length ? { restated_months: [...p.restatedMonths] } : {}),
      };
      const history = p.action !== undefined || current?.history ? [...(current?.history ?? []), entry].slice(-HISTORY_LIMIT) : undefined;
      return {
        format: LATEST_FORMAT,
        dataset: p.dataset,
        run_id: p.runId,
        schema_version: p.schemaVersion,
        published_at: at,
        partition_path: goldRunPath(goldPrefix, p.runId),
        previous_run_id: previous,
        ...(p.files ? { files: [...p.files] } : {}),
        ...(p.restatedMonths?.length ? { restated_months: [...p.restatedMonths] } : {}),
        ...(history ? { history } : {}),
      };
    },
  );
  return result!;
}
