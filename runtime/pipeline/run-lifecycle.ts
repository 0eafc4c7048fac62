import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { DatasetDescriptor } from '../dataset-module';
import { LakeKeys } from '../lake-keys';
import { runIdCandidates, utcDate } from '../publish/run-id';
import { embeddedMetricRecord } from '../metrics';
import { ControlObjectError } from '../publish/control-object';
import { publishSilverRun, PublishConflictError, readPublished, type PublishedRun, type PublishedSilver } from '../publish/silver-published';
import { AlreadyExistsError, type Storage } from '../storage/storage';
import type { RunManifest } from './manifest';
import { overlaps, silverFiles } from './published-index';
import { metricValues, summaryOf, type RunStatus, type RunSummary } from './run-summary';

/** A delivery to run: a local file (copied to bronze by the run), or one already in bronze (a backfill). */
export type DeliveryInput = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'bronze'; readonly key: string };

/** What every engine's run of a delivery starts from (DeliveryRun). */
export interface DeliveryRunOptions {
  readonly storage: Storage;
  readonly input: DeliveryInput;
  /** A run id to use (it must be free); by default the start time, made unique. */
  readonly runId?: string;
  /** Run ids to try in turn (the first free one is taken), instead of ones from the start time. */
  readonly runIdCandidates?: Iterable<string> | undefined;
  readonly clock?: () => Date;
}

/** A delivery about to run: where it is and will be, what it supersedes, and the run id claimed for it. */
export interface DeliveryRun {
  readonly clock: () => Date;
  readonly started: Date;
  readonly keys: LakeKeys;
  readonly fileName: string;
  readonly bytes: number;
  readonly ingestDate: string;
  readonly gzip: boolean;
  /** Where the delivery is kept in bronze: its own key in a backfill, else under the claimed run. */
  readonly bronzeKey: string;
  /** The delivery's SHA-256 when it had to be read up front (some published delivery has its size). */
  readonly knownSha: string | undefined;
  /** The published runs this run's rows are checked against: all but those of the same delivery, which it replaces. */
  readonly checkedAgainst: readonly PublishedRun[];
  readonly runId: string;
}

/**
 * The start every engine shares (DESIGN.md, rules the runtime keeps): the delivery's name, size and ingest
 * date; the published runs it supersedes — the same bytes delivered before, so a re-delivery never
 * double-counts; and a run id claimed exclusively. `claim` adds to what `_claim.json` records.
 */
export async function startDeliveryRun(d: DatasetDescriptor, o: DeliveryRunOptions, claim: Record<string, unknown> = {}): Promise<DeliveryRun> {
  const clock = o.clock ?? (() => new Date());
  const started = clock();
  const keys = new LakeKeys(d);
  const storage = o.storage;
  let fileName: string;
  let bytes: number;
  let ingestDate: string;
  let bronzeKey: string | undefined;
  if (o.input.kind === 'file') {
    fileName = basename(o.input.path);
    bytes = (await stat(o.input.path)).size;
    ingestDate = utcDate(started);
  } else {
    const parsed = keys.parseBronze(o.input.key);
    if (!parsed) throw new Error(`${o.input.key} is not a delivery of ${d.key} in bronze (${d.tables.bronze.prefix}ingest_date=…/run_id=…/FILE)`);
    const size = await storage.size(o.input.key);
    if (size === undefined) throw new Error(`${o.input.key} does not exist in ${storage.location}`);
    fileName = parsed.fileName;
    bytes = size;
    ingestDate = parsed.ingestDate;
    bronzeKey = o.input.key;
  }

  // Which published runs this delivery supersedes: the same bytes delivered before. The SHA-256 is known
  // up front only when some published delivery has the same size; otherwise it cannot match any.
  const published = await readPublished(storage, keys.published);
  const publishedRuns = published?.runs ?? [];
  let knownSha: string | undefined;
  if (bronzeKey) knownSha = publishedRuns.find((r) => r.delivery.bronze_key === bronzeKey)?.delivery.sha256;
  if (!knownSha && publishedRuns.some((r) => r.delivery.bytes === bytes)) knownSha = (await sha256Of(await openInput(o.input, storage))).sha256;
  const superseded = knownSha ? publishedRuns.filter((r) => r.delivery.sha256 === knownSha) : [];
  const checkedAgainst = publishedRuns.filter((r) => !superseded.includes(r));

  const input = o.input;
  const runId = await claimRunId(
    storage,
    keys,
    o.runId ? [o.runId] : o.runIdCandidates ?? runIdCandidates(started, input.kind === 'bronze' ? 'BACKFILL' : undefined),
    { dataset: d.key, ...claim, started_at: started.toISOString(), input: input.kind === 'file' ? input.path : input.key, pid: process.pid },
    o.runId !== undefined,
    async (id) => input.kind === 'file' && (await storage.size(keys.bronze(ingestDate, id, fileName))) !== undefined,
  );
  return {
    clock,
    started,
    keys,
    fileName,
    bytes,
    ingestDate,
    gzip: /\.gz$/i.test(fileName),
    bronzeKey: bronzeKey ?? keys.bronze(ingestDate, runId, fileName),
    knownSha,
    checkedAgainst,
    runId,
  };
}

/** The delivery's bytes as stored: the local file, or the bronze object. */
export async function openInput(input: DeliveryInput, storage: Storage): Promise<Readable> {
  return input.kind === 'file' ? createReadStream(input.path, { highWaterMark: 1 << 20 }) : storage.openRead(input.key);
}

/** A stream's SHA-256 (lowercase hex) and length in bytes, read to its end. */
export async function sha256Of(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

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

/** The file as a whole cannot be taken in: the run ends `rejected` (every engine decides it the same way). */
export class RejectedFile extends Error {}

export interface FinishOptions {
  readonly storage: Storage;
  readonly d: DatasetDescriptor;
  readonly keys: LakeKeys;
  /** The run's manifest; finishRun records the run's metrics in it. */
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
  const { storage, d, keys } = o;
  const manifest = withMetrics(o.manifest, o.clock);
  await storage.createNew(keys.runFile(manifest.run_id, 'manifest.json'), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  let status: RunStatus = manifest.outcome === 'complete' ? 'staged' : manifest.outcome;
  let superseded: string[] = [];
  let message: string | undefined;
  if (manifest.outcome === 'complete') {
    await storage.createNew(keys.runFile(manifest.run_id, '_SUCCESS'), Buffer.alloc(0));
    if (o.publish) {
      try {
        superseded = await publishCompleteRun({ ...o, manifest });
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

/** The run's metrics, recorded in its manifest (locally the only place they go). */
function withMetrics(m: RunManifest, clock: () => Date): RunManifest {
  const seconds = (clock().getTime() - Date.parse(m.started_at)) / 1000;
  return { ...m, metrics: metricValues(m, m.outcome, seconds) };
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
