import type { Storage } from '../storage/storage';
import type { DuckSession } from './duck-session';
import type { GoldKeys } from './gold-keys';
import type { GoldJob } from './gold-job';
import type { RestatementFinding } from './gold-manifest';
import { closedMonths, laterMonth, openFrom } from './open-window';
import { localPathsOf } from './staged-files';

/** A month whose published values a run would change outside the open window, refused without --allow-restatement. */
export class RestatementRefusedError extends Error {
  constructor(
    readonly runId: string,
    readonly finding: RestatementFinding,
  ) {
    super(
      `run ${runId} changes closed month${finding.closed_months.length > 1 ? 's' : ''} ${finding.closed_months.join(', ')} of the published run ${finding.compared_with} ` +
        `(the open window is ${finding.open_months} month${finding.open_months > 1 ? 's' : ''}, from ${finding.open_from}); ` +
        'publish it with --allow-restatement to restate them (the restatement is recorded)',
    );
  }
}

/**
 * Compares a run (the `next` relation, already created over `nextPaths`) with the published run: which
 * published months it changes, and which of those are closed. Values are compared, not files: a rebuilt
 * month with the same rows is no restatement, and a month the published run did not have is new, not restated.
 */
export async function findRestatements(
  session: DuckSession,
  job: GoldJob,
  storage: Storage,
  keys: GoldKeys,
  stagingDir: string,
  next: { readonly months: readonly string[] },
  previous: { readonly runId: string; readonly files: readonly string[] } | undefined,
): Promise<RestatementFinding> {
  const lastOf = (months: readonly string[]) => (months.length ? [...months].sort()[months.length - 1] : undefined);
  const base = { open_months: job.openMonths };
  if (!previous) {
    const latest = lastOf(next.months);
    return { compared_with: null, restated_months: [], closed_months: [], changed_rows: {}, open_from: latest ? openFrom(latest, job.openMonths) : null, ...base };
  }
  const previousMonths = previous.files.map((k) => keys.monthOf(k)).filter((m): m is string => m !== undefined);
  const latest = laterMonth(lastOf(next.months), lastOf(previousMonths));
  const paths = await localPathsOf(storage, previous.files, stagingDir);
  for (const s of job.sql.runView('previous', paths)) await session.run(s);
  const columns = (await session.rows(job.sql.describe('previous'))).map((r) => String(r.column_name));
  const changed = await session.rows(job.sql.restatement(columns));
  const restated = changed.map((r) => String(r.month));
  const changedRows = Object.fromEntries(changed.map((r) => [String(r.month), Number(r.changed_rows)]));
  return {
    compared_with: previous.runId,
    restated_months: restated,
    closed_months: latest ? closedMonths(restated, latest, job.openMonths) : [],
    changed_rows: changedRows,
    open_from: latest ? openFrom(latest, job.openMonths) : null,
    ...base,
  };
}
