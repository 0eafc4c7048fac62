import type { AthenaRunner } from '../aws/athena-runner';
import { replaceDatasetViews } from '../aws/reader-views';
import { DEFAULT_MAX_RECORD_BYTES } from '../csv/csv-reader';
import type { DatasetDescriptor, DatasetModule } from '../dataset-module';
import { LakeKeys } from '../lake-keys';
import { Breaker, recentErrors } from '../pipeline/breaker';
import { deliveryManifest, type RunManifest, type RunOutcome } from '../pipeline/manifest';
import { claimRunId, finishRun, RejectedFile, sha256Of } from '../pipeline/run-lifecycle';
import type { RunSummary } from '../pipeline/run-summary';
import { readPublished, type PartitionFiles } from '../publish/silver-published';
import type { Storage } from '../storage/storage';
import { ATHENA_PARAM_FORMATS, fillStatement, type AthenaEtlParam, type AthenaEtlPlan, type AthenaEtlStepName, type AthenaEtlWorkgroup } from './athena-plan';
import { scanDelivery } from './bronze-scan';
import { EngineLimit, judgeScan } from './header-line';

/**
 * An Athena backfill of one delivery, in the steps the backfill state machine runs
 * (stacks/orchestration/backfill.ts) — each a function here, run by the backfill Lambda between the
 * state machine's Athena tasks, and by `lakec backfill --engine athena` in one process (runAthenaBackfill):
 *
 * 1. `prepareAthenaRun`: read the delivery once (SHA-256, header, line ends, UTF-8), judge the file as the
 *    TypeScript engine does (rejected: empty, no header, a required column missing, unreadable gzip, a
 *    record too long) and refuse what Athena cannot read as it does (a carriage return inside a record, a
 *    record that is not UTF-8, a BOM without a header); claim the run id (`…_BACKFILL`); find the runs of the
 *    same delivery it replaces.
 * 2. Athena: `open-quote` (`refuseOpenQuotes`), `create-routed`, `counts`.
 * 3. `judgeAthenaRun`: the circuit breaker over this run and the last hour's runs, before the lake is written.
 * 4. Athena: the staging tables, `insert-*` per window, `files-*`.
 * 5. `publishAthenaRun`: the files' checksums, the manifest, `_SUCCESS`, `_PUBLISHED.json`, the reader views.
 *
 * Every value passed between the steps is plain JSON (the state machine carries it).
 */
export interface AthenaBackfillContext {
  readonly module: Pick<DatasetModule, 'descriptor'>;
  readonly storage: Storage;
  readonly clock?: () => Date;
  readonly maxRecordBytes?: number;
}

export interface PreparedAthenaRun {
  readonly runId: string;
  readonly startedAt: string;
  /** The statements' values for this delivery (the partition windows come later). */
  readonly values: Readonly<Record<Exclude<AthenaEtlParam, 'window_from' | 'window_to'>, string>>;
  readonly delivery: RunManifest['delivery'];
  readonly header?: readonly string[];
  readonly drift: RunManifest['drift'];
  readonly checkedAgainst: readonly string[];
}

export type PrepareResult = { readonly status: 'ready'; readonly run: PreparedAthenaRun } | { readonly status: 'finished'; readonly summary: RunSummary };

/** Longest header (as hex) a statement may carry: Athena takes at most 262,144 bytes of SQL. */
const MAX_HEADER_HEX = 131072;

