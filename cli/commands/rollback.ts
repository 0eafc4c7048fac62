import { parseDatasetRef } from '../../generators/contract/dataset-id';
import { resolveContract } from '../../generators/contract/lake-model';
import { RUN_ID_PATTERN } from '../../generators/sql/sql-param';
import { GoldSwitchError, rollbackGold } from '../../runtime/gold/gold-publish';
import { booleanFlag, parseArgs, stringFlag, UsageError } from '../args';
import { EXIT, UserError } from '../command';
import { goldJob, resolveGold } from '../gold-job';
import { openLake } from '../lake-location';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { viewSwitch, viewText } from './gold';

export const help = `Points a Gold dataset's _LATEST.json back at an earlier run, in one conditional write: readers
(lakec query, and the Athena view on an S3 lake) switch to it at once. Every run stays in the lake.
Arguments:
  GOLD_DATASET      domain.name or domain.name@vN of a gold contract
Options:
  --to RUN_ID       the run to switch to (a complete run, or one published before); default: the run the
                    current one replaced when it was published
  --lake DIR|s3://PREFIX   the lake (default ./lake)
  --json            print the result as one JSON object
  --specs DIR       contracts directory (default dataset-specs/)`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', lake: 'string', to: 'string', json: 'boolean' });
  const [datasetArg, ...rest] = args.positionals;
  if (!datasetArg) throw new UsageError('expected GOLD_DATASET, e.g. finance.account_balances');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\``);
  const to = stringFlag(args, 'to');
  if (to !== undefined && !RUN_ID_PATTERN.test(to)) throw new UsageError(`\`${to}\` is not a run id (YYYYMMDDTHHMMSSZ[_SUFFIX])`);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const ref = parseDatasetRef(datasetArg);
  if (ref && resolveContract(model, ref)?.kind === 'dataset') {
    throw new UserError(`${datasetArg} is a dataset contract: silver is cumulative and has no rollback; publish a rerun of the delivery instead (lakec run, lakec publish)`);
  }
  const gold = resolveGold(model, datasetArg);
  const lake = stringFlag(args, 'lake');
  const storage = openLake(lake);
  const views = viewSwitch(lake, gold, storage);
  let result;
  try {
    result = await rollbackGold({ storage, job: goldJob(model, gold), ...(to ? { to } : {}), afterSwitch: views.afterSwitch });
  } catch (err) {
    if (err instanceof GoldSwitchError) throw new UserError(err.message);
    throw err;
  }
  const report = views.report();
  const out = {
    dataset: `${gold.id.domain}.${gold.id.name}`,
    schema_v: gold.id.schemaV,
    status: 'rolled_back',
    run_id: result.latest.run_id,
    previous_run_id: result.from,
    published_at: result.latest.published_at,
    lake: storage.location,
    views: report,
  };
  if (booleanFlag(args, 'json')) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    process.stdout.write(
      [`lakec rollback ${datasetArg}: ROLLED BACK to run ${out.run_id}`, `  replaced  ${out.previous_run_id} (still in the lake; lakec publish … --run-id ${out.previous_run_id} switches to it again)`, `  views     ${viewText(report)}`, `  lake      ${storage.location}`, ''].join('\n'),
    );
  }
  if (report.error) process.stderr.write(`lakec rollback: switched, but the Athena view was not replaced: ${report.error}; run \`lakec deploy-sql\` for the environment\n`);
  return report.error ? EXIT.failure : EXIT.ok;
}
