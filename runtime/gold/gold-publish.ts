import { mkdtemp, rm } from 'node:fs/promises';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlObjectError } from '../publish/control-object';
import { publishGoldRun, type GoldLatest } from '../publish/gold-latest';
import { AlreadyExistsError, type Storage } from '../storage/storage';
import { openDuckSession, type DuckSession } from './duck-session';
import { GoldKeys } from './gold-keys';
import type { GoldJob } from './gold-job';
import type { RestatementFinding } from './gold-manifest';
import { findRestatements, RestatementRefusedError } from './restatement';
import { latestFiles, readLatest, readRunRecord } from './run-files';
import { localPathsOf } from './staged-files';

/** A publish or rollback that cannot happen, with the reason in words. */
export class GoldSwitchError extends Error {}

export interface GoldSwitchOptions {
  readonly storage: Storage;
  readonly job: GoldJob;
  readonly clock?: () => Date;
  /**
   * Called after the switch with the new `_LATEST.json`, e.g. to replace the Athena reader view (what
   * Athena readers see). An error here leaves `_LATEST.json` switched; the caller reports it.
   */
  readonly afterSwitch?: (latest: GoldLatest) => Promise<void>;
}

export interface GoldPublishResult {
  readonly latest: GoldLatest;
  readonly restatement: RestatementFinding;
  /** The run was already the published one: nothing changed. */
  readonly alreadyPublished: boolean;
  /** The audit record of closed months restated with --allow-restatement. */
  readonly auditKey?: string;
}

/** The run being published, already staged by a Gold run (saves reading its files again). */
export interface StagedRun {
  readonly session: DuckSession;
  readonly dir: string;
  readonly months: readonly string[];
}

const MAX_RECOMPARISONS = 5;

class PublishedRunMoved extends Error {}

/**
 * Publishes a complete Gold run (manifest `complete` and `_SUCCESS`): compares it with the run published
 * now, refuses closed months it would change unless `allowRestatement`, then replaces `_LATEST.json` in one
 * conditional write — only if the published run is still the one compared with; otherwise it compares
 * again. A restatement is recorded in `_LATEST.json`'s history and in an audit record under `_audit/`.
 */
export async function publishGold(o: GoldSwitchOptions & { readonly runId: string; readonly allowRestatement: boolean; readonly staged?: StagedRun }): Promise<GoldPublishResult> {
  const { storage, job } = o;
  const keys = new GoldKeys(job.prefix, job.period);
  const record = await readRunRecord(storage, keys, o.runId);
  if (!record.manifest) throw new GoldSwitchError(`there is no complete Gold run ${o.runId} of ${job.key} in ${storage.location} (no manifest.json)`);
  if (record.manifest.outcome !== 'complete') throw new GoldSwitchError(`Gold run ${o.runId} failed (${record.manifest.message ?? 'see its manifest'}); it cannot be published`);
  if (!record.success) throw new GoldSwitchError(`Gold run ${o.runId} has no _SUCCESS marker: it is not complete`);
  const months = record.manifest.months.map((m) => m.month);

  let own: { session: DuckSession; dir: string } | undefined;
  let staged = o.staged;
  try {
    if (!staged) {
      const dir = await mkdtemp(join(tmpdir(), 'lakec-gold-publish-'));
      own = { session: await openDuckSession(), dir };
      const paths = await localPathsOf(storage, record.files, join(dir, 'next'));
      for (const s of job.sql.runView('next', paths)) await own.session.run(s);
      staged = { session: own.session, dir, months };
    }
    for (let attempt = 1; attempt <= MAX_RECOMPARISONS; attempt++) {
      const current = await readLatest(storage, keys);
      if (current?.run_id === o.runId) {
        return { latest: current, restatement: emptyFinding(job, current.run_id), alreadyPublished: true };
      }
      const previous = current ? { runId: current.run_id, files: await latestFiles(storage, current) } : undefined;
      const finding = await findRestatements(staged.session, job, storage, keys, join(staged.dir, `previous-${attempt}`), { months: staged.months }, previous);
      if (finding.closed_months.length && !o.allowRestatement) throw new RestatementRefusedError(o.runId, finding);
      let latest: GoldLatest;
      try {
        latest = await publishGoldRun(
          storage,
          job.prefix,
          {
            dataset: job.key,
            schemaVersion: job.id.schemaV,
            runId: o.runId,
            files: record.files,
            restatedMonths: finding.closed_months,
            action: 'publish',
            check: (now) => {
              if ((now?.run_id ?? null) !== (current?.run_id ?? null)) throw new PublishedRunMoved();
            },
          },
          o.clock,
        );
      } catch (err) {
        if (err instanceof PublishedRunMoved) continue;
        if (err instanceof ControlObjectError) throw new GoldSwitchError(err.message);
        throw err;
      }
      const auditKey = finding.closed_months.length ? await writeAudit(storage, keys, job, latest, finding) : undefined;
      await o.afterSwitch?.(latest);
      return { latest, restatement: finding, alreadyPublished: false, ...(auditKey ? { auditKey } : {}) };
    }
    throw new GoldSwitchError(`the published run of ${job.key} kept changing while run ${o.runId} was compared with it (${MAX_RECOMPARISONS} times); try again`);
  } finally {
    if (own) {
      own.session.close();
      await rm(own.dir, { recursive: true, force: true });
    }
  }
}

