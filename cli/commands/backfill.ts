import { athenaEtlPlan } from '../../generators/sql/etl/athena-etl';
import { resultsBucketOf } from '../../generators/sql/etl/generate-etl-sql';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { runAthenaBackfill } from '../../runtime/engine/athena-backfill';
import { backfillDeliveries, MONTH } from '../../runtime/engine/backfill-deliveries';
import type { RunSummary } from '../../runtime/pipeline/run-summary';
import { runIdCandidates } from '../../runtime/publish/run-id';
import type { Storage } from '../../runtime/storage/storage';
import { backfillWorkgroups } from '../../stacks/orchestration/backfill-names';
import { booleanFlag, engineFlag, parseArgs, stringFlag, UsageError } from '../args';
import { athenaRunner, environmentLake, environmentNamed, environmentOfLake, platformWorkgroup } from '../aws-target';
import { EXIT } from '../command';
import { loadDatasetModule } from '../dataset-modules';
import { openLake } from '../lake-location';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { resolveDataset } from '../resolve-dataset';
import { replaceSilverViews } from '../silver-views';
import { runOnEngine } from '../sql-engine';

export const help = `Re-runs the bronze deliveries of a dataset that arrived in the given months (ingest dates, UTC,
both months included), in the order they arrived, each as a new run (run id …_BACKFILL) that replaces the
earlier runs of the same delivery when published.
Arguments:
  DATASET        domain.name (newest schema_v not deprecated) or domain.name@vN
Options:
  --from YYYY-MM           first month (required)
  --to YYYY-MM             last month (required)
  --engine ts|duckdb|athena
                           ts (default) and duckdb run on this machine, on --lake;
                           athena runs the contract's validation SQL in Athena on --env's lake, step by step
                           through the Athena adapter (the same statements as the backfill state machine)
  --lake DIR|s3://PREFIX   the lake (default ./lake) for ts and duckdb
  --env ENV                for athena: an environment of stacks/environments.ts (or --lake s3://{namePrefix}-{env})
  --json                   print {dataset, engine, from, to, deliveries, runs: [run summaries]} on stdout
  --specs DIR              contracts directory (default dataset-specs/)
A halted or failed run stops the backfill; a rejected delivery is reported and the next one runs.
Exit codes: 0 every run published; 1 a run halted, failed or was rejected; 2 usage error.`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', lake: 'string', env: 'string', engine: 'string', from: 'string', to: 'string', json: 'boolean' });
  const [datasetArg, ...rest] = args.positionals;
  if (!datasetArg) throw new UsageError('expected DATASET');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\``);
  const from = stringFlag(args, 'from');
  const to = stringFlag(args, 'to');
  if (!from || !to) throw new UsageError('--from and --to are required, e.g. --from 2024-01 --to 2024-06');
  for (const m of [from, to]) if (!MONTH.test(m)) throw new UsageError(`\`${m}\` is not a month; write YYYY-MM`);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const engine = engineFlag(args, ['ts', 'duckdb', 'athena']);

  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const dataset = resolveDataset(model, datasetArg);
  const module = loadDatasetModule(dataset);
  const json = booleanFlag(args, 'json');
  const runs: RunSummary[] = [];
  const report = (s: RunSummary) => {
    runs.push(s);
    if (!json) process.stdout.write(`${s.delivery.bronze_key}: ${s.status.toUpperCase()} (run ${s.run_id}) ${s.rows_in} in, ${s.rows_silver} silver, ${s.rows_quarantined} quarantined, ${s.rows_condemned} condemned${s.message ? `\n  ${s.message}` : ''}\n`);
  };

  let storage: Storage;
  let deliveries: string[];
  let views: { readonly error?: string } = {};
  if (engine === 'athena') {
    const lake = stringFlag(args, 'lake');
    const env = stringFlag(args, 'env') ? environmentNamed(stringFlag(args, 'env')!) : lake ? environmentOfLake(lake) : undefined;
    if (!env) throw new UsageError('--engine athena needs --env ENV (or --lake s3://{namePrefix}-{env} of an environment)');
    storage = environmentLake(env);
    deliveries = await backfillDeliveries(storage, module.descriptor, from, to);
    const buckets = dataBucketNames(env.namePrefix, env.name);
    const plan = athenaEtlPlan(dataset, { buckets, resultsBucket: resultsBucketOf(buckets) });
    const workgroups = backfillWorkgroups(env);
    await runAthenaBackfill({
      ctx: { module, storage },
      plan,
      runners: { platform: athenaRunner(platformWorkgroup(env), env.region), silver: athenaRunner(workgroups.silver, env.region), quarantine: athenaRunner(workgroups.quarantine, env.region) },
      deliveries,
      runIdCandidates: () => runIdCandidates(new Date(), 'BACKFILL'),
      onRun: report,
    });
  } else {
    storage = openLake(stringFlag(args, 'lake'));
    deliveries = await backfillDeliveries(storage, module.descriptor, from, to);
    for (const key of deliveries) {
      const s = await runOnEngine(engine, dataset, { module, storage, input: { kind: 'bronze', key }, publish: true });
      report(s);
      if (s.status === 'halted' || s.status === 'failed') break;
    }
    // As `lakec run` does after a publish: an S3 lake's Athena reader views follow the published runs.
    if (runs.some((s) => s.status === 'published')) views = await replaceSilverViews(stringFlag(args, 'lake'), module, storage);
  }
  if (!deliveries.length && !json) process.stderr.write(`lakec backfill: no deliveries of ${module.descriptor.key} arrived from ${from} to ${to} in ${storage.location}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ dataset: `${dataset.id.domain}.${dataset.id.name}`, schema_v: dataset.id.schemaV, engine, from, to, deliveries: deliveries.length, runs }, null, 2)}\n`);
  return runs.every((s) => s.status === 'published' || s.status === 'staged') && !views.error ? EXIT.ok : EXIT.failure;
}

