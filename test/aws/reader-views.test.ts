import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { loadDatasetModule } from '../../cli/dataset-modules';
import { datasetsOf, goldsOf } from '../../generators/contract/lake-model';
import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { goldTableOf } from '../../generators/sql/gold-query';
import { readerViewStatement } from '../../generators/sql/reader-views';
import { datasetTables } from '../../generators/tables/lake-tables';
import type { TableDef } from '../../generators/tables/table-def';
import { AthenaRunner } from '../../runtime/aws/athena-runner';
import { athenaReaderView } from '../../runtime/aws/reader-views';
import type { TableLayout } from '../../runtime/dataset-module';
import { configFromEnvironment, createHandler, LAMBDA_ENV, readerViewReplacer } from '../../runtime/lambda/handler';
import { readPublished } from '../../runtime/publish/silver-published';
import { BUCKETS, startS3, type LocalS3 } from '../runtime/support/s3';
import { FEATURES_SPECS, HOSTILE_SPECS } from '../sql/support/gold-cases';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { SMOKE_DELIVERY } from '../gold/support/lake-cli';

/**
 * The reader views the Lambda replaces after publishing silver are printed by the runtime from the generated
 * module (it cannot import generators/); `lakec deploy-sql` prints them with the SQL IR's Athena printer.
 * Here both print the same bytes, for every contract of three contract sets, and the Lambda replaces them
 * through Athena after a publish (request shapes recorded; S3 on a local S3-compatible server).
 */
const printer = new AthenaPrinter();
const layoutOf = (t: TableDef): TableLayout => ({ database: t.database, name: t.name, readerName: t.readerName, prefix: t.prefix, columns: t.columns.map((c) => ({ name: c.name, type: c.type })), partitionKeys: t.partitionKeys.map((k) => ({ name: k.name, type: k.type.kind })) });
const RUN_LISTS: readonly (readonly string[])[] = [[], ['20240131T120000Z'], ['20240301T000000Z_BACKFILL', '20240131T120000Z', '20240131T120000Z_2', '20240131T120000Z']];

test('the runtime prints each reader view byte for byte as the Athena printer does (example, hostile and features contracts)', () => {
  let compared = 0;
  for (const specs of [EXAMPLE_SPECS, HOSTILE_SPECS, FEATURES_SPECS]) {
    const model = loadModel(specs);
    for (const d of datasetsOf(model)) {
      const generated = loadDatasetModule(d).descriptor.tables;
      for (const layer of ['silver', 'quarantine', 'condemned'] as const) {
        const t = datasetTables(d).find((x) => x.layer === layer)!;
        // The generated module's layout is the TableDef's.
        expect(generated[layer]).toEqual(layoutOf(t));
        for (const runs of RUN_LISTS) {
          expect(athenaReaderView(generated[layer], runs)).toBe(printer.print(readerViewStatement(t, runs)).text);
          compared++;
        }
      }
    }
    for (const g of goldsOf(model)) for (const runs of RUN_LISTS.slice(0, 2)) expect(athenaReaderView(layoutOf(goldTableOf(g)), runs)).toBe(printer.print(readerViewStatement(goldTableOf(g), runs)).text);
  }
  expect(compared).toBeGreaterThan(20);
});

test('the same quoting for any column name, quotes and keywords included', () => {
  const base = datasetTables(datasetsOf(loadModel(EXAMPLE_SPECS))[0]!).find((x) => x.layer === 'silver')!;
  fc.assert(
    fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0000{}]/.test(s)), { minLength: 1, maxLength: 5 }), (names) => {
      const t: TableDef = { ...base, columns: names.map((name) => ({ name, type: { kind: 'string' }, comment: '' })) };
      expect(athenaReaderView(layoutOf(t), ['20240131T120000Z'])).toBe(printer.print(readerViewStatement(t, ['20240131T120000Z'])).text);
    }),
    { seed: 4242, numRuns: 200 },
  );
  expect(() => athenaReaderView(layoutOf(base), ["x' OR '1"])).toThrow(/not a run id/);
  const braces: TableDef = { ...base, columns: [{ name: 'a{{b}}', type: { kind: 'string' }, comment: '' }] };
  expect(() => athenaReaderView(layoutOf(braces), [])).toThrow(/braces/);
  expect(() => printer.print(readerViewStatement(braces, []))).toThrow(/braces/);
});