export async function prepareAthenaRun(ctx: AthenaBackfillContext, bronzeKey: string, runIdCandidates: Iterable<string>): Promise<PrepareResult> {
  const clock = ctx.clock ?? (() => new Date());
  const started = clock();
  const d = ctx.module.descriptor;
  const keys = new LakeKeys(d);
  const parsed = keys.parseBronze(bronzeKey);
  if (!parsed) throw new Error(`${bronzeKey} is not a delivery of ${d.key} in bronze`);
  const bytes = await ctx.storage.size(bronzeKey);
  if (bytes === undefined) throw new Error(`${bronzeKey} does not exist in ${ctx.storage.location}`);
  const gzip = /\.gz$/i.test(parsed.fileName);
  const maxRecordBytes = ctx.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const runId = await claimRunId(ctx.storage, keys, runIdCandidates, { dataset: d.key, engine: 'athena', started_at: started.toISOString(), input: bronzeKey }, false);

  const scan = await scanDelivery(await ctx.storage.openRead(bronzeKey), { gzip, maxRecordBytes });
  const published = await readPublished(ctx.storage, keys.published);
  const runs = published?.runs ?? [];
  const superseded = runs.filter((r) => r.delivery.sha256 === scan.sha256).map((r) => r.run_id);
  const checkedAgainst = runs.filter((r) => !superseded.includes(r.run_id)).map((r) => r.run_id);
  const delivery: RunManifest['delivery'] = { bronze_key: bronzeKey, sha256: scan.sha256, bytes, ingest_date: parsed.ingestDate, file_name: parsed.fileName, gzip };
  let header: string[] | undefined;
  let drift: RunManifest['drift'] = { missing_columns: [], extra_columns: [] };
  const finish = async (outcome: Exclude<RunOutcome, 'complete'>, message: string): Promise<PrepareResult> => {
    const summary = await finishWithout(ctx, { runId, started, delivery, outcome, message, drift, checkedAgainst, ...(header ? { header } : {}) });
    return { status: 'finished', summary };
  };
  try {
    const judged = judgeScan(d, scan, maxRecordBytes);
    header = judged.header;
    if (judged.match) drift = { missing_columns: judged.match.missing, extra_columns: judged.match.extra };
    if (judged.rejection) throw new RejectedFile(judged.rejection);
    // What Athena's text reader cannot give back as the TypeScript reader reads it.
    const refuse = (what: string) => new EngineLimit(`${what}; an Athena backfill cannot read this delivery as lakec run does. Run it with lakec run ${d.key} ${bronzeKey} (the TypeScript or DuckDB engine)`);
    if (scan.carriageReturns === 'lone') throw refuse('a carriage return inside a record (Athena ends a line there)');
    if (!scan.utf8) throw refuse('a record that is not valid UTF-8 (Athena does not keep its bytes)');
    if (scan.bom && !d.source.header) throw refuse('a byte order mark before the first record (Athena keeps it in the first cell)');
    if (!ATHENA_PARAM_FORMATS.source_file.test(bronzeKey)) throw refuse(`a bronze key with characters an Athena statement cannot carry (${JSON.stringify(bronzeKey)})`);
    const headerHex = d.source.header ? scan.firstLine!.toString('hex') : '';
    if (headerHex.length > MAX_HEADER_HEX) throw refuse('a header longer than an Athena statement can carry');
    return {
      status: 'ready',
      run: {
        runId,
        startedAt: started.toISOString(),
        values: { run_id: runId, ingest_date: parsed.ingestDate, source_file: bronzeKey, superseded_runs: superseded.length ? superseded.join(',') : 'none', header_hex: headerHex },
        delivery,
        ...(header ? { header } : {}),
        drift,
        checkedAgainst,
      },
    };
  } catch (err) {
    if (err instanceof RejectedFile) return finish('rejected', err.message);
    if (err instanceof EngineLimit) return finish('failed', err.message);
    throw err;
  }
}

/** After `open-quote`: a line leaving a quoted cell open is a record across lines, which Athena cannot read. */
export async function refuseOpenQuotes(ctx: AthenaBackfillContext, run: PreparedAthenaRun, openLines: number): Promise<RunSummary | undefined> {
  if (openLines === 0) return undefined;
  return finishWithout(ctx, {
    ...runState(run),
    outcome: 'failed',
    message: `${openLines} line${openLines === 1 ? '' : 's'} leave a quoted cell open (a line break inside quotes, or a quote never closed); an Athena backfill reads one record per line. Run this delivery with lakec run ${ctx.module.descriptor.key} ${run.delivery.bronze_key} --engine ts`,
  });
}

/** The `counts` rows, summed as a manifest records them. */
export interface AthenaCounts {
  readonly in: number;
  readonly silver: number;
  readonly quarantine: number;
  readonly condemned: number;
  readonly undecided: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly condemnedDuplicate: number;
  readonly condemnedMaxAttempts: number;
}

