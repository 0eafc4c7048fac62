import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaQueryError, AthenaRunner } from '../../runtime/aws/athena-runner';

/** The Athena adapter against recorded request shapes (Athena has no local server). */
const athena = mockClient(AthenaClient);
afterEach(() => athena.reset());
afterAll(() => athena.restore());

const state = (State: string, extra: Record<string, unknown> = {}): Partial<GetQueryExecutionCommandOutput> => ({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: State as never, ...extra }, StatementType: 'DML' } });

function runner(options: Partial<ConstructorParameters<typeof AthenaRunner>[0]> = {}) {
  const sleeps: number[] = [];
  let clock = 0;
  const r = new AthenaRunner({
    client: new AthenaClient({ region: 'eu-west-1' }),
    workGroup: 'acme-lake-dev-platform',
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    ...options,
  });
  return { r, sleeps };
}

test('StartQueryExecution: the statement, the workgroup, the database context; no result location for an enforced workgroup', async () => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  const { r } = runner();
  expect(await r.start('SELECT 1', { database: 'gold_finance' })).toBe('q-1');
  expect(await r.start('SELECT 2')).toBe('q-1');
  expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
    { QueryString: 'SELECT 1', WorkGroup: 'acme-lake-dev-platform', QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'gold_finance' } },
    { QueryString: 'SELECT 2', WorkGroup: 'acme-lake-dev-platform' },
  ]);
});

test('a result location and an idempotency token, when given, go into ResultConfiguration and ClientRequestToken', async () => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  const { r } = runner({ outputLocation: 's3://results/x/', catalog: 'other' });
  await r.start('SELECT 1', { database: 'db', clientRequestToken: 'token-0123456789012345678901234567' });
  expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({
    QueryString: 'SELECT 1',
    WorkGroup: 'acme-lake-dev-platform',
    QueryExecutionContext: { Catalog: 'other', Database: 'db' },
    ResultConfiguration: { OutputLocation: 's3://results/x/' },
    ClientRequestToken: 'token-0123456789012345678901234567',
  });
});

test('polls GetQueryExecution with a doubling wait, at most 5 s, until the query succeeds', async () => {
  const states = ['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'];
  athena.on(GetQueryExecutionCommand).callsFake(() => state(states.shift()!));
  const { r, sleeps } = runner();
  const execution = await r.wait('q-1');
  expect(execution.Status?.State).toBe('SUCCEEDED');
  expect(sleeps).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  expect(athena.commandCalls(GetQueryExecutionCommand).map((c) => c.args[0].input)).toEqual(Array(9).fill({ QueryExecutionId: 'q-1' }));
});

test("a failed query throws with Athena's own message, state change reason and error type", async () => {
  athena.on(GetQueryExecutionCommand).resolves(
    state('FAILED', {
      StateChangeReason: "line 1:8: Column 'nope' cannot be resolved",
      AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" },
    }),
  );
  const { r } = runner();
  const err = (await r.wait('q-1').catch((e: unknown) => e)) as AthenaQueryError;
  expect(err).toBeInstanceOf(AthenaQueryError);
  expect(err.message).toBe("Athena query q-1 FAILED: line 1:8: Column 'nope' cannot be resolved — COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved");
  expect([err.queryExecutionId, err.state, err.errorType, err.errorCategory]).toEqual(['q-1', 'FAILED', 1006, 2]);
});

test('a cancelled query throws too; one that outlives the timeout is stopped', async () => {
  athena.on(GetQueryExecutionCommand).resolves(state('CANCELLED', { StateChangeReason: 'Query cancelled by user' }));
  await expect(runner().r.wait('q-1')).rejects.toThrow('Athena query q-1 CANCELLED: Query cancelled by user');
  athena.reset();
  athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
  athena.on(StopQueryExecutionCommand).resolves({});
  const { r } = runner({ timeoutMs: 20_000 });
  await expect(r.wait('q-1')).rejects.toMatchObject({ state: 'TIMED_OUT', message: 'Athena query q-1 was still RUNNING after 20 s; it was stopped' });
  expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{ QueryExecutionId: 'q-1' }]);
});

test('GetQueryResults page by page (1000 rows a page, NextToken), the header row of a SELECT left out, NULL as null', async () => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'SUCCEEDED' }, StatementType: 'DML', Statistics: { DataScannedInBytes: 4096 } } });
  const columns = { ColumnInfo: [{ Name: 'account_id', Type: 'varchar' }, { Name: 'balance', Type: 'decimal' }] };
  const row = (...v: (string | undefined)[]) => ({ Data: v.map((x) => (x === undefined ? {} : { VarCharValue: x })) });
  athena
    .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', MaxResults: 1000 })
    .resolves({ ResultSet: { ResultSetMetadata: columns, Rows: [row('account_id', 'balance'), row('ACC000001', '59.50')] }, NextToken: 'page-2' })
    .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-2' })
    .resolves({ ResultSet: { ResultSetMetadata: columns, Rows: [row('account_id', '1.00'), row('ACC000002', undefined)] } });
  const result = await runner().r.run('SELECT account_id, balance FROM gold_finance.account_balances_v1', { database: 'gold_finance' });
  expect(result).toEqual({
    queryExecutionId: 'q-1',
    columns: [{ name: 'account_id', type: 'varchar' }, { name: 'balance', type: 'decimal' }],
    // Only the first page's first row is the header; a later row that happens to look like one is data.
    rows: [['ACC000001', '59.50'], ['account_id', '1.00'], ['ACC000002', null]],
    dataScannedBytes: 4096,
  });
  expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
    { QueryExecutionId: 'q-1', MaxResults: 1000 },
    { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-2' },
  ]);
});

test('a DDL statement (a view) is started and awaited; its result has no header row to drop', async () => {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-9', Status: { State: 'SUCCEEDED' }, StatementType: 'DDL' } });
  expect(await runner().r.execute('CREATE OR REPLACE VIEW "a"."b" AS SELECT 1', { database: 'a' })).toBe('q-9');
  expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
});
