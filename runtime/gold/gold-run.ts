import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GoldLatest } from '../publish/gold-latest';
import { runIdCandidates } from '../publish/run-id';
import { readPublished } from '../publish/silver-published';
import { AlreadyExistsError, NotFoundError, type Storage } from '../storage/storage';
import { GoldSqlError, openDuckSession } from './duck-session';
import { GoldKeys } from './gold-keys';
import type { GoldJob, GoldValues } from './gold-job';
import { GOLD_MANIFEST_FORMAT, type Disagreement, type GoldFile, type GoldRunManifest, type RestatementFinding } from './gold-manifest';
import { publishGold } from './gold-publish';
import type { GoldRunStatus, GoldRunSummary } from './gold-summary';
import { RestatementRefusedError, findRestatements } from './restatement';
import { latestFiles, readLatest } from './run-files';
import { localPathsOf } from './staged-files';

/** Nothing to build from: the source has no published silver. */
export class NoPublishedSilverError extends Error {}

/** An explicit run id that is already taken. */
export class GoldRunIdTakenError extends Error {}

export interface GoldRunOptions {
  readonly job: GoldJob;
  readonly storage: Storage;
  /** Use this run id (it must be free); default: from the clock, `YYYYMMDDTHHMMSSZ[_n]`. */
  readonly runId?: string;
  /** Publish when complete (default true); false stages the run for `lakec publish`. */
  readonly publish?: boolean;
  readonly allowRestatement?: boolean;
  readonly clock?: () => Date;
  /** After a publish: e.g. replace the Athena reader view (see publishGold). */
  readonly afterSwitch?: (latest: GoldLatest) => Promise<void>;
}

/** Every month from the first to the last: a Gold run is a snapshot of the whole history. */
const ALL_MONTHS = { month_from: '0001-01', month_to: '9999-12' } as const;

/**
 * `lakec gold`: one Gold run from published silver (DESIGN.md, publishing). It reads exactly the files
 * `_PUBLISHED.json` lists (never run folders), computes the Gold rows with the contract's DuckDB SQL,
 * writes them under `run_id={RUN}/{period}=YYYY-MM/`, reconciles them with silver along independent paths,
 * writes manifest.json, then `_SUCCESS` when reconciled, and publishes by replacing `_LATEST.json` in one
 * conditional write. A failed reconciliation, or closed months changed without --allow-restatement, stops
 * the publish; the run stays in the lake, readable through the all-runs table, never through the reader.
 */