export function athenaCounts(rows: readonly (readonly (string | null)[])[]): AthenaCounts {
  const c = { in: 0, silver: 0, quarantine: 0, condemned: 0, undecided: 0, errors: {} as Record<string, number>, condemnedDuplicate: 0, condemnedMaxAttempts: 0 };
  for (const [layer, error, reason, count] of rows) {
    const n = Number(count);
    if (!Number.isSafeInteger(n)) throw new Error(`not a row count: ${count}`);
    c.in += n;
    if (layer === 'silver' || layer === 'quarantine' || layer === 'condemned' || layer === 'undecided') c[layer] += n;
    else throw new Error(`not a layer: ${layer}`);
    if (error && error !== 'duplicate') c.errors[error] = (c.errors[error] ?? 0) + n;
    if (reason === 'duplicate') c.condemnedDuplicate += n;
    if (reason === 'max_attempts') c.condemnedMaxAttempts += n;
  }
  return c;
}

/**
 * After `counts`: the circuit breaker (this run's failures plus those of the dataset's runs that finished
 * within the hour) and first-occurrence chains too long for SQL. A halted run writes nothing to the lake.
 */
export async function judgeAthenaRun(ctx: AthenaBackfillContext, run: PreparedAthenaRun, counts: AthenaCounts): Promise<{ readonly halted: RunSummary } | { readonly go: true }> {
  const d = ctx.module.descriptor;
  const state = { ...runState(run), counts };
  if (counts.undecided > 0) {
    return { halted: await finishWithout(ctx, { ...state, outcome: 'failed', message: `${counts.undecided} rows share unique values in chains too long to decide in SQL; run this delivery with lakec run ${d.key} ${run.delivery.bronze_key}` }) };
  }
  const prior = await recentErrors(ctx.storage, new LakeKeys(d), new Date(run.startedAt));
  const limit = d.quality.circuitBreakerPerHour;
  // Athena sees no record order: the rule with the most failures is the one named.
  const over = Object.entries(counts.errors)
    .filter(([code, n]) => n + (prior[code] ?? 0) > limit)
    .sort((a, b) => b[1] + (prior[b[0]] ?? 0) - (a[1] + (prior[a[0]] ?? 0)) || (a[0] < b[0] ? -1 : 1));
  if (!over.length) return { go: true };
  const [code, n] = over[0]!;
  const breaker = new Breaker(limit, d.errorCodes, prior);
  const index = d.errorCodes.indexOf(code);
  breaker.fail(index, n);
  return { halted: await finishWithout(ctx, { ...state, outcome: 'halted', message: breaker.message(index, code) }) };
}

/** A file an Athena INSERT wrote (`files-*` rows: `s3://bucket/key`, rows). */
export interface WrittenByAthena {
  readonly file: string;
  readonly rows: number;
}

/**
 * After the inserts: the files' sizes and SHA-256 (read back from S3), the manifest, `_SUCCESS` and the
 * publish — `_PUBLISHED.json` replaced by a conditional write, exactly as `lakec run` publishes — then the
 * dataset's Athena reader views (one DDL statement each), when a runner is given.
 */
export async function publishAthenaRun(
  ctx: AthenaBackfillContext,
  run: PreparedAthenaRun,
  counts: AthenaCounts,
  written: { readonly silver: readonly WrittenByAthena[]; readonly quarantine: readonly WrittenByAthena[]; readonly condemned: readonly WrittenByAthena[] },
  views?: AthenaRunner,
): Promise<RunSummary> {
  const d = ctx.module.descriptor;
  const keys = new LakeKeys(d);
  const files: RunManifest['files'][number][] = [];
  const keyOf = (f: WrittenByAthena, layer: 'silver' | 'quarantine' | 'condemned') => {
    const m = /^s3:\/\/[^/]+\/(.+)$/.exec(f.file);
    const key = m?.[1];
    const prefix = d.tables[layer].prefix;
    if (!key || !key.startsWith(prefix) || !key.includes(`/run_id=${run.runId}/`)) throw new Error(`Athena reported a file outside the run: ${f.file}`);
    return key;
  };
  const layerFiles = async (layer: 'silver' | 'quarantine' | 'condemned') => {
    const out: string[] = [];
    for (const f of written[layer]) {
      const key = keyOf(f, layer);
      const { sha256, bytes } = await sha256Of(await ctx.storage.openRead(key));
      files.push({ key, rows: f.rows, bytes, sha256 });
      out.push(key);
    }
    return out;
  };
  const silverKeys = await layerFiles('silver');
  const partitions = silverPartitions(d, keys, run.runId, silverKeys, written.silver);
  const quarantine = { rows: counts.quarantine, files: await layerFiles('quarantine') };
  const condemned = { rows: counts.condemned, files: await layerFiles('condemned') };
  const sum = (fs: readonly WrittenByAthena[]) => fs.reduce((n, f) => n + f.rows, 0);
  if (sum(written.silver) !== counts.silver || sum(written.quarantine) !== counts.quarantine || sum(written.condemned) !== counts.condemned) {
    throw new Error(`the files Athena wrote hold ${sum(written.silver)}/${sum(written.quarantine)}/${sum(written.condemned)} rows, the run routed ${counts.silver}/${counts.quarantine}/${counts.condemned}`);
  }
  const summary = await finishWith(ctx, { ...runState(run), counts, outcome: 'complete', partitions, quarantine, condemned, files: files.sort((a, b) => (a.key < b.key ? -1 : 1)) }, true);
  if (views && summary.status === 'published') await replaceDatasetViews(views, ctx.storage, d);
  return summary;
}

