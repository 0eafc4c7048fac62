import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaRunner } from '../aws/athena-runner';
import type { DatasetDescriptor } from '../dataset-module';
import { LAMBDA_ENV, LAMBDA_WORKGROUP_ENV } from '../lambda/handler';
import type { RunSummary } from '../pipeline/run-summary';
import { runIdCandidates } from '../publish/run-id';
import { S3Storage } from '../storage/s3-storage';
import type { Storage } from '../storage/storage';
import { athenaCounts, filesOf, judgeAthenaRun, prepareAthenaRun, publishAthenaRun, refuseOpenQuotes, type AthenaBackfillContext, type AthenaCounts, type PreparedAthenaRun } from './athena-backfill';
import { backfillDeliveries } from './backfill-deliveries';

/**
 * The Lambda between the Athena tasks of a backfill state machine (stacks/orchestration/backfill.ts): one
 * dataset contract per function, its descriptor in `descriptor.json` beside the bundle. Each invocation is one
 * step of runtime/engine/athena-backfill.ts; query results are read here (paged, any size) by execution id.
 */
export const DESCRIPTOR_FILE = 'descriptor.json';
/** The path of the function's `descriptor.json` (its package; the handler itself is in a layer). */
export const BACKFILL_DESCRIPTOR_ENV = 'LAKEC_DESCRIPTOR';

export type BackfillEvent =
  | { readonly action: 'deliveries'; readonly from: string; readonly to: string }
  | { readonly action: 'prepare'; readonly key: string }
  | { readonly action: 'open-quote'; readonly run: PreparedAthenaRun; readonly queryExecutionId: string }
  | { readonly action: 'judge'; readonly run: PreparedAthenaRun; readonly queryExecutionId: string }
  | {
      readonly action: 'publish';
      readonly run: PreparedAthenaRun;
      readonly counts: AthenaCounts;
      /** `files-*` executions (null where the table got no rows). */
      readonly files: { readonly silver: QueryRef | null; readonly quarantine: QueryRef | null; readonly condemned: QueryRef | null };
    };

/** An Athena query execution, as the state machine passes it. */
export interface QueryRef {
  readonly id: string;
}

/** What a step returns to the state machine: `outcome` is what its Choice states look at. */
export type BackfillResult =
  | { readonly outcome: 'deliveries'; readonly deliveries: readonly string[] }
  | { readonly outcome: 'ready'; readonly run: PreparedAthenaRun }
  | { readonly outcome: 'go'; readonly counts: AthenaCounts }
  | { readonly outcome: 'finished'; readonly summary: RunSummary; readonly stop: boolean };

export interface BackfillHandlerConfig {
  readonly descriptor: DatasetDescriptor;
  readonly storage: Storage;
  /** The platform workgroup: results of the state machine's queries are read, and reader views replaced, there. */
  readonly runner: AthenaRunner;
  readonly clock?: () => Date;
}

export function createBackfillHandler(config: BackfillHandlerConfig): (event: BackfillEvent) => Promise<BackfillResult> {
  const ctx: AthenaBackfillContext = { module: { descriptor: config.descriptor }, storage: config.storage, ...(config.clock ? { clock: config.clock } : {}) };
  const finished = (summary: RunSummary): BackfillResult => ({ outcome: 'finished', summary, stop: summary.status === 'halted' || summary.status === 'failed' });
  // Every row of a finished query, page by page; the runner leaves out the header row of a SELECT.
  const rows = async (id: string) => (await config.runner.results(id, await config.runner.wait(id))).rows;
  return async (event) => {
    switch (event.action) {
      case 'deliveries':
        return { outcome: 'deliveries', deliveries: await backfillDeliveries(config.storage, config.descriptor, event.from, event.to) };
      case 'prepare': {
        const now = (config.clock ?? (() => new Date()))();
        const p = await prepareAthenaRun(ctx, event.key, runIdCandidates(now, 'BACKFILL'));
        return p.status === 'ready' ? { outcome: 'ready', run: p.run } : finished(p.summary);
      }
      case 'open-quote': {
        const open = Number((await rows(event.queryExecutionId))[0]?.[0] ?? 0);
        const refused = await refuseOpenQuotes(ctx, event.run, open);
        return refused ? finished(refused) : { outcome: 'ready', run: event.run };
      }
      case 'judge': {
        const counts = athenaCounts(await rows(event.queryExecutionId));
        const judged = await judgeAthenaRun(ctx, event.run, counts);
        return 'halted' in judged ? finished(judged.halted) : { outcome: 'go', counts };
      }
      case 'publish': {
        const read = async (q: QueryRef | null) => (q ? filesOf(await rows(q.id)) : []);
        const summary = await publishAthenaRun(ctx, event.run, event.counts, { silver: await read(event.files.silver), quarantine: await read(event.files.quarantine), condemned: await read(event.files.condemned) }, config.runner);
        return finished(summary);
      }
      default: {
        const never: never = event;
        throw new Error(`unknown backfill action ${JSON.stringify(never)}`);
      }
    }
  };
}

let handlerInstance: ((event: BackfillEvent) => Promise<BackfillResult>) | undefined;

/** The function's entry (`index.handler`): configured from its environment and its `descriptor.json` (LAKEC_DESCRIPTOR). */
export async function handler(event: BackfillEvent): Promise<BackfillResult> {
  if (!handlerInstance) {
    const env = (name: string) => {
      const v = process.env[name];
      if (!v) throw new Error(`${name} is not set`);
      return v;
    };
    const descriptor = JSON.parse(readFileSync(process.env[BACKFILL_DESCRIPTOR_ENV] || join(__dirname, DESCRIPTOR_FILE), 'utf8')) as DatasetDescriptor;
    const storage = new S3Storage({
      buckets: { bronze: env(LAMBDA_ENV.bronze), silver: env(LAMBDA_ENV.silver), gold: env(LAMBDA_ENV.gold), quarantine: env(LAMBDA_ENV.quarantine) },
      label: `s3://${env(LAMBDA_ENV.silver)}`,
    });
    handlerInstance = createBackfillHandler({ descriptor, storage, runner: new AthenaRunner({ client: new AthenaClient({}), workGroup: env(LAMBDA_WORKGROUP_ENV) }) });
  }
  return handlerInstance(event);
}
