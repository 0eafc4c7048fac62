import type { Storage } from '../storage/storage';
import { ControlObjectError, parseControlJson, updateControlObject } from './control-object';

/**
 * Silver's control object, `silver/{domain}/{dataset}/schema_v=vN/_PUBLISHED.json` (DESIGN.md: Silver is
 * cumulative). It lists every published run with its delivery, partitions, files and row counts; readers
 * (`lakec query`, the Athena views) see exactly these runs. A delivery is identified by the SHA-256 of
 * its bytes: publishing a new run of a delivery (a rerun, a backfill, the same file delivered again)
 * replaces every run of that delivery, so nothing is counted twice.
 */
export const PUBLISHED_FORMAT = 'lakec.silver.published/1';

export interface Delivery {
  /** The delivered file in bronze. */
  readonly bronze_key: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly ingest_date: string;
}

export interface RowCounts {
  readonly in: number;
  readonly silver: number;
  readonly quarantined: number;
  readonly condemned: number;
}

export interface PartitionFiles {
  /** Partition key → value, e.g. { year: 2024, month: 1 }. */
  readonly values: Readonly<Record<string, number>>;
  readonly rows: number;
  readonly files: readonly string[];
}

export interface LayerFiles {
  readonly rows: number;
  readonly files: readonly string[];
}

export type RunKind = 'delivery' | 'retry';

export interface PublishedRun {
  readonly run_id: string;
  /** `delivery`: a file read from bronze; `retry`: quarantined (or approved condemned) rows validated again. */
  readonly kind: RunKind;
  readonly published_at: string;
  readonly delivery: Delivery;
  readonly rows: RowCounts;
  readonly partitions: readonly PartitionFiles[];
  /** Quarantined rows of the run; no longer current once a retry run took them (`retried_by`). */
  readonly quarantine: LayerFiles & { readonly retried_by?: string };
  /** Condemned rows; no longer current once approved reprocessing took them (`reprocessed_by`). */
  readonly condemned: LayerFiles & { readonly reprocessed_by?: string };
  /** For a retry run: the runs whose rows it validated again. */
  readonly retry_of?: readonly string[];
}

export interface PublishedSilver {
  readonly format: typeof PUBLISHED_FORMAT;
  /** `domain.name@vN`. */
  readonly dataset: string;
  readonly updated_at: string;
  /** Sorted by run id. */
  readonly runs: readonly PublishedRun[];
}

export function parsePublished(body: Buffer, key: string): PublishedSilver {
  const p = parseControlJson<PublishedSilver>(body, PUBLISHED_FORMAT, key);
  if (!Array.isArray(p.runs)) throw new ControlObjectError(`${key} has no runs list`);
  return p;
}

export async function readPublished(storage: Storage, key: string): Promise<PublishedSilver | undefined> {
  const v = await storage.readVersioned(key);
  return v ? parsePublished(v.body, key) : undefined;
}

/** Thrown when the published state no longer allows this publish (e.g. the rows a retry took were taken). */
export class PublishConflictError extends Error {}

export interface PublishRequest {
  readonly run: PublishedRun;
  /** Runs whose quarantine (and, with approval, condemned rows) the run validated again. */
  readonly consumes?: { readonly quarantine: readonly string[]; readonly condemned: readonly string[] };
  /** Called with the fresh state before each attempt; throws to refuse (see publishRun's overlap check). */
  readonly check?: (current: PublishedSilver | undefined) => void | Promise<void>;
}

/**
 * The next state after publishing `req.run`: a delivery run replaces every run of its delivery; a retry
 * run retires the quarantine (and condemned rows) it took. Pure.
 */
export function withPublishedRun(current: PublishedSilver | undefined, dataset: string, req: PublishRequest, now: Date): PublishedSilver {
  const run = req.run;
  let runs = [...(current?.runs ?? [])].filter((r) => r.run_id !== run.run_id);
  if (run.kind === 'delivery') {
    runs = runs.filter((r) => r.delivery.sha256 !== run.delivery.sha256);
  } else {
    const consumes = req.consumes ?? { quarantine: [], condemned: [] };
    runs = runs.map((r) => {
      let next = r;
      if (consumes.quarantine.includes(r.run_id)) {
        if (r.quarantine.retried_by) throw new PublishConflictError(`the quarantined rows of run ${r.run_id} were already retried by run ${r.quarantine.retried_by}`);
        next = { ...next, quarantine: { ...next.quarantine, retried_by: run.run_id } };
      }
      if (consumes.condemned.includes(r.run_id)) {
        if (r.condemned.reprocessed_by) throw new PublishConflictError(`the condemned rows of run ${r.run_id} were already reprocessed by run ${r.condemned.reprocessed_by}`);
        next = { ...next, condemned: { ...next.condemned, reprocessed_by: run.run_id } };
      }
      return next;
    });
    for (const id of [...consumes.quarantine, ...consumes.condemned]) {
      if (!runs.some((r) => r.run_id === id)) throw new PublishConflictError(`run ${id}, whose rows this retry validated again, is no longer published (a rerun of its delivery replaced it)`);
    }
  }
  runs.push(run);
  runs.sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0));
  return { format: PUBLISHED_FORMAT, dataset, updated_at: now.toISOString(), runs };
}

/** Publishes a run by replacing `_PUBLISHED.json` atomically (retrying from a fresh read on a lost race). */
export async function publishSilverRun(storage: Storage, key: string, dataset: string, req: PublishRequest, clock: () => Date = () => new Date()): Promise<PublishedSilver> {
  const result = await updateControlObject(
    storage,
    key,
    (body) => parsePublished(body, key),
    async (current) => {
      await req.check?.(current);
      return withPublishedRun(current, dataset, req, clock());
    },
  );
  return result!;
}

/** Quarantined rows that are current: of published runs, not yet taken by a retry. */
export function liveQuarantine(p: PublishedSilver | undefined): PublishedRun[] {
  return (p?.runs ?? []).filter((r) => r.quarantine.rows > 0 && !r.quarantine.retried_by);
}

export function liveCondemned(p: PublishedSilver | undefined): PublishedRun[] {
  return (p?.runs ?? []).filter((r) => r.condemned.rows > 0 && !r.condemned.reprocessed_by);
}
