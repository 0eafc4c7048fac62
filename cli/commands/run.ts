import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { isRunId } from '../../runtime/publish/run-id';
import type { DeliveryInput } from '../../runtime/pipeline/run-delivery';
import { RunIdTakenError } from '../../runtime/pipeline/run-lifecycle';
import { LocalStorage } from '../../runtime/storage/local-storage';
import type { Storage } from '../../runtime/storage/storage';
import { booleanFlag, engineFlag, parseArgs, stringFlag, UsageError } from '../args';
import { EXIT, UserError } from '../command';
import { loadDatasetModule } from '../dataset-modules';
import { openLake } from '../lake-location';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { progressBar } from '../progress';
import { resolveDataset } from '../resolve-dataset';
import { formatRunSummary } from '../run-report';
import { runOnEngine } from '../sql-engine';
import { replaceSilverViews } from '../silver-views';

export const help = `Arguments:
  DATASET        domain.name (newest schema_v not deprecated) or domain.name@vN
  FILE           the delivered CSV (.gz: gzip); copied into bronze byte for byte. A file already in the
                 lake's bronze (or its key, bronze/…) is run again from there (a backfill: no new copy).
Options:
  --lake DIR|s3://PREFIX   the lake (default ./lake); s3://{namePrefix}-{env} uses that environment's buckets
  --run-id ID              use this run id (YYYYMMDDTHHMMSSZ[_SUFFIX]); it must be free
  --engine ts|duckdb       ts: the TypeScript engine (default); duckdb: the contract's validation compiled to
                           DuckDB SQL, multi-threaded — the same rows in the same places, the same lake
                           (a delivery the SQL cannot read line by line stops with a message: run it with ts)
  --no-publish             stage only: write the run, its manifest and _SUCCESS; \`lakec publish\` later
  --json                   print the run summary as one JSON object on stdout (nothing else on stdout)
  --specs DIR              contracts directory (default dataset-specs/)
Exit codes: 0 published or staged (also when the quarantine rate is exceeded: see the summary);
            1 halted, rejected or failed; 2 usage error.`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', lake: 'string', 'run-id': 'string', engine: 'string', 'no-publish': 'boolean', json: 'boolean' });
  const [datasetArg, fileArg, ...rest] = args.positionals;
  if (!datasetArg || !fileArg) throw new UsageError('expected DATASET and FILE');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\``);
  const engine = engineFlag(args, ['ts', 'duckdb']);
  const runId = stringFlag(args, 'run-id');
  if (runId !== undefined && !isRunId(runId)) throw new UsageError(`\`${runId}\` is not a run id; write YYYYMMDDTHHMMSSZ with optional _SUFFIX parts, e.g. 20240131T120000Z_BACKFILL`);

  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const dataset = resolveDataset(model, datasetArg);
  const storage = openLake(stringFlag(args, 'lake'));
  const input = deliveryInput(fileArg, storage);
  const module = loadDatasetModule(dataset);
  const json = booleanFlag(args, 'json');
  const bar = progressBar(`${dataset.id.domain}.${dataset.id.name}`);
  let summary;
  try {
    const common = { module, storage, input, publish: !booleanFlag(args, 'no-publish'), ...(runId ? { runId } : {}), onProgress: (done: number, total: number | undefined) => bar.update(done, total) };
    summary = await runOnEngine(engine, dataset, common);
  } catch (err) {
    if (err instanceof RunIdTakenError) throw new UserError(err.message);
    throw err;
  } finally {
    bar.end();
  }
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(formatRunSummary(summary, `lakec run ${datasetArg}`));
  if (!json && summary.message && summary.status !== 'published' && summary.status !== 'staged') process.stderr.write(`lakec run: ${summary.status}: ${summary.message}\n`);
  const views = summary.status === 'published' ? await replaceSilverViews(stringFlag(args, 'lake'), module, storage) : {};
  return (summary.status === 'published' || summary.status === 'staged') && !views.error ? EXIT.ok : EXIT.failure;
}

/** FILE: a local file; or a delivery already in the lake's bronze (its path, or its key). */
function deliveryInput(file: string, storage: Storage): DeliveryInput {
  if (storage instanceof LocalStorage) {
    const abs = resolve(file);
    const rel = relative(storage.root, abs);
    if (!rel.startsWith('..') && rel.split(sep)[0] === 'bronze') return { kind: 'bronze', key: rel.split(sep).join('/') };
  }
  if (existsSync(file)) {
    if (!statSync(file).isFile()) throw new UserError(`\`${file}\` is not a file`);
    return { kind: 'file', path: file };
  }
  if (file.startsWith('bronze/')) return { kind: 'bronze', key: file };
  throw new UserError(`\`${file}\` does not exist`);
}
