import { GlueClient } from '@aws-sdk/client-glue';
import { datasetsOf, goldsOf, type LakeModel } from '../../generators/contract/lake-model';
import { hiveType, storageFormat, tableProperties } from '../../generators/ddl/athena-ddl';
import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { datasetViewStatements, goldViewStatement } from '../../generators/sql/reader-views';
import type { SqlStatement } from '../../generators/sql/sql-node';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { datasetTables, glueTables, lakeTables } from '../../generators/tables/lake-tables';
import type { TableDef } from '../../generators/tables/table-def';
import { AthenaQueryError } from '../../runtime/aws/athena-runner';
import { glueTableDrift, type ExpectedGlueTable, type TableDrift } from '../../runtime/aws/glue-drift';
import { readGoldLatest } from '../../runtime/publish/gold-latest';
import { liveCondemned, liveQuarantine, readPublished } from '../../runtime/publish/silver-published';
import type { Storage } from '../../runtime/storage/storage';
import type { EnvironmentConfig } from '../../stacks/environments';
import { booleanFlag, parseArgs, stringFlag, UsageError } from '../args';
import { athenaRunner, environmentLake, environmentNamed, platformWorkgroup } from '../aws-target';
import { EXIT } from '../command';
import { DEFAULT_SPECS, requireModel } from '../load-model';

export const help = `Applies the Athena reader views of an environment (Terraform owns the Glue tables; deploy-sql owns
only the views). First every Glue table is compared with its contract (GetTable: columns, types, partition
keys, location, projection); any drift stops the deploy before a view is touched. Then each view is
replaced, one DDL statement each, over what the control objects on the environment's S3 lake publish:
silver, quarantine and condemned views from _PUBLISHED.json, Gold views from _LATEST.json.
Options:
  --env ENV      an environment of stacks/environments.ts (required)
  --dry-run      read S3 and Glue, print the statements, replace nothing
  --json         print the report as one JSON object
  --specs DIR    contracts directory (default dataset-specs/)
AWS credentials come from the usual chain (CI: the deploy role through GitHub's OIDC provider).
Exit codes: 0 every view replaced (or printed); 1 drift, or Athena refused a statement; 2 usage error.`;

