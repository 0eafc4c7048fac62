import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import type { EventBridgeEvent, S3Event } from 'aws-lambda';
import { AthenaRunner } from '../aws/athena-runner';
import { replaceDatasetViews } from '../aws/reader-views';
import type { DatasetModule } from '../dataset-module';
import { LakeKeys } from '../lake-keys';
import { isRunId } from '../publish/run-id';
import { readPublished } from '../publish/silver-published';
import { runDelivery } from '../pipeline/run-delivery';
import type { RunSummary } from '../pipeline/run-summary';
import { S3Storage } from '../storage/s3-storage';
import type { BucketRole, Storage } from '../storage/storage';

/**
 * The Lambda that runs the lake in AWS. How a delivery lands in bronze: the producer (or the transfer
 * that receives its file) writes it once, with a checksum, to
 * `bronze/{domain}/{dataset}/ingest_date={UTC date}/run_id={YYYYMMDDTHHMMSSZ}/{original file name}` in the
 * object-locked bronze bucket — the same key `lakec run` copies a local file to. S3 sends EventBridge an
 * "Object Created" event; the rule (stacks/) starts this handler, which finds the dataset from the key
 * and runs every schema version of it in the registry on that object, in place (no copy), with the
 * bronze run id as the run id: the same pipeline as `lakec run`, on S3 storage, publishing when complete.
 *
 * Events come at least once: a delivery whose run already finished is skipped, one still running (a
 * duplicate event) too; one whose run died (no manifest an hour after its claim) is run again under the
 * next free run id.
 */

/** Environment variables the stack sets: the bucket of each layer. */
export const LAMBDA_ENV: Readonly<Record<BucketRole, string>> = {
  bronze: 'LAKEC_BUCKET_BRONZE',
  silver: 'LAKEC_BUCKET_SILVER',
  gold: 'LAKEC_BUCKET_GOLD',
  quarantine: 'LAKEC_BUCKET_QUARANTINE',
};

/** The Athena workgroup the handler replaces reader views in after a publish (unset: no view replacement). */
export const LAMBDA_WORKGROUP_ENV = 'LAKEC_ATHENA_WORKGROUP';

/** The file beside the handler's bundle that exports `datasets` (generated: validators/registry.ts). */
export const REGISTRY_FILE = 'registry.js';

/** Runs that claimed a run id this long ago without writing a manifest are taken for dead. */
export const STALE_CLAIM_MS = 60 * 60 * 1000;

export interface HandlerConfig {
  readonly datasets: readonly DatasetModule[];
  readonly storage: Storage;
  /** The bronze bucket's name: events from other buckets are ignored. */
  readonly bronzeBucket: string;
  readonly clock?: () => Date;
  /** Where log lines and CloudWatch Embedded Metric Format records go (default: stdout). */
  readonly log?: (line: string) => void;
  readonly encoderThread?: boolean;
  /**
   * After a run is published: replace the dataset's Athena reader views (DESIGN.md: publishing in AWS ends by
   * replacing them). Set from LAKEC_ATHENA_WORKGROUP; an error fails the invocation once the run is published
   * (the error alarm fires; `lakec deploy-sql` re-applies every view from the control objects).
   */
  readonly afterPublish?: (module: DatasetModule) => Promise<void>;
}

export interface HandlerResult {
  readonly key: string;
  readonly runs: readonly (RunSummary | { readonly dataset: string; readonly skipped: string })[];
}

type ObjectCreated = EventBridgeEvent<'Object Created', { bucket: { name: string }; object: { key: string; size?: number } }>;

