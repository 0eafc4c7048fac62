import { EntityNotFoundException, GetTableCommand, GlueClient, type Table } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { expectedGlueTable } from '../../cli/commands/deploy-sql';
import { glueTables } from '../../generators/tables/lake-tables';
import { compareGlueTable, glueTableDrift } from '../../runtime/aws/glue-drift';
import { ENVIRONMENTS } from '../../stacks/environments';
import { loadModel } from '../support/specs';
import { deployedTables } from './support/deployed-tables';

/**
 * Glue drift: a deployed table (GetTable) against its contract's TableDef. The deployed tables are the ones
 * the stack synthesizes (the committed golden stack), so this also proves stacks/ and the contracts agree.
 */
const model = loadModel();
const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
const deployed = deployedTables('dev');
const tables = glueTables(model);
const deployedOf = (database: string, name: string) => structuredClone(deployed.find((d) => d.DatabaseName === database && d.Name === name)!);

test('every table the stack deploys matches its contract', () => {
  expect(deployed).toHaveLength(tables.length);
  for (const t of tables) expect(compareGlueTable(expectedGlueTable(t, dev), deployedOf(t.database, t.name))).toEqual({ table: `${t.database}.${t.name}`, missing: false, problems: [] });
});

test('each kind of drift is reported in plain words', () => {
  const t = tables.find((x) => x.layer === 'gold' && x.contract.name === 'account_balances')!;
  const expected = expectedGlueTable(t, dev);
  const drift = (change: (table: Table) => void) => {
    const table = deployedOf(t.database, t.name);
    change(table);
    return compareGlueTable(expected, table).problems;
  };
  const cols = (table: Table) => table.StorageDescriptor!.Columns!;
  expect(drift((x) => (cols(x)[2]!.Type = 'double'))).toEqual(['column balance is double, the contract says decimal(38,2)']);
  expect(drift((x) => cols(x).splice(3, 1))).toEqual(['column transactions bigint is missing']);
  expect(drift((x) => cols(x).push({ Name: 'extra', Type: 'string' }))).toEqual(['column extra string is not in the contract']);
  expect(drift((x) => cols(x).reverse())).toEqual([
    'columns are in another order: _published_at, _run_id, net_flow, transactions, balance, currency, account_id; the contract has account_id, currency, balance, transactions, net_flow, _run_id, _published_at',
  ]);
  expect(drift((x) => (x.PartitionKeys = x.PartitionKeys!.slice(1)))).toEqual(['partition key run_id string is missing']);
  expect(drift((x) => (x.StorageDescriptor!.Location = 's3://elsewhere/gold/'))).toEqual(['location is "s3://elsewhere/gold/", the contract says "s3://acme-lake-dev-gold/gold/finance/account_balances/schema_v=v1/"']);
  expect(drift((x) => (x.Parameters!['projection.as_of_month.range'] = '2020-01,NOW'))).toEqual(['parameter projection.as_of_month.range is "2020-01,NOW", the contract says "2000-01,NOW"']);
  expect(drift((x) => delete x.Parameters!['projection.enabled'])).toEqual(['parameter projection.enabled is not set, the contract says "true"']);
  expect(drift((x) => (x.Parameters!['projection.day.type'] = 'integer'))).toEqual(['parameter projection.day.type = "integer" is not in the contract']);
  expect(drift((x) => (x.StorageDescriptor!.SerdeInfo!.SerializationLibrary = 'org.openx.data.jsonserde.JsonSerDe'))).toEqual([
    'SerDe is "org.openx.data.jsonserde.JsonSerDe", the contract says "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"',
  ]);
  // Comments, owner tags and statistics Glue keeps are not drift.
  expect(drift((x) => ((cols(x)[0]!.Comment = 'changed by hand'), (x.Parameters!.numRows = '12'), (x.Parameters!['lakec.classification'] = 'public')))).toEqual([]);
});

test('GetTable by database, name and account; a table that is not there is reported missing', async () => {
  const glue = mockClient(GlueClient);
  try {
    const t = tables[0]!;
    glue.on(GetTableCommand, { DatabaseName: t.database, Name: t.name }).resolves({ Table: deployedOf(t.database, t.name) });
    glue.on(GetTableCommand, { DatabaseName: 'silver_mortgages' }).rejects(new EntityNotFoundException({ message: 'Table transactions_v1_all_runs not found.', $metadata: {} }));
    const client = new GlueClient({ region: 'eu-west-1' });
    expect((await glueTableDrift(client, expectedGlueTable(t, dev), dev.account)).problems).toEqual([]);
    const silver = tables.find((x) => x.layer === 'silver')!;
    expect(await glueTableDrift(client, expectedGlueTable(silver, dev), dev.account)).toEqual({
      table: 'silver_mortgages.transactions_v1_all_runs',
      missing: true,
      problems: ['silver_mortgages.transactions_v1_all_runs does not exist in the Glue catalog (deploy the stack: Terraform owns the tables)'],
    });
    expect(glue.commandCalls(GetTableCommand).map((c) => c.args[0].input)).toEqual([
      { DatabaseName: t.database, Name: t.name, CatalogId: '111111111111' },
      { DatabaseName: 'silver_mortgages', Name: 'transactions_v1_all_runs', CatalogId: '111111111111' },
    ]);
    // Any other error is not drift: it propagates (access denied, throttling after the SDK's retries).
    glue.on(GetTableCommand).rejects(Object.assign(new Error('User is not authorized to perform: glue:GetTable'), { name: 'AccessDeniedException' }));
    await expect(glueTableDrift(client, expectedGlueTable(t, dev))).rejects.toThrow(/not authorized/);
  } finally {
    glue.restore();
  }
});
