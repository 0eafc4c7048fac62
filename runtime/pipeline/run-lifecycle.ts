import type { DatasetDescriptor } from '../dataset-module';
import type { LakeKeys } from '../lake-keys';
import { embeddedMetricRecord } from '../metrics';
import { ControlObjectError } from '../publish/control-object';
import { publishSilverRun, PublishConflictError, type PublishedRun, type PublishedSilver } from '../publish/silver-published';
import { AlreadyExistsError, type Storage } from '../storage/storage';
import type { RunManifest } from './manifest';
import { overlaps, silverFiles } from './published-index';
import { summaryOf, type RunStatus, type RunSummary } from './run-summary';

/** Raised for a run id given on the command line that is already taken. */
export class RunIdTakenError extends Error {}

/**
 * Claims the first free run id of `candidates` by creating `_runs/{RUN}/_claim.json` exclusively
 * (DESIGN.md: a writer never reuses a run id). `taken` may reject an id for other reasons (its bronze key
 * exists). With an explicit id there is one candidate, and a taken one is an error.
 */
export async function claimRunId(
  storage: Storage,
  keys: LakeKeys,
  candidates: Iterable<string>,
  claim: Record<string, unknown>,
  explicit: boolean,
  taken: (runId: string) => Promise<boolean> = async () => false,
): Promise<string> {
  let tries = 0;
  for (const runId of candidates) {
    if (++tries > 1000) break;
    if (!(await taken(runId))) {
      try {
        await storage.createNew(keys.runFile(runId, '_claim.json'), Buffer.from(`${JSON.stringify({ run_id: runId, ...claim }, null, 2)}\n`));
        return runId;
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
    if (explicit) throw new RunIdTakenError(`run id ${runId} is already taken in ${storage.location}; run ids are never reused`);
  }
  throw new Error('no free run id');
}

/** The entry a completed run gets in _PUBLISHED.json. */
export function publishedRunOf(m: RunManifest, now: Date): PublishedRun {
  return {
    run_id: m.run_id,
    kind: m.kind,
    published_at: now.toISOString().replace(/\.[0-9]{3}Z$/, 'Z'),
    delivery: { bronze_key: m.delivery.bronze_key, sha256: m.delivery.sha256, bytes: m.delivery.bytes, ingest_date: m.delivery.ingest_date },
    rows: m.rows,
    partitions: m.partitions,
    quarantine: m.quarantine,
    condemned: m.condemned,
    ...(m.retry_of ? { retry_of: m.retry_of } : {}),
  };
}

export interface FinishOptions {
  readonly storage: Storage;
  readonly d: DatasetDescriptor;
  readonly keys: LakeKeys;
  readonly manifest: RunManifest;
  readonly publish: boolean;
  readonly clock: () => Date;
  /** CloudWatch Embedded Metric Format lines go here (Lambda: stdout). */
  readonly emitMetrics?: (line: string) => void;
}

/**
 * The end of every run (DESIGN.md, completion): the data is written; then manifest.json; then `_SUCCESS`
 * for a complete run; then, when asked, the publish. Readers see nothing before the publish.
 */
export async function finishRun(o: FinishOptions): Promise<RunSummary> {
  const { storage, d, keys, manifest } = o;
  await storage.createNew(keys.runFile(manifest.run_id, 'manifest.json'), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  let status: RunStatus = manifest.outcome === 'complete' ? 'staged' : manifest.outcome;
  let superseded: string[] = [];
  let message: string | undefined;
  if (manifest.outcome === 'complete') {
    await storage.createNew(keys.runFile(manifest.run_id, '_SUCCESS'), Buffer.alloc(0));
    if (o.publish) {
      try {
        superseded = await publishCompleteRun(o);
        status = 'published';
      } catch (err) {
        if (!(err instanceof PublishConflictError || err instanceof ControlObjectError)) throw err;
        status = 'failed';
        message = `not published: ${err.message}`;
      }
    }
  }
  const summary = summaryOf(d, manifest, status, { superseded, lake: storage.location, ...(message ? { message } : {}) });
  o.emitMetrics?.(embeddedMetricRecord(d.key, summary.metrics, o.clock(), { run_id: manifest.run_id, status }));
  return summary;
}

/** Publishes a complete run; returns the runs of its delivery that it replaced. */
export async function publishCompleteRun(o: Pick<FinishOptions, 'storage' | 'd' | 'keys' | 'manifest' | 'clock'>): Promise<string[]> {
  const { storage, d, keys, manifest } = o;
  let superseded: string[] = [];
  await publishSilverRun(
    storage,
    keys.published,
    d.key,
    {
      run: publishedRunOf(manifest, o.clock()),
      ...(manifest.consumes ? { consumes: manifest.consumes } : {}),
      check: async (current) => {
        superseded = manifest.kind === 'delivery' ? (current?.runs ?? []).filter((r) => r.delivery.sha256 === manifest.delivery.sha256 && r.run_id !== manifest.run_id).map((r) => r.run_id) : [];
        await checkNoOverlap(storage, d, manifest, current);
      },
    },
    o.clock,
  );
  return superseded;
}

/**
 * Runs published while this run was validated were not seen by its duplicate and unique checks: publish
 * only if none of their rows is a copy of one of ours, or shares a unique value with one.
 */
async function checkNoOverlap(storage: Storage, d: DatasetDescriptor, m: RunManifest, current: PublishedSilver | undefined): Promise<void> {
  const seen = new Set(m.checked_against);
  const theirs = (current?.runs ?? []).filter(
    (r) => !seen.has(r.run_id) && r.run_id !== m.run_id && (m.kind === 'retry' || r.delivery.sha256 !== m.delivery.sha256),
  );
  if (theirs.length === 0) return;
  const hit = await overlaps(storage, d, m.partitions.flatMap((p) => p.files), silverFiles(theirs));
  if (hit) {
    throw new PublishConflictError(
      `run${theirs.length > 1 ? 's' : ''} ${theirs.map((r) => r.run_id).join(', ')} ${theirs.length > 1 ? 'were' : 'was'} published while this run was validated and share ${hit} with it; ` +
        'run the delivery again (its copies will then be condemned as duplicates)',
    );
  }
}