/** The objects an event is about: an EventBridge "Object Created" event, or a classic S3 notification. */
export function objectsOf(event: ObjectCreated | S3Event): { bucket: string; key: string }[] {
  if ('Records' in event && Array.isArray(event.Records)) {
    return event.Records.map((r) => ({ bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')) }));
  }
  const e = event as ObjectCreated;
  if (e.detail?.bucket?.name && typeof e.detail.object?.key === 'string') return [{ bucket: e.detail.bucket.name, key: e.detail.object.key }];
  throw new Error('not an S3 Object Created event');
}

export function createHandler(config: HandlerConfig): (event: ObjectCreated | S3Event) => Promise<HandlerResult[]> {
  const log = config.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = config.clock ?? (() => new Date());
  return async (event) => {
    const results: HandlerResult[] = [];
    const failures: string[] = [];
    for (const { bucket, key } of objectsOf(event)) {
      if (bucket !== config.bronzeBucket) {
        log(JSON.stringify({ level: 'warn', message: 'ignored: not the bronze bucket', bucket, key }));
        continue;
      }
      const modules = config.datasets.filter((m) => new LakeKeys(m.descriptor).parseBronze(key));
      if (modules.length === 0) {
        log(JSON.stringify({ level: 'warn', message: 'ignored: no dataset contract reads this key', key }));
        continue;
      }
      const runs: HandlerResult['runs'][number][] = [];
      for (const module of modules) {
        const d = module.descriptor;
        const keys = new LakeKeys(d);
        const bronzeRunId = keys.parseBronze(key)!.runId;
        const skip = await alreadyHandled(config.storage, keys, key, bronzeRunId, clock());
        if (skip) {
          runs.push({ dataset: d.key, skipped: skip });
          log(JSON.stringify({ level: 'info', message: `skipped: ${skip}`, dataset: d.key, key }));
          continue;
        }
        const summary = await runDelivery({
          module,
          storage: config.storage,
          input: { kind: 'bronze', key },
          runIdCandidates: isRunId(bronzeRunId) ? candidatesFrom(bronzeRunId) : undefined,
          publish: true,
          clock,
          emitMetrics: log,
          ...(config.encoderThread !== undefined ? { encoderThread: config.encoderThread } : {}),
        });
        runs.push(summary);
        log(JSON.stringify({ level: summary.status === 'published' ? 'info' : 'error', message: `run ${summary.run_id}: ${summary.status}`, dataset: d.key, key, summary }));
        if (summary.status === 'failed') failures.push(`${d.key} ${summary.run_id}: ${summary.message ?? 'failed'}`);
        if (summary.status === 'published' && config.afterPublish) {
          try {
            await config.afterPublish(module);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            log(JSON.stringify({ level: 'error', message: `run ${summary.run_id} is published, but its reader views were not replaced: ${message}`, dataset: d.key, key }));
            failures.push(`${d.key} ${summary.run_id}: reader views not replaced: ${message}`);
          }
        }
      }
      results.push({ key, runs });
    }
    // A platform failure is retried by Lambda; halted and rejected runs are the data's problem, not retried.
    if (failures.length) throw new Error(`runs failed: ${failures.join('; ')}`);
    return results;
  };
}

function* candidatesFrom(runId: string): Generator<string> {
  yield runId;
  for (let n = 2; ; n++) yield `${runId}_${n}`;
}

/** Why this delivery needs no run now (published already, or being run by another invocation), or undefined. */
async function alreadyHandled(storage: Storage, keys: LakeKeys, bronzeKey: string, runId: string, now: Date): Promise<string | undefined> {
  const published = await readPublished(storage, keys.published);
  const done = published?.runs.find((r) => r.delivery.bronze_key === bronzeKey);
  if (done) return `run ${done.run_id} of this delivery is published`;
  const claims = (await storage.listFolders(keys.runsFolder)).filter((r) => r === runId || r.startsWith(`${runId}_`));
  for (const r of claims) {
    if (await storage.read(keys.runFile(r, 'manifest.json'))) return `run ${r} of this delivery already finished`;
    const claim = await storage.read(keys.runFile(r, '_claim.json'));
    const started = claim ? Date.parse((JSON.parse(claim.toString('utf8')) as { started_at?: string }).started_at ?? '') : NaN;
    if (Number.isFinite(started) && now.getTime() - started < STALE_CLAIM_MS) return `run ${r} of this delivery is in progress`;
  }
  return undefined;
}

/** The handler's configuration in Lambda: buckets from the environment, datasets from the bundled registry. */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const buckets = Object.fromEntries(
    (Object.entries(LAMBDA_ENV) as [BucketRole, string][]).map(([role, name]) => {
      const value = env[name];
      if (!value) throw new Error(`environment variable ${name} (the ${role} bucket) is not set`);
      return [role, value];
    }),
  ) as Record<BucketRole, string>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const registry = require(env.LAKEC_REGISTRY ?? join(__dirname, REGISTRY_FILE)) as { datasets: readonly DatasetModule[] };
  // As for the CLI: an S3-compatible endpoint (path-style) and relaxed checksums for local test servers only.
  const endpoint = env.LAKEC_S3_ENDPOINT;
  const storage = new S3Storage({ buckets, ...(endpoint ? { endpoint } : {}), ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}), relaxedChecksums: env.LAKEC_S3_RELAXED_CHECKSUMS === '1' });
  const workGroup = env[LAMBDA_WORKGROUP_ENV];
  const afterPublish = workGroup ? readerViewReplacer(storage, new AthenaRunner({ client: new AthenaClient(env.AWS_REGION ? { region: env.AWS_REGION } : {}), workGroup })) : undefined;
  return { datasets: registry.datasets, storage, bronzeBucket: buckets.bronze, ...(afterPublish ? { afterPublish } : {}) };
}

/** Replaces a dataset's three reader views from a fresh read of `_PUBLISHED.json` (a later publish's state wins). */
export function readerViewReplacer(storage: Storage, runner: AthenaRunner): (module: DatasetModule) => Promise<void> {
  return async (module) => {
    await replaceDatasetViews(runner, storage, module.descriptor);
  };
}

let configured: ((event: ObjectCreated | S3Event) => Promise<HandlerResult[]>) | undefined;

/** The Lambda entry point (configured on the first event, then reused while the container lives). */
export async function handler(event: ObjectCreated | S3Event): Promise<HandlerResult[]> {
  configured ??= createHandler(configFromEnvironment());
  return configured(event);
}