/** Silver files grouped by partition (`…/year=2024/month=01/schema_v=vN/run_id=…/file`). */
function silverPartitions(d: DatasetDescriptor, keys: LakeKeys, runId: string, files: readonly string[], written: readonly WrittenByAthena[]): PartitionFiles[] {
  const byPath = new Map<string, { values: Record<string, number>; rows: number; files: string[] }>();
  const segmentPatterns = d.partitions.map((p) => new RegExp(`^${p.name}=([0-9]+)$`));
  files.forEach((key, i) => {
    const rest = key.slice(d.tables.silver.prefix.length);
    const segments = rest.split('/');
    const values: Record<string, number> = {};
    d.partitions.forEach((p, k) => {
      const m = segmentPatterns[k]!.exec(segments[k] ?? '');
      if (!m) throw new Error(`silver file ${key} is not in a ${p.name} partition`);
      values[p.name] = Number(m[1]);
    });
    const folder = segments.slice(0, d.partitions.length).map((s) => `${s}/`).join('');
    if (!key.startsWith(keys.silverRunFolder(folder, runId))) throw new Error(`silver file ${key} is not in the run's folder`);
    const entry = byPath.get(folder) ?? { values, rows: 0, files: [] };
    entry.rows += written[i]!.rows;
    entry.files.push(key);
    byPath.set(folder, entry);
  });
  return [...byPath.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, p]) => ({ values: p.values, rows: p.rows, files: p.files }));
}

interface RunState {
  readonly runId: string;
  readonly started: Date;
  readonly delivery: RunManifest['delivery'];
  readonly header?: readonly string[];
  readonly drift: RunManifest['drift'];
  readonly checkedAgainst: readonly string[];
  readonly counts?: AthenaCounts;
}

function runState(run: PreparedAthenaRun): RunState {
  return { runId: run.runId, started: new Date(run.startedAt), delivery: run.delivery, ...(run.header ? { header: run.header } : {}), drift: run.drift, checkedAgainst: run.checkedAgainst };
}

/** A run that ends without data in the lake (rejected, refused, halted): its manifest, no `_SUCCESS`. */
function finishWithout(ctx: AthenaBackfillContext, s: RunState & { outcome: Exclude<RunOutcome, 'complete'>; message: string }): Promise<RunSummary> {
  return finishWith(ctx, { ...s, partitions: [], quarantine: { rows: 0, files: [] }, condemned: { rows: 0, files: [] }, files: [] }, false);
}

