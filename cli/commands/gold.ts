import type { GoldModel } from '../../generators/contract/gold-model';
import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { goldTableOf } from '../../generators/sql/gold-query';
import { goldViewStatement } from '../../generators/sql/reader-views';
import { RUN_ID_PATTERN } from '../../generators/sql/sql-param';
import { GoldSwitchError, publishGold } from '../../runtime/gold/gold-publish';
import { GoldRunIdTakenError, NoPublishedSilverError, runGold } from '../../runtime/gold/gold-run';
import type { GoldRunSummary } from '../../runtime/gold/gold-summary';
import { RestatementRefusedError } from '../../runtime/gold/restatement';
import { readGoldLatest, type GoldLatest } from '../../runtime/publish/gold-latest';
import type { Storage } from '../../runtime/storage/storage';
import { booleanFlag, parseArgs, stringFlag, UsageError, type ParsedArgs } from '../args';
import { viewTargetOfLake } from '../aws-target';
import { EXIT, UserError } from '../command';
import { goldJob, resolveGold } from '../gold-job';
import { openLake } from '../lake-location';
import { DEFAULT_SPECS, requireModel } from '../load-model';

export const help = `Builds a Gold run from published silver, reconciles it, and publishes it (replaces _LATEST.json).
Arguments:
  GOLD_DATASET          domain.name (newest schema_v not deprecated) or domain.name@vN of a gold contract
Options:
  --lake DIR|s3://PREFIX   the lake (default ./lake); s3://{namePrefix}-{env} uses that environment's buckets
                           and, after publishing, replaces the Athena reader view
  --allow-restatement      publish even if the run changes months older than the contract's open window
                           (restatement.open_months, default 2); the restatement is recorded
  --no-publish             stage only (reconciled, _SUCCESS written); \`lakec publish\` later
  --run-id ID              use this run id (YYYYMMDDTHHMMSSZ[_SUFFIX]); it must be free
  --json                   print the run summary as one JSON object on stdout
  --specs DIR              contracts directory (default dataset-specs/)
Exit codes: 0 published or staged; 1 reconciliation failed, a query failed, or a restatement refused
            (the run stays in the lake, unpublished); 2 usage error.`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', lake: 'string', 'allow-restatement': 'boolean', 'no-publish': 'boolean', 'run-id': 'string', json: 'boolean' });
  const [datasetArg, ...rest] = args.positionals;
  if (!datasetArg) throw new UsageError('expected GOLD_DATASET, e.g. finance.account_balances');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\``);
  const runId = stringFlag(args, 'run-id');
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) throw new UsageError(`\`${runId}\` is not a run id; write YYYYMMDDTHHMMSSZ with optional upper-case _SUFFIX parts, e.g. 20240131T120000Z_RESTATE`);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const gold = resolveGold(model, datasetArg);
  const lake = stringFlag(args, 'lake');
  const storage = openLake(lake);
  const views = viewSwitch(lake, gold, storage);
  let summary: GoldRunSummary;
  try {
    summary = await runGold({
      job: goldJob(model, gold),
      storage,
      ...(runId ? { runId } : {}),
      publish: !booleanFlag(args, 'no-publish'),
      allowRestatement: booleanFlag(args, 'allow-restatement'),
      afterSwitch: views.afterSwitch,
    });
  } catch (err) {
    if (err instanceof NoPublishedSilverError || err instanceof GoldRunIdTakenError || err instanceof GoldSwitchError) throw new UserError(err.message);
    throw err;
  }
  const viewReport = views.report();
  if (booleanFlag(args, 'json')) process.stdout.write(`${JSON.stringify({ ...summary, views: viewReport }, null, 2)}\n`);
  else process.stdout.write(formatGoldSummary(summary, `lakec gold ${datasetArg}`, viewReport));
  if (summary.message && (summary.status === 'failed' || summary.status === 'refused')) process.stderr.write(`lakec gold: ${summary.status}: ${summary.message}\n`);
  if (viewReport.error) process.stderr.write(`lakec gold: published, but the Athena view was not replaced: ${viewReport.error}; run \`lakec deploy-sql\` for the environment\n`);
  return (summary.status === 'published' || summary.status === 'staged') && !viewReport.error ? EXIT.ok : EXIT.failure;
}