export interface GoldRollbackResult {
  readonly latest: GoldLatest;
  /** The run that was published before the rollback. */
  readonly from: string;
}

/**
 * Points `_LATEST.json` back at an older run in one conditional write: `to`, or by default the run the
 * current one replaced when it was published (from the history; else `previous_run_id`). The target must
 * be a complete lakec run or one that was published before (a run of the Gold refresh state machine).
 * Every run stays in the lake; only the pointer moves.
 */
export async function rollbackGold(o: GoldSwitchOptions & { readonly to?: string }): Promise<GoldRollbackResult> {
  const { storage, job } = o;
  const keys = new GoldKeys(job.prefix, job.period);
  for (let attempt = 1; attempt <= MAX_RECOMPARISONS; attempt++) {
    const current = await readLatest(storage, keys);
    if (!current) throw new GoldSwitchError(`nothing of ${job.key} is published in ${storage.location}: there is nothing to roll back`);
    const target = o.to ?? rollbackTarget(current);
    if (!target) throw new GoldSwitchError(`run ${current.run_id} replaced no earlier run; name the run to switch to with --to RUN_ID`);
    if (target === current.run_id) throw new GoldSwitchError(`run ${target} is already the published run of ${job.key}`);
    const record = await readRunRecord(storage, keys, target);
    const complete = record.manifest?.outcome === 'complete' && record.success;
    if (!complete && !wasPublished(current, target)) {
      throw new GoldSwitchError(
        record.manifest
          ? `Gold run ${target} is not complete (${record.manifest.outcome === 'failed' ? `it failed: ${record.manifest.message ?? 'see its manifest'}` : 'no _SUCCESS marker'}); it cannot be published`
          : `there is no Gold run ${target} of ${job.key} in ${storage.location}`,
      );
    }
    if (record.files.length === 0 && (record.manifest?.rows ?? 1) > 0) throw new GoldSwitchError(`Gold run ${target} has no data files under ${keys.runPath(target)}/`);
    try {
      const latest = await publishGoldRun(
        storage,
        job.prefix,
        {
          dataset: job.key,
          schemaVersion: job.id.schemaV,
          runId: target,
          files: record.files,
          action: 'rollback',
          check: (now) => {
            if (now?.run_id !== current.run_id) throw new PublishedRunMoved();
          },
        },
        o.clock,
      );
      await o.afterSwitch?.(latest);
      return { latest, from: current.run_id };
    } catch (err) {
      if (err instanceof PublishedRunMoved) continue;
      if (err instanceof ControlObjectError) throw new GoldSwitchError(err.message);
      throw err;
    }
  }
  throw new GoldSwitchError(`the published run of ${job.key} kept changing during the rollback; try again`);
}

/** The run the current one replaced when it was (last) published; `previous_run_id` when the history does not say. */
export function rollbackTarget(latest: GoldLatest): string | null {
  const history = latest.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.action === 'publish' && h.run_id === latest.run_id) return h.previous_run_id;
  }
  return latest.previous_run_id;
}

function wasPublished(latest: GoldLatest, runId: string): boolean {
  return latest.previous_run_id === runId || (latest.history ?? []).some((h) => h.run_id === runId || h.previous_run_id === runId);
}

function emptyFinding(job: GoldJob, runId: string): RestatementFinding {
  return { compared_with: runId, restated_months: [], closed_months: [], changed_rows: {}, open_from: null, open_months: job.openMonths };
}

export const RESTATEMENT_AUDIT_FORMAT = 'lakec.gold.restatement/1';

/** An immutable record of closed months restated with --allow-restatement (who, when, what changed). */
async function writeAudit(storage: Storage, keys: GoldKeys, job: GoldJob, latest: GoldLatest, finding: RestatementFinding): Promise<string> {
  const record = {
    format: RESTATEMENT_AUDIT_FORMAT,
    dataset: job.key,
    run_id: latest.run_id,
    replaced_run_id: finding.compared_with,
    published_at: latest.published_at,
    published_by: whoRuns(),
    closed_months: finding.closed_months,
    restated_months: finding.restated_months,
    changed_rows: finding.changed_rows,
    open_months: finding.open_months,
    open_from: finding.open_from,
  };
  let key = keys.audit(latest.run_id, latest.published_at);
  for (let n = 2; ; n++) {
    try {
      await storage.createNew(key, Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
      return key;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError) || n > 100) throw err;
      key = keys.audit(`${latest.run_id}_${n}`, latest.published_at);
    }
  }
}

function whoRuns(): string {
  const fromEnv = process.env.LAKEC_USER ?? process.env.GITHUB_ACTOR ?? process.env.USER;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