async function finishWith(
  ctx: AthenaBackfillContext,
  s: RunState & {
    outcome: RunOutcome;
    message?: string;
    partitions: RunManifest['partitions'];
    quarantine: RunManifest['quarantine'];
    condemned: RunManifest['condemned'];
    files: RunManifest['files'];
  },
  publish: boolean,
): Promise<RunSummary> {
  const clock = ctx.clock ?? (() => new Date());
  const d = ctx.module.descriptor;
  const c = s.outcome !== 'rejected' ? s.counts : undefined;
  const manifest = deliveryManifest(d, {
    run_id: s.runId,
    engine: 'athena',
    outcome: s.outcome,
    ...(s.message ? { message: s.message } : {}),
    started_at: s.started.toISOString(),
    finished_at: clock().toISOString(),
    delivery: s.delivery,
    ...(s.header ? { header: s.header } : {}),
    drift: s.drift,
    counts: c && { rows: { in: c.in, silver: c.silver, quarantined: c.quarantine, condemned: c.condemned }, errors: c.errors, condemnedDuplicate: c.condemnedDuplicate, condemnedMaxAttempts: c.condemnedMaxAttempts },
    partitions: s.partitions,
    quarantine: s.quarantine,
    condemned: s.condemned,
    files: s.files,
    checked_against: s.checkedAgainst,
  });
  const keys = new LakeKeys(d);
  return finishRun({ storage: ctx.storage, d, keys, manifest, publish, clock });
}

/** The Athena workgroups the statements run in, as runners. */
export type AthenaRunners = Readonly<Record<AthenaEtlWorkgroup, AthenaRunner>>;

/**
 * `lakec backfill --engine athena`: the whole backfill of a list of deliveries in this process, statement
 * after statement through the Athena adapter — the same steps the state machine runs. Stops at a halted or
 * failed run (the circuit breaker's purpose); rejected deliveries are reported and skipped.
 */
export async function runAthenaBackfill(o: {
  readonly ctx: AthenaBackfillContext;
  readonly plan: AthenaEtlPlan;
  readonly runners: AthenaRunners;
  readonly deliveries: readonly string[];
  readonly runIdCandidates: () => Iterable<string>;
  readonly onRun?: (summary: RunSummary) => void;
}): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  const record = (s: RunSummary) => {
    out.push(s);
    o.onRun?.(s);
    return s.status === 'halted' || s.status === 'failed';
  };
  for (const key of o.deliveries) {
    const prepared = await prepareAthenaRun(o.ctx, key, o.runIdCandidates());
    if (prepared.status === 'finished') {
      if (record(prepared.summary)) break;
      continue;
    }
    const run = prepared.run;
    const exec = async (name: AthenaEtlStepName, extra: Partial<Record<AthenaEtlParam, string>> = {}) => {
      const s = o.plan.steps[name];
      const sql = fillStatement(s, { ...run.values, ...extra });
      return o.runners[s.workgroup].run(sql, { database: s.database });
    };
    const drops = ['drop-routed', 'drop-silver-stage', 'drop-quarantine-stage', 'drop-condemned-stage'] as const;
    for (const s of drops) await exec(s);
    const open = await exec('open-quote');
    const refused = await refuseOpenQuotes(o.ctx, run, Number(open.rows[0]?.[0] ?? 0));
    if (refused) {
      if (record(refused)) break;
      continue;
    }
    await exec('create-routed');
    const counts = athenaCounts((await exec('counts')).rows);
    const judged = await judgeAthenaRun(o.ctx, run, counts);
    if ('halted' in judged) {
      for (const s of drops) await exec(s);
      if (record(judged.halted)) break;
      continue;
    }
    for (const s of ['create-silver-stage', 'create-quarantine-stage', 'create-condemned-stage'] as const) await exec(s);
    const written: { silver: WrittenByAthena[]; quarantine: WrittenByAthena[]; condemned: WrittenByAthena[] } = { silver: [], quarantine: [], condemned: [] };
    if (counts.silver > 0) {
      for (const [from, to] of (await exec('partition-windows')).rows) await exec('insert-silver', { window_from: from ?? '', window_to: to ?? '' });
      written.silver = filesOf((await exec('files-silver')).rows);
    }
    if (counts.quarantine > 0) {
      await exec('insert-quarantine');
      written.quarantine = filesOf((await exec('files-quarantine')).rows);
    }
    if (counts.condemned > 0) {
      await exec('insert-condemned');
      written.condemned = filesOf((await exec('files-condemned')).rows);
    }
    for (const s of drops) await exec(s);
    if (record(await publishAthenaRun(o.ctx, run, counts, written, o.runners.platform))) break;
  }
  return out;
}

export function filesOf(rows: readonly (readonly (string | null)[])[]): WrittenByAthena[] {
  return rows.map(([file, count]) => {
    const n = Number(count);
    if (!file || !Number.isSafeInteger(n)) throw new Error(`not a file row: ${file}, ${count}`);
    return { file, rows: n };
  });
}