/** `lakec publish GOLD_DATASET --run-id ID [--allow-restatement]`: a staged or refused Gold run (cli/commands/publish.ts hands over). */
export async function publishGoldCommand(model: Parameters<typeof goldJob>[0], gold: GoldModel, args: ParsedArgs, title: string): Promise<number> {
  const runId = stringFlag(args, 'run-id')!;
  const lake = stringFlag(args, 'lake');
  const storage = openLake(lake);
  const views = viewSwitch(lake, gold, storage);
  let result;
  try {
    result = await publishGold({ storage, job: goldJob(model, gold), runId, allowRestatement: booleanFlag(args, 'allow-restatement'), afterSwitch: views.afterSwitch });
  } catch (err) {
    if (err instanceof GoldSwitchError) throw new UserError(err.message);
    if (err instanceof RestatementRefusedError) throw new UserError(`${err.message}: add --allow-restatement`);
    throw err;
  }
  const viewReport = views.report();
  const out = {
    dataset: `${gold.id.domain}.${gold.id.name}`,
    schema_v: gold.id.schemaV,
    status: 'published',
    run_id: runId,
    already_published: result.alreadyPublished,
    previous_run_id: result.alreadyPublished ? result.latest.previous_run_id : result.restatement.compared_with,
    restated_months: result.restatement.restated_months,
    closed_months_restated: result.restatement.closed_months,
    published_at: result.latest.published_at,
    ...(result.auditKey ? { audit: result.auditKey } : {}),
    lake: storage.location,
    views: viewReport,
  };
  if (booleanFlag(args, 'json')) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const lines = [
      `${title}: ${result.alreadyPublished ? 'ALREADY PUBLISHED' : 'PUBLISHED'} (run ${runId})`,
      ...(result.alreadyPublished ? [] : [`  replaced        ${out.previous_run_id ?? 'nothing (first publish)'}`, `  restated        ${restatedText(out.restated_months, out.closed_months_restated)}`]),
      ...(out.audit ? [`  audit           ${out.audit}`] : []),
      `  views           ${viewText(viewReport)}`,
      `  lake            ${storage.location}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (viewReport.error) process.stderr.write(`lakec publish: published, but the Athena view was not replaced: ${viewReport.error}; run \`lakec deploy-sql\` for the environment\n`);
  return viewReport.error ? EXIT.failure : EXIT.ok;
}

/** What happened to the Athena reader view after a switch. */
export interface ViewReport {
  /** `gold_{domain}.{name}_{v}` replaced in this workgroup. */
  readonly replaced?: string;
  readonly workgroup?: string;
  /** Why no view was replaced (a local lake; an S3 lake of no known environment; no switch). */
  readonly skipped?: string;
  readonly error?: string;
}

/**
 * The view replacement that ends a publish or rollback on an S3 lake (DESIGN.md: publishing in AWS ends by
 * replacing the reader view, one DDL call): `_LATEST.json` is read again first, so a later switch's state wins.
 */
export function viewSwitch(lake: string | undefined, gold: GoldModel, storage: Storage): { afterSwitch: (latest: GoldLatest) => Promise<void>; report: () => ViewReport } {
  const target = viewTargetOfLake(lake);
  const table = goldTableOf(gold);
  const name = `${table.database}.${table.readerName}`;
  let report: ViewReport = target
    ? { skipped: 'nothing was published', workgroup: target.workGroup }
    : { skipped: lake?.startsWith('s3://') ? `${lake} is no environment of stacks/environments.ts and LAKEC_ATHENA_WORKGROUP is not set; run lakec deploy-sql` : 'a local lake: lakec query reads _LATEST.json itself' };
  return {
    afterSwitch: async (latest) => {
      if (!target) return;
      try {
        const fresh = (await readGoldLatest(storage, table.prefix)) ?? latest;
        await target.runner.execute(new AthenaPrinter().print(goldViewStatement(gold, fresh.run_id)).text, { database: table.database });
        report = { replaced: name, workgroup: target.workGroup };
      } catch (err) {
        report = { workgroup: target.workGroup, error: err instanceof Error ? err.message : String(err) };
      }
    },
    report: () => report,
  };
}

export function viewText(v: ViewReport): string {
  if (v.error) return `NOT replaced: ${v.error}`;
  if (v.replaced) return `${v.replaced} replaced (Athena workgroup ${v.workgroup})`;
  return `not replaced: ${v.skipped}`;
}

function restatedText(all: readonly string[], closed: readonly string[]): string {
  if (!all.length) return 'no published month changed';
  return `${all.join(', ')}${closed.length ? `; closed: ${closed.join(', ')}` : ''}`;
}

/** The run summary as a readable table (stdout without --json). */
export function formatGoldSummary(s: GoldRunSummary, title: string, views: ViewReport): string {
  const rows: [string, string][] = [
    ['rows', `${s.rows}${s.months.length ? `  (${s.months[0]} … ${s.months[s.months.length - 1]}, ${s.months.length} month${s.months.length > 1 ? 's' : ''})` : ''}`],
    ['source', `${s.source.dataset}: ${s.source.runs} published run${s.source.runs === 1 ? '' : 's'}, ${s.source.rows} rows`],
    ['reconciliation', s.reconciliation.ok ? 'consistent with silver' : `${s.reconciliation.disagreements.length} disagreement(s)`],
    ...s.reconciliation.disagreements.slice(0, 10).map((d): [string, string] => ['', `${d.check_name}: ${d.detail}`]),
    ['compared with', s.previous_run_id ? `published run ${s.previous_run_id}` : 'nothing published yet'],
    ['restated', `${restatedText(s.restated_months, s.closed_months_restated)}  (open window: ${s.open_months} month${s.open_months > 1 ? 's' : ''})`],
    ...(s.audit ? ([['audit', s.audit]] as [string, string][]) : []),
    ['published_at', s.published_at],
    ['files', String(s.files_written)],
    ['time', `${s.seconds} s`],
    ['views', viewText(views)],
    ['lake', s.lake],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`${title}: ${s.status.toUpperCase()} (run ${s.run_id})`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
  if (s.message) lines.push('', `  ${s.message}`);
  return `${lines.join('\n')}\n`;
}
