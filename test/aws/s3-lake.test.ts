import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { mockClient } from 'aws-sdk-client-mock';
import { environmentNamed, platformWorkgroup } from '../../cli/aws-target';
import { goldsOf } from '../../generators/contract/lake-model';
import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { datasetViewStatements, goldViewStatement } from '../../generators/sql/reader-views';
import { lakeContext } from '../../stacks/lake-context';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { lakec, lakecJson, SMOKE_DELIVERY, tempDir } from '../gold/support/lake-cli';
import { deployedTables } from './support/deployed-tables';
import { startEnvironmentS3 } from './support/env-s3';
import { datasetsOf } from '../../generators/contract/lake-model';
import { glueTables } from '../../generators/tables/lake-tables';

/**
 * The lake in AWS: `lakec run`, `lakec gold` and `lakec rollback` on the dev environment's buckets (a local
 * S3-compatible server), each Gold switch ending with the Athena view replaced; then `lakec deploy-sql --env
 * dev`: Glue checked, every view applied from the control objects. Athena and Glue (no local server) answer
 * through recorded request shapes.
 */
const model = loadModel(EXAMPLE_SPECS);
const printer = new AthenaPrinter();
const dev = environmentNamed('dev');
const LAKE = 's3://acme-lake-dev';
const common = ['--lake', LAKE, '--specs', EXAMPLE_SPECS];
const t = tempDir('lakec-s3-lake-');
const athena = mockClient(AthenaClient);
const glue = mockClient(GlueClient);
let s3: Awaited<ReturnType<typeof startEnvironmentS3>>;
let client: S3Client;

beforeAll(async () => {
  s3 = await startEnvironmentS3('acme-lake', 'dev');
  client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const file = join(t.dir, 'd.csv');
  writeFileSync(file, SMOKE_DELIVERY);
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-run' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-run', Status: { State: 'SUCCEEDED' }, StatementType: 'DDL' } });
  const run = await lakecJson('run', 'mortgages.transactions', file, ...common);
  expect([run.code, run.json.status]).toEqual([0, 'published']);
  runViewCalls = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
}, 60_000);
let runViewCalls: unknown[] = [];
afterAll(async () => {
  athena.restore();
  glue.restore();
  client?.destroy();
  await s3?.stop();
  t.cleanup();
});
beforeEach(() => {
  athena.reset();
  glue.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'SUCCEEDED' }, StatementType: 'DDL' } });
});

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

async function object(bucket: string, key: string): Promise<Buffer> {
  return Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
}

const viewCall = (sql: string, database: string) => ({ QueryString: sql, WorkGroup: 'acme-lake-dev-platform', QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: database } });
const balances = goldsOf(model).find((g) => g.id.name === 'account_balances')!;
const runs: string[] = [];

test("the platform workgroup is the stack's", () => {
  expect(platformWorkgroup(dev)).toBe(lakeContext(dev, model, {} as never, 'ns').workgroups.platform);
});

test('lakec gold on S3: reads published silver, writes the run to the gold bucket, publishes, replaces the Athena view', async () => {
  const r = await lakecJson('gold', 'finance.account_balances', ...common);
  expect([r.code, r.err]).toEqual([0, '']);
  expect(r.json).toMatchObject({ status: 'published', rows: 5, lake: LAKE, reconciliation: { ok: true }, views: { replaced: 'gold_finance.account_balances_v1', workgroup: 'acme-lake-dev-platform' } });
  const run = String(r.json.run_id);
  runs.push(run);
  const prefix = 'gold/finance/account_balances/schema_v=v1/';
  expect(await keys(s3.buckets.gold, `${prefix}run_id=`)).toEqual(['2024-01', '2024-02', '2024-03'].map((m) => `${prefix}run_id=${run}/as_of_month=${m}/part-00000.parquet`));
  expect(JSON.parse((await object(s3.buckets.gold, `${prefix}_LATEST.json`)).toString())).toMatchObject({ run_id: run, previous_run_id: null });
  expect(await keys(s3.buckets.gold, `${prefix}_runs/${run}/`)).toEqual(['_SUCCESS', '_claim.json', 'manifest.json'].map((n) => `${prefix}_runs/${run}/${n}`));
  expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([viewCall(printer.print(goldViewStatement(balances, run)).text, 'gold_finance')]);

  // What the files hold: the month-end balances, read back by DuckDB from the bucket's bytes.
  const local = join(t.dir, 'gold-files');
  const files: string[] = [];
  for (const key of await keys(s3.buckets.gold, `${prefix}run_id=${run}/`)) {
    const path = join(local, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await object(s3.buckets.gold, key));
    files.push(path);
  }
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const rows = (await c.runAndReadAll(`SELECT account_id, balance, as_of_month FROM read_parquet($f, hive_partitioning = true) ORDER BY account_id, as_of_month`, { f: join(local, prefix, `run_id=${run}`, '*', '*.parquet') })).getRowObjectsJson();
  c.closeSync();
  expect(rows.map((x) => `${x.account_id} ${x.as_of_month} ${x.balance}`)).toEqual(['ACC000001 2024-01 59.50', 'ACC000001 2024-02 59.50', 'ACC000001 2024-03 64.75', 'ACC000002 2024-02 10.00', 'ACC000002 2024-03 10.00']);
});