describe('the Lambda replaces the three views after it publishes', () => {
  let s3: LocalS3;
  const athena = mockClient(AthenaClient);
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    athena.restore();
    await s3?.stop();
  });
  beforeEach(() => {
    athena.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'SUCCEEDED' }, StatementType: 'DDL' } });
  });

  const model = loadModel(EXAMPLE_SPECS);
  const d = datasetsOf(model)[0]!;
  const event = (key: string) => ({ version: '0', id: 'e1', 'detail-type': 'Object Created', source: 'aws.s3', account: '111111111111', time: '2026-01-15T12:00:00Z', region: 'eu-west-1', resources: [], detail: { bucket: { name: BUCKETS.bronze }, object: { key } } }) as never;

  test('one StartQueryExecution per view, in the workgroup, over the runs _PUBLISHED.json lists after the publish', async () => {
    const storage = s3.storage();
    const runner = new AthenaRunner({ client: new AthenaClient({ region: 'eu-west-1' }), workGroup: 'acme-lake-test-platform', sleep: async () => undefined });
    const handle = createHandler({ datasets: [loadDatasetModule(d)], storage, bronzeBucket: BUCKETS.bronze, log: () => undefined, afterPublish: readerViewReplacer(storage, runner), encoderThread: false });
    const key = 'bronze/mortgages/transactions/ingest_date=2026-01-15/run_id=20260115T120000Z/d.csv';
    await storage.createNew(key, Buffer.from(SMOKE_DELIVERY));
    const [result] = await handle(event(key));
    expect((result!.runs[0] as { status: string }).status).toBe('published');
    const published = (await readPublished(storage, 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json'))!;
    const runs = published.runs.map((r) => r.run_id);
    const tables = datasetTables(d);
    const view = (layer: string, ids: string[]) => {
      const t = tables.find((x) => x.layer === layer)!;
      return { QueryString: printer.print(readerViewStatement(t, ids)).text, WorkGroup: 'acme-lake-test-platform', QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: t.database } };
    };
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([view('silver', runs), view('quarantine', runs), view('condemned', runs)]);
    expect(runs).toEqual(['20260115T120000Z']);
  });

  test('Athena refusing a view fails the invocation once the run is published, and says so', async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'FAILED', StateChangeReason: 'Insufficient permissions to execute the query.' } } });
    const storage = s3.storage();
    const logs: string[] = [];
    const runner = new AthenaRunner({ client: new AthenaClient({ region: 'eu-west-1' }), workGroup: 'wg', sleep: async () => undefined });
    const handle = createHandler({ datasets: [loadDatasetModule(d)], storage, bronzeBucket: BUCKETS.bronze, log: (l) => logs.push(l), afterPublish: readerViewReplacer(storage, runner), encoderThread: false });
    const key = 'bronze/mortgages/transactions/ingest_date=2026-01-16/run_id=20260116T120000Z/e.csv';
    await storage.createNew(key, Buffer.from(SMOKE_DELIVERY.replace(/S([0-9])/g, 'E$1')));
    await expect(handle(event(key))).rejects.toThrow(/reader views not replaced: Athena query q-1 FAILED: Insufficient permissions/);
    expect(logs.some((l) => l.includes('is published, but its reader views were not replaced'))).toBe(true);
    expect((await readPublished(storage, 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json'))!.runs.map((r) => r.run_id)).toContain('20260116T120000Z');
  });

  test('configured from LAKEC_ATHENA_WORKGROUP; without it no view is touched', () => {
    const registry = join(mkdtempSync(join(tmpdir(), 'lakec-registry-')), 'registry.js');
    writeFileSync(registry, 'module.exports = { datasets: [] };\n');
    const env = { ...Object.fromEntries(Object.entries(LAMBDA_ENV).map(([role, name]) => [name, BUCKETS[role as keyof typeof BUCKETS]])), LAKEC_REGISTRY: registry, AWS_REGION: 'eu-west-1' };
    expect(configFromEnvironment(env).afterPublish).toBeUndefined();
    expect(configFromEnvironment({ ...env, LAKEC_ATHENA_WORKGROUP: 'acme-lake-dev-platform' }).afterPublish).toEqual(expect.any(Function));
  });
});
