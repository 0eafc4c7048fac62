import { retryDataset } from '../../runtime/pipeline/retry-run';
import { booleanFlag, parseArgs, stringFlag, UsageError } from '../args';
import { EXIT } from '../command';
import { loadDatasetModule } from '../dataset-modules';
import { openLake } from '../lake-location';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { resolveDataset } from '../resolve-dataset';
import { formatRunSummary } from '../run-report';
import { replaceSilverViews } from '../silver-views';

export const help = `Validates the quarantined rows of published runs again with the current contract (attempt_count + 1;
a row failing at max_attempts is condemned). One retry run per delivery, published at once.
Options:
  --approved-by WHO   with --reason: reprocess condemned rows too; recorded in the audit log
                      (condemned/{domain}/{name}/schema_v=vN/_audit/{RUN}.json) and the run's manifest
  --reason WHY        why the condemned rows are reprocessed
  --lake DIR          the lake (default ./lake), or s3://{namePrefix}-{env}
  --json              print {dataset, schema_v, status, rows_…, runs: [run summaries]} as JSON
  --specs DIR         contracts directory (default dataset-specs/)
Exit codes: 0 nothing to retry, or every retry run published; 1 a retry run halted or failed.`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', lake: 'string', 'approved-by': 'string', reason: 'string', json: 'boolean' });
  const [datasetArg, ...rest] = args.positionals;
  if (!datasetArg) throw new UsageError('expected DATASET');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\``);
  const approvedBy = stringFlag(args, 'approved-by')?.trim();
  const reason = stringFlag(args, 'reason')?.trim();
  if ((approvedBy === undefined) !== (reason === undefined)) throw new UsageError('reprocessing condemned rows needs both --approved-by WHO and --reason WHY');
  if (approvedBy === '' || reason === '') throw new UsageError('--approved-by and --reason must not be empty');
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const dataset = resolveDataset(model, datasetArg);
  const storage = openLake(stringFlag(args, 'lake'));
  const module = loadDatasetModule(dataset);
  const runs = await retryDataset({ module, storage, ...(approvedBy && reason ? { approval: { approvedBy, reason } } : {}) });
  const ok = runs.every((r) => r.status === 'published');
  const total = (k: 'rows_in' | 'rows_silver' | 'rows_quarantined' | 'rows_condemned') => runs.reduce((n, r) => n + r[k], 0);
  if (booleanFlag(args, 'json')) {
    const status = runs.length === 0 ? 'nothing_to_retry' : ok ? 'published' : runs.find((r) => r.status !== 'published')!.status;
    const out = { dataset: `${dataset.id.domain}.${dataset.id.name}`, schema_v: dataset.id.schemaV, status, rows_in: total('rows_in'), rows_silver: total('rows_silver'), rows_quarantined: total('rows_quarantined'), rows_condemned: total('rows_condemned'), runs };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (runs.length === 0) {
    process.stdout.write(`lakec retry ${datasetArg}: nothing to retry (no quarantined${approvedBy ? ' or condemned' : ''} rows in published runs)\n`);
  } else {
    for (const r of runs) process.stdout.write(formatRunSummary(r, `lakec retry ${datasetArg}`));
  }
  const views = runs.some((r) => r.status === 'published') ? await replaceSilverViews(stringFlag(args, 'lake'), module, storage) : {};
  return ok && !views.error ? EXIT.ok : EXIT.failure;
}
