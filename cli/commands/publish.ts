import { publishStagedRun, NotPublishableError } from '../../runtime/pipeline/publish-staged';
import { parseDatasetRef } from '../../generators/contract/dataset-id';
import { resolveContract } from '../../generators/contract/lake-model';
import { isRunId } from '../../runtime/publish/run-id';
import { booleanFlag, parseArgs, stringFlag, UsageError } from '../args';
import { EXIT, UserError } from '../command';
import { loadDatasetModule } from '../dataset-modules';
import { openLake } from '../lake-location';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { resolveDataset } from '../resolve-dataset';
import { formatRunSummary } from '../run-report';
import { replaceSilverViews } from '../silver-views';

export const help = `Publishes a staged run (one written by \`lakec run --no-publish\`): readers see it from then on.
A Gold dataset's run (from \`lakec gold --no-publish\`, or one refused for a restatement) is compared with
the published run first, then replaces it in _LATEST.json.
Options:
  --run-id ID    the run to publish (required)
  --allow-restatement   Gold: publish even if the run changes closed months (recorded)
  --lake DIR     the lake (default ./lake), or s3://{namePrefix}-{env}
  --json         print the run summary as JSON
  --specs DIR    contracts directory (default dataset-specs/)`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', lake: 'string', 'run-id': 'string', json: 'boolean', 'allow-restatement': 'boolean' });
  const [datasetArg, ...rest] = args.positionals;
  if (!datasetArg) throw new UsageError('expected DATASET');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\``);
  const runId = stringFlag(args, 'run-id');
  if (!runId) throw new UsageError('--run-id is required');
  if (!isRunId(runId)) throw new UsageError(`\`${runId}\` is not a run id (YYYYMMDDTHHMMSSZ[_SUFFIX])`);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const ref = parseDatasetRef(datasetArg);
  const contract = ref ? resolveContract(model, ref) : undefined;
  if (contract?.kind === 'gold') return (await import('./gold.js')).publishGoldCommand(model, contract, args, `lakec publish ${datasetArg}`);
  if (booleanFlag(args, 'allow-restatement')) throw new UsageError('--allow-restatement applies to Gold datasets');
  const dataset = resolveDataset(model, datasetArg);
  const storage = openLake(stringFlag(args, 'lake'));
  const module = loadDatasetModule(dataset);
  let summary;
  try {
    summary = await publishStagedRun(module, storage, runId);
  } catch (err) {
    if (err instanceof NotPublishableError) throw new UserError(err.message);
    throw err;
  }
  if (booleanFlag(args, 'json')) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(formatRunSummary(summary, `lakec publish ${datasetArg}`));
  const views = await replaceSilverViews(stringFlag(args, 'lake'), module, storage);
  return views.error ? EXIT.failure : EXIT.ok;
}