test('a second run and a rollback: each switch replaces the view with the run _LATEST.json names', async () => {
  const second = await lakecJson('gold', 'finance.account_balances', ...common);
  expect(second.json).toMatchObject({ status: 'published', previous_run_id: runs[0] });
  runs.push(String(second.json.run_id));
  const back = await lakecJson('rollback', 'finance.account_balances', ...common);
  expect(back.json).toMatchObject({ status: 'rolled_back', run_id: runs[0], previous_run_id: runs[1], views: { replaced: 'gold_finance.account_balances_v1' } });
  expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString)).toEqual([runs[1]!, runs[0]!].map((r) => printer.print(goldViewStatement(balances, r)).text));
});

test('Athena refusing the view: the switch stands, exit 1, and the message says to run deploy-sql', async () => {
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'FAILED', StateChangeReason: 'Access denied when writing output to url: s3://acme-lake-dev-athena-results/platform/' } } });
  const r = await lakec('rollback', 'finance.account_balances', ...common, '--to', runs[1]!);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/switched, but the Athena view was not replaced: Athena query q-1 FAILED: Access denied when writing output .*run `lakec deploy-sql` for the environment/);
  expect(JSON.parse((await object(s3.buckets.gold, 'gold/finance/account_balances/schema_v=v1/_LATEST.json')).toString()).run_id).toBe(runs[1]);
});