export async function runGold(o: GoldRunOptions): Promise<GoldRunSummary> {
  const { job, storage } = o;
  const clock = o.clock ?? (() => new Date());
  const t0 = clock();
  // Whole seconds: the run id, the rows' _published_at and _LATEST.json all name the same instant.
  const started = new Date(Math.floor(t0.getTime() / 1000) * 1000);
  const keys = new GoldKeys(job.prefix, job.period);

  const published = await readPublished(storage, job.source.publishedKey);
  if (!published || published.runs.length === 0) {
    throw new NoPublishedSilverError(`nothing of ${job.source.key} is published in ${storage.location}: run \`lakec run\` on a delivery first`);
  }
  const silverKeys = published.runs.flatMap((r) => r.partitions.flatMap((p) => p.files));
  const source = { dataset: job.source.key, published_runs: published.runs.map((r) => r.run_id), rows: published.runs.reduce((s, r) => s + r.rows.silver, 0), files: silverKeys.length };

  const runId = await claimRunId(storage, keys, o.runId ? [o.runId] : runIdCandidates(started), o.runId !== undefined, { dataset: job.key, started_at: iso(started) });
  const values: GoldValues = { run_id: runId, published_at: timestampValue(started), ...ALL_MONTHS };
  const dir = await mkdtemp(join(tmpdir(), 'lakec-gold-'));
  const session = await openDuckSession();
  try {
    let failure: string | undefined;
    let months: { month: string; rows: number }[] = [];
    let local: { path: string; month: string }[] = [];
    let disagreements: Disagreement[] = [];
    try {
      const silverPaths = await localPathsOf(storage, silverKeys, join(dir, 'silver'));
      for (const s of job.sql.sourceView(silverPaths)) await session.run(s);
      await session.run(job.sql.materialize.text, job.sql.materialize.bind(values));
      months = (await session.rows(job.sql.monthCounts)).map((r) => ({ month: String(r.month), rows: Number(r.rows) }));
      const out = join(dir, 'out');
      if (months.length) await session.run(job.sql.copyTo(out));
      local = await writtenFiles(out, job.period, months);
      for (const s of job.sql.runView('next', local.map((f) => f.path))) await session.run(s);
      disagreements = (await session.rows(job.sql.reconcile.text, job.sql.reconcile.bind(values))).map((r) => ({ check_name: String(r.check_name), detail: String(r.detail) }));
      if (disagreements.length) {
        failure = `reconciliation with silver found ${disagreements.length === 100 ? 'at least 100' : disagreements.length} disagreement${disagreements.length > 1 ? 's' : ''} (first: ${disagreements[0]!.check_name}: ${disagreements[0]!.detail}); the run is not published`;
      }
    } catch (err) {
      if (err instanceof NotFoundError) failure = `${err.key}, listed in ${job.source.publishedKey}, is missing from the lake`;
      else if (err instanceof GoldSqlError) failure = `the Gold query failed: ${err.message}`;
      else throw err;
    }

    // The run's files, kept whatever the outcome: a failed run stays readable through the all-runs table.
    const files = await uploadRun(storage, keys, runId, local, session);
    let restatement: RestatementFinding | undefined;
    if (!failure) {
      const current = await readLatest(storage, keys);
      restatement = await findRestatements(session, job, storage, keys, join(dir, 'previous'), { months: months.map((m) => m.month) }, current ? { runId: current.run_id, files: await latestFiles(storage, current) } : undefined);
    }
    const manifest: GoldRunManifest = {
      format: GOLD_MANIFEST_FORMAT,
      run_id: runId,
      dataset: job.key,
      schema_v: job.id.schemaV,
      outcome: failure ? 'failed' : 'complete',
      ...(failure ? { message: failure } : {}),
      started_at: iso(t0),
      finished_at: iso(clock()),
      published_at: iso(started),
      contract: { sha256: job.contractSha256 },
      source,
      rows: months.reduce((s, m) => s + m.rows, 0),
      months,
      files,
      reconciliation: { ok: !failure && disagreements.length === 0, disagreements },
      ...(restatement ? { restatement } : {}),
    };
    await storage.createNew(keys.runFile(runId, 'manifest.json'), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    if (!failure) await storage.createNew(keys.runFile(runId, '_SUCCESS'), Buffer.alloc(0));

    let status: GoldRunStatus = failure ? 'failed' : 'staged';
    let message = failure;
    let audit: string | undefined;
    if (!failure && o.publish !== false) {
      try {
        const result = await publishGold({
          storage,
          job,
          runId,
          allowRestatement: o.allowRestatement === true,
          clock: () => started,
          staged: { session, dir, months: months.map((m) => m.month) },
          ...(o.afterSwitch ? { afterSwitch: o.afterSwitch } : {}),
        });
        restatement = result.restatement;
        audit = result.auditKey;
        status = 'published';
      } catch (err) {
        if (!(err instanceof RestatementRefusedError)) throw err;
        restatement = err.finding;
        status = 'refused';
        message = `${err.message}: lakec publish ${job.key} --run-id ${runId} --allow-restatement`;
      }
    }
    return {
      run_id: runId,
      dataset: `${job.id.domain}.${job.id.name}`,
      schema_v: job.id.schemaV,
      status,
      ...(message ? { message } : {}),
      rows: manifest.rows,
      months: months.map((m) => m.month),
      source: { dataset: job.source.key, runs: source.published_runs.length, rows: source.rows },
      reconciliation: manifest.reconciliation,
      previous_run_id: restatement?.compared_with ?? null,
      restated_months: restatement?.restated_months ?? [],
      closed_months_restated: restatement?.closed_months ?? [],
      open_months: job.openMonths,
      allow_restatement: o.allowRestatement === true,
      published_at: iso(started),
      ...(audit ? { audit } : {}),
      files_written: files.length,
      seconds: Math.round((clock().getTime() - t0.getTime()) / 10) / 100,
      lake: storage.location,
    };
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Claims a run id with an exclusive create of `_runs/{RUN}/_claim.json` (a writer never reuses one). A run
 * prefix that already holds objects is taken too: the Gold refresh state machine in AWS writes no claim.
 */
async function claimRunId(storage: Storage, keys: GoldKeys, candidates: Iterable<string>, explicit: boolean, claim: Record<string, unknown>): Promise<string> {
  let tries = 0;
  for (const runId of candidates) {
    if (++tries > 1000) break;
    if ((await storage.list(`${keys.runPath(runId)}/`)).length === 0) {
      try {
        await storage.createNew(keys.runFile(runId, '_claim.json'), Buffer.from(`${JSON.stringify({ run_id: runId, ...claim }, null, 2)}\n`));
        return runId;
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
    if (explicit) throw new GoldRunIdTakenError(`run id ${runId} is already taken in ${storage.location}; run ids are never reused`);
  }
  throw new Error('no free run id');
}

/** The Parquet files DuckDB wrote, one folder per month, in month order. */
async function writtenFiles(out: string, period: string, months: readonly { month: string }[]): Promise<{ path: string; month: string }[]> {
  const files: { path: string; month: string }[] = [];
  for (const { month } of months) {
    const folder = join(out, `${period}=${month}`);
    const names = (await readdir(folder)).filter((n) => n.endsWith('.parquet')).sort();
    for (const n of names) files.push({ path: join(folder, n), month });
  }
  return files;
}

/** Copies the run's files into the lake (each created exclusively), as `part-00000.parquet`, … per month. */
async function uploadRun(storage: Storage, keys: GoldKeys, runId: string, local: readonly { path: string; month: string }[], session: { rows(sql: string, values?: Record<string, string>): Promise<Record<string, unknown>[]> }): Promise<GoldFile[]> {
  const out: GoldFile[] = [];
  const parts = new Map<string, number>();
  for (const f of local) {
    const part = parts.get(f.month) ?? 0;
    parts.set(f.month, part + 1);
    const body = await readFile(f.path);
    const key = keys.dataFile(runId, f.month, part);
    await storage.createNew(key, body);
    const [meta] = await session.rows('SELECT num_rows FROM parquet_file_metadata($path)', { path: f.path });
    out.push({ key, month: f.month, rows: Number(meta?.num_rows ?? 0), bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  }
  return out;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

/** The `published_at` value Gold statements take: `yyyy-MM-dd HH:mm:ss.SSS`, UTC. */
function timestampValue(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/Z$/, '');
}