export interface ViewPlan {
  /** `database.view`. */
  readonly view: string;
  readonly database: string;
  /** Published runs the view selects (none: an empty view). */
  readonly runs: readonly string[];
  readonly sql: string;
}

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', env: 'string', 'dry-run': 'boolean', json: 'boolean' });
  if (args.positionals.length) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const envName = stringFlag(args, 'env');
  if (!envName) throw new UsageError('--env is required, e.g. --env dev');
  const env = environmentNamed(envName);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const json = booleanFlag(args, 'json');
  const dryRun = booleanFlag(args, 'dry-run');
  const workGroup = platformWorkgroup(env);

  const glue = new GlueClient({ region: env.region });
  const drift: TableDrift[] = [];
  try {
    for (const t of glueTables(model)) {
      const d = await glueTableDrift(glue, expectedGlueTable(t, env), env.account);
      if (d.problems.length) drift.push(d);
    }
  } finally {
    glue.destroy();
  }
  const storage = environmentLake(env);
  const plans = drift.length ? [] : await viewPlans(model, storage);
  const applied: string[] = [];
  let failure: string | undefined;
  if (!drift.length && !dryRun) {
    const runner = athenaRunner(workGroup, env.region);
    for (const p of plans) {
      try {
        await runner.execute(p.sql, { database: p.database });
        applied.push(p.view);
      } catch (err) {
        if (!(err instanceof AthenaQueryError)) throw err;
        failure = `${p.view}: ${err.message}`;
        break;
      }
    }
  }
  const ok = !drift.length && !failure;
  if (json) {
    process.stdout.write(`${JSON.stringify({ environment: env.name, workgroup: workGroup, dry_run: dryRun, ok, drift, views: plans.map((p) => ({ view: p.view, runs: p.runs, replaced: applied.includes(p.view), ...(dryRun ? { sql: p.sql } : {}) })), ...(failure ? { error: failure } : {}) }, null, 2)}\n`);
  } else {
    const lines = [`lakec deploy-sql ${env.name}: ${drift.length ? 'DRIFT — no view replaced' : failure ? 'FAILED' : dryRun ? 'DRY RUN — nothing replaced' : 'views replaced'} (Athena workgroup ${workGroup}, lake ${storage.location})`];
    const tables = glueTables(model).length;
    lines.push(drift.length ? `  glue  ${drift.length} of ${tables} tables differ from their contracts:` : `  glue  ${tables} tables match their contracts`);
    for (const d of drift) for (const p of d.problems) lines.push(`        ${d.table}: ${p}`);
    for (const p of plans) lines.push(`  view  ${p.view.padEnd(Math.max(...plans.map((x) => x.view.length)))}  ${p.runs.length ? `${p.runs.length} published run${p.runs.length > 1 ? 's' : ''}` : 'nothing published (empty)'}${dryRun ? '' : applied.includes(p.view) ? '' : '  NOT replaced'}`);
    if (dryRun) for (const p of plans) lines.push('', `${p.sql};`);
    if (failure) lines.push('', `  ${failure}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (drift.length) process.stderr.write(`lakec deploy-sql: ${drift.length} Glue table${drift.length > 1 ? 's differ' : ' differs'} from the contracts; deploy the stack (Terraform owns the tables), then run deploy-sql again\n`);
  if (failure) process.stderr.write(`lakec deploy-sql: Athena refused a view: ${failure}\n`);
  return ok ? EXIT.ok : EXIT.failure;
}

/** Every reader view of the model over what the control objects publish now, in contract order. */
export async function viewPlans(model: LakeModel, storage: Storage): Promise<ViewPlan[]> {
  const printer = new AthenaPrinter();
  const plans: ViewPlan[] = [];
  const add = (s: SqlStatement, runs: readonly string[]) => {
    if (s.kind !== 'create_view') throw new Error('not a view');
    plans.push({ view: `${s.schema}.${s.name}`, database: s.schema, runs: [...new Set(runs)].sort(), sql: printer.print(s).text });
  };
  for (const d of datasetsOf(model)) {
    const silver = datasetTables(d).find((t) => t.layer === 'silver')!;
    const published = await readPublished(storage, `${silver.prefix}schema_v=${d.id.schemaV}/_PUBLISHED.json`);
    const runs = { silver: (published?.runs ?? []).map((r) => r.run_id), quarantine: liveQuarantine(published).map((r) => r.run_id), condemned: liveCondemned(published).map((r) => r.run_id) };
    const [s, q, c] = datasetViewStatements(d, runs);
    add(s!, runs.silver);
    add(q!, runs.quarantine);
    add(c!, runs.condemned);
  }
  for (const g of goldsOf(model)) {
    const t = lakeTables({ contracts: [g] })[0]!;
    const latest = await readGoldLatest(storage, t.prefix);
    add(goldViewStatement(g, latest?.run_id), latest ? [latest.run_id] : []);
  }
  return plans;
}

/** A contract's Glue table as stacks/ deploys it (the same TableDef and DDL functions). */
export function expectedGlueTable(t: TableDef, env: EnvironmentConfig): ExpectedGlueTable {
  const buckets = dataBucketNames(env.namePrefix, env.name);
  const format = storageFormat(t.storage);
  return {
    database: t.database,
    name: t.name,
    location: `s3://${buckets[t.bucket]}/${t.prefix}`,
    columns: t.columns.map((c) => ({ name: c.name, type: hiveType(c.type) })),
    partitionKeys: t.partitionKeys.map((k) => ({ name: k.name, type: hiveType(k.type) })),
    parameters: Object.fromEntries(tableProperties(t, buckets)),
    serde: format.serde,
    inputFormat: format.inputFormat,
    outputFormat: format.outputFormat,
  };
}