test('lakec run on S3 ends by replacing the dataset\'s three reader views over its published runs', async () => {
  const published = JSON.parse((await object(s3.buckets.silver, 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json')).toString()) as { runs: { run_id: string }[] };
  const ids = published.runs.map((r) => r.run_id);
  expect(ids).toHaveLength(1);
  const statements = datasetViewStatements(datasetsOf(model)[0]!, { silver: ids, quarantine: ids, condemned: ids });
  expect(runViewCalls).toEqual(statements.map((x) => viewCall(printer.print(x).text, (x as { schema: string }).schema)));
});

describe('lakec deploy-sql --env dev', () => {
  const dataset = datasetsOf(model)[0]!;
  const expectedCalls = async () => {
    const published = JSON.parse((await object(s3.buckets.silver, 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json')).toString()) as { runs: { run_id: string; quarantine: { rows: number }; condemned: { rows: number } }[] };
    const ids = published.runs.map((r) => r.run_id);
    const [s, q, c] = datasetViewStatements(dataset, {
      silver: ids,
      quarantine: published.runs.filter((r) => r.quarantine.rows > 0).map((r) => r.run_id),
      condemned: published.runs.filter((r) => r.condemned.rows > 0).map((r) => r.run_id),
    });
    const latestOf = { account_balances: runs[1], monthly_reports: undefined, transaction_summaries: undefined } as Record<string, string | undefined>;
    return [
      ...[s!, q!, c!].map((x) => viewCall(printer.print(x).text, (x as { schema: string }).schema)),
      ...goldsOf(model).map((g) => viewCall(printer.print(goldViewStatement(g, latestOf[g.id.name])).text, 'gold_finance')),
    ];
  };
  const tables = deployedTables('dev');

  test('Glue matches: every view replaced, one StartQueryExecution each, over what the control objects publish', async () => {
    for (const table of tables) glue.on(GetTableCommand, { DatabaseName: table.DatabaseName, Name: table.Name }).resolves({ Table: table });
    const r = await lakec('deploy-sql', '--env', 'dev', '--specs', EXAMPLE_SPECS);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/^lakec deploy-sql dev: views replaced \(Athena workgroup acme-lake-dev-platform, lake s3:\/\/acme-lake-dev\)\n {2}glue {2}8 tables match their contracts\n/);
    expect(r.out).toMatch(/view {2}gold_finance\.monthly_reports_v1 +nothing published \(empty\)/);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual(await expectedCalls());
    expect(glue.commandCalls(GetTableCommand).map((c) => c.args[0].input)).toEqual(glueTables(model).map((x) => ({ DatabaseName: x.database, Name: x.name, CatalogId: '111111111111' })));
  });

  test('--dry-run prints the statements and replaces nothing; --json says the same as one object', async () => {
    for (const table of tables) glue.on(GetTableCommand, { DatabaseName: table.DatabaseName, Name: table.Name }).resolves({ Table: table });
    const r = await lakec('deploy-sql', '--env', 'dev', '--specs', EXAMPLE_SPECS, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${printer.print(goldViewStatement(balances, runs[1])).text};`);
    const j = await lakecJson('deploy-sql', '--env', 'dev', '--specs', EXAMPLE_SPECS, '--dry-run');
    expect(j.json).toMatchObject({ environment: 'dev', workgroup: 'acme-lake-dev-platform', dry_run: true, ok: true, drift: [] });
    expect((j.json.views as unknown[]).length).toBe(6);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  test('drift stops the deploy before any view is touched', async () => {
    for (const table of tables) {
      const changed = structuredClone(table);
      if (table.Name === 'account_balances_v1_all_runs') changed.StorageDescriptor!.Columns![2]!.Type = 'double';
      glue.on(GetTableCommand, { DatabaseName: table.DatabaseName, Name: table.Name }).resolves({ Table: changed });
    }
    const r = await lakec('deploy-sql', '--env', 'dev', '--specs', EXAMPLE_SPECS);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/DRIFT — no view replaced/);
    expect(r.out).toContain('gold_finance.account_balances_v1_all_runs: column balance is double, the contract says decimal(38,2)');
    expect(r.err).toMatch(/1 Glue table differs from the contracts; deploy the stack/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  test("Athena refusing a view: exit 1 with Athena's message; the views before it stay replaced", async () => {
    for (const table of tables) glue.on(GetTableCommand, { DatabaseName: table.DatabaseName, Name: table.Name }).resolves({ Table: table });
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++n}` }));
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-2' }).resolves({ QueryExecution: { QueryExecutionId: 'q-2', Status: { State: 'FAILED', StateChangeReason: "line 1:1: Schema 'quarantine_mortgages' does not exist" } } });
    const r = await lakec('deploy-sql', '--env', 'dev', '--specs', EXAMPLE_SPECS);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Athena refused a view: quarantine_mortgages\.transactions_v1: Athena query q-2 FAILED: line 1:1: Schema 'quarantine_mortgages' does not exist/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(0);
  });

  test('usage: --env is required and must be an environment of stacks/environments.ts', async () => {
    expect((await lakec('deploy-sql', '--specs', EXAMPLE_SPECS)).code).toBe(2);
    const r = await lakec('deploy-sql', '--env', 'staging', '--specs', EXAMPLE_SPECS);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/unknown environment `staging`; stacks\/environments\.ts has dev, prod/)]);
  });
});

test('a silver file _PUBLISHED.json lists but S3 no longer holds: the run fails and says which, nothing is published', async () => {
  const [key] = await keys(s3.buckets.silver, 'silver/mortgages/transactions/year=');
  await client.send(new DeleteObjectCommand({ Bucket: s3.buckets.silver, Key: key! }));
  const r = await lakecJson('gold', 'finance.transaction_summaries', ...common);
  expect(r.code).toBe(1);
  expect(r.json).toMatchObject({ status: 'failed', message: `${key}, listed in silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json, is missing from the lake`, views: { skipped: 'nothing was published' } });
  expect(await keys(s3.buckets.gold, 'gold/finance/transaction_summaries/schema_v=v1/_LATEST.json')).toEqual([]);
});

test('lakec backfill on S3 re-runs the month\'s delivery and, like lakec run, replaces the reader views over the runs now published', async () => {
  const month = new Date().toISOString().slice(0, 7);
  const r = await lakecJson('backfill', 'mortgages.transactions', '--from', month, '--to', month, '--json', ...common);
  expect([r.code, r.json.deliveries]).toEqual([0, 1]);
  const published = JSON.parse((await object(s3.buckets.silver, 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json')).toString()) as { runs: { run_id: string }[] };
  const ids = published.runs.map((x) => x.run_id);
  expect(ids).toEqual([expect.stringMatching(/_BACKFILL$/)]);
  const statements = datasetViewStatements(datasetsOf(model)[0]!, { silver: ids, quarantine: ids, condemned: ids });
  expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual(statements.map((x) => viewCall(printer.print(x).text, (x as { schema: string }).schema)));
});
