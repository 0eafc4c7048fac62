import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lakec, SMOKE_DELIVERY } from '../support/cli';
import { lakeTables } from '../../generators/tables/lake-tables';
import { builderFor, RepeatBuilder, StringBuilder, type ColumnBuilder } from '../../runtime/parquet/column-builders';
import { encodeParquet } from '../../runtime/parquet/parquet-encoder';
import { publishGoldRun } from '../../runtime/publish/gold-latest';
import { LocalStorage } from '../../runtime/storage/local-storage';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { tempDir } from './support/lake';


const t = tempDir();
afterAll(() => t.cleanup());
const lake = join(t.dir, 'lake');
const file = join(t.dir, 'd.csv');
writeFileSync(file, SMOKE_DELIVERY);
const common = ['--lake', lake, '--specs', EXAMPLE_SPECS];

describe('lakec run', () => {
  test('--json prints one JSON object and nothing else on stdout; nothing on stderr off a terminal', async () => {
    const r = await lakec('run', 'mortgages.transactions', file, ...common, '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ dataset: 'mortgages.transactions', schema_v: 'v1', status: 'published', rows_in: 6, rows_silver: 4, rows_quarantined: 1, rows_condemned: 1, quarantine_rate_exceeded: true, errors: { 'type:amount': 1 } });
    expect(summary.run_id).toMatch(/^[0-9]{8}T[0-9]{6}Z$/);
  }, 60_000);

  test('without --json, a readable table', async () => {
    const r = await lakec('run', 'mortgages.transactions@v1', file, ...common);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^lakec run mortgages\.transactions@v1: PUBLISHED \(run [0-9T]+Z(_2)?\)\n/);
    expect(r.out).toMatch(/ {2}rows in +6\n {2}silver +4\n {2}quarantined +1 +\(rate 16\.7%; max_quarantine_rate 5\.0% — EXCEEDED, alarm raised\)\n {2}condemned +1 +\(1 duplicate, 0 at max_attempts\)\n {2}errors +type:amount 1\n/);
    expect(r.out).toMatch(/replaced +earlier run of this delivery: /);
  }, 60_000);

  test('a rejected file exits 1 with the reason; usage errors exit 2; the DuckDB engine runs the same delivery', async () => {
    const bad = join(t.dir, 'bad.csv');
    writeFileSync(bad, 'transaction_id,amount\nX,1\n');
    const rejected = await lakec('run', 'mortgages.transactions', bad, ...common);
    expect([rejected.code, rejected.err]).toEqual([1, expect.stringMatching(/rejected: the header lacks required columns `account_id`, `currency`, `transaction_timestamp`/)]);
    expect((await lakec('run', 'mortgages.transactions', ...common)).code).toBe(2);
    expect((await lakec('run', 'mortgages.transactions', file, ...common, '--run-id', 'yesterday')).code).toBe(2);
    expect((await lakec('run', 'mortgages.transactions', file, ...common, '--engine', 'spark')).code).toBe(2);
    const duck = await lakec('run', 'mortgages.transactions', file, ...common, '--engine', 'duckdb');
    expect([duck.code, duck.out]).toEqual([0, expect.stringMatching(/rows in +6\n {2}silver +4\n {2}quarantined +1 .*\n {2}condemned +1 /)]);
    const unknown = await lakec('run', 'mortgages.transaction', file, ...common);
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringMatching(/no dataset contract mortgages\.transaction \(did you mean mortgages\.transactions\?\)/)]);
    expect((await lakec('run', 'finance.account_balances', file, ...common)).err).toMatch(/is a gold contract/);
    expect((await lakec('run', 'mortgages.transactions', join(t.dir, 'missing.csv'), ...common)).err).toMatch(/does not exist/);
  }, 60_000);
});

describe('lakec query', () => {
  test('--format csv ends with the value; json and table too', async () => {
    const csv = await lakec('query', 'select count(*) as n from silver_mortgages.transactions_v1', ...common, '--format', 'csv');
    expect([csv.code, csv.out]).toEqual([0, 'n\n4\n']);
    const json = await lakec('query', 'select transaction_id, amount, year, month from silver_mortgages.transactions_v1 order by 1 limit 2', ...common, '--format', 'json');
    expect(JSON.parse(json.out)).toEqual([
      { transaction_id: 'S1', amount: '100.00', year: 2024, month: 1 },
      { transaction_id: 'S2', amount: '-40.50', year: 2024, month: 1 },
    ]);
    const table = await lakec('query', "select validation_error, _raw_record from quarantine_mortgages.transactions_v1", ...common);
    expect(table.out).toBe('validation_error | _raw_record\n-----------------+------------\ntype:amount      | NULL\n(1 row)\n');
    const condemned = await lakec('query', 'select condemned_reason from quarantine_mortgages.transactions_v1_condemned', ...common, '--format', 'csv');
    expect(condemned.out).toBe('condemned_reason\nduplicate\n');
    const bronze = await lakec('query', 'select transaction_id, amount from bronze_mortgages.transactions_v1 order by 1, 2', ...common, '--format', 'csv');
    expect(bronze.out).toBe('transaction_id,amount\nS1,100.00\nS2,-40.50\nS3,10.00\nS3,10.00\nS4,5.25\nS5,1.000\n');
  }, 60_000);

  test('a layer without data is an empty view with the right columns; errors are messages, not stack traces', async () => {
    const empty = join(t.dir, 'empty-lake');
    const r = await lakec('query', 'select * from gold_finance.account_balances_v1', '--lake', empty, '--specs', EXAMPLE_SPECS, '--format', 'csv');
    expect([r.code, r.out]).toEqual([0, 'account_id,currency,balance,transactions,net_flow,_run_id,_published_at,run_id,as_of_month\n']);
    const bad = await lakec('query', 'select nope from silver_mortgages.transactions_v1', ...common);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^lakec query: Binder Error: Referenced column "nope" not found/);
    expect(bad.err).not.toMatch(/\n\s+at /);
    expect((await lakec('query', 'select 1', '--lake', 's3://acme-lake-dev', '--specs', EXAMPLE_SPECS)).code).toBe(2);
    expect((await lakec('query', 'select 1', ...common, '--format', 'xml')).code).toBe(2);
  }, 60_000);

  test('gold views follow _LATEST.json: the published run only, and a rollback switches them back', async () => {
    const model = loadModel(EXAMPLE_SPECS);
    const table = lakeTables(model).find((x) => x.layer === 'gold' && x.contract.name === 'account_balances')!;
    const storage = new LocalStorage(lake);
    for (const [runId, balance] of [['20260101T000000Z', '1.00'], ['20260201T000000Z', '2.00']] as const) {
      const builders: ColumnBuilder[] = table.columns.map((c) => (c.name === '_run_id' ? new RepeatBuilder({ kind: 'utf8', text: runId }) : builderFor(c.type, 4)));
      table.columns.forEach((c, i) => {
        const b = builders[i]!;
        if (c.name === 'account_id') (b as StringBuilder).pushText('ACC000001');
        else if (c.name === 'currency') (b as StringBuilder).pushText('EUR');
        else if (c.name === '_run_id') (b as RepeatBuilder).push();
        else if (c.type.kind === 'decimal') (b as unknown as { push(v: number): void }).push(Number(balance.replace('.', '')) * 10 ** (c.type.scale - 2));
        else if (c.type.kind === 'timestamp') (b as unknown as { pushMillisAsMicros(v: number): void }).pushMillisAsMicros(Date.UTC(2026, 0, 1));
        else (b as unknown as { push(v: number): void }).push(1);
      });
      const key = `${table.prefix}run_id=${runId}/as_of_month=2024-01/part-00000.parquet`;
      mkdirSync(join(lake, table.prefix), { recursive: true });
      await storage.createNew(key, encodeParquet({ rows: 1, columns: table.columns.map((c) => ({ name: c.name, type: c.type, dictionary: false, statistics: true })), payload: builders.map((b) => b.payload()) }));
      await publishGoldRun(storage, table.prefix, { dataset: 'finance.account_balances@v1', schemaVersion: 'v1', runId });
    }
    const sql = 'select account_id, balance, _run_id, run_id, as_of_month from gold_finance.account_balances_v1';
    expect(JSON.parse((await lakec('query', sql, ...common, '--format', 'json')).out)).toEqual([{ account_id: 'ACC000001', balance: '2.00', _run_id: '20260201T000000Z', run_id: '20260201T000000Z', as_of_month: '2024-01' }]);
    await publishGoldRun(storage, table.prefix, { dataset: 'finance.account_balances@v1', schemaVersion: 'v1', runId: '20260101T000000Z' });
    expect(JSON.parse((await lakec('query', sql, ...common, '--format', 'json')).out)).toEqual([{ account_id: 'ACC000001', balance: '1.00', _run_id: '20260101T000000Z', run_id: '20260101T000000Z', as_of_month: '2024-01' }]);
  }, 60_000);
});

describe('lakec retry and lakec publish', () => {
  test('retry: both --approved-by and --reason, or neither; a JSON summary of the retry runs', async () => {
    expect((await lakec('retry', 'mortgages.transactions', ...common, '--approved-by', 'alice')).code).toBe(2);
    const r = await lakec('retry', 'mortgages.transactions', ...common, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ dataset: 'mortgages.transactions', status: 'published', rows_in: 1, rows_quarantined: 1, runs: [{ kind: 'retry', retry_of: [expect.any(String)] }] });
  }, 60_000);

  test('publish: a staged run becomes visible; --run-id is required', async () => {
    const other = join(t.dir, 'other.csv');
    writeFileSync(other, SMOKE_DELIVERY.replace(/S([1-5]),/g, 'Z$1,'));
    const staged = JSON.parse((await lakec('run', 'mortgages.transactions', other, ...common, '--no-publish', '--json')).out);
    expect(staged.status).toBe('staged');
    expect((await lakec('query', "select count(*) from silver_mortgages.transactions_v1 where transaction_id like 'Z%'", ...common, '--format', 'csv')).out).toMatch(/\n0\n$/);
    expect((await lakec('publish', 'mortgages.transactions', ...common)).code).toBe(2);
    const p = await lakec('publish', 'mortgages.transactions', '--run-id', staged.run_id, ...common);
    expect([p.code, p.out]).toEqual([0, expect.stringMatching(/^lakec publish mortgages\.transactions: PUBLISHED/)]);
    expect((await lakec('query', "select count(*) from silver_mortgages.transactions_v1 where transaction_id like 'Z%'", ...common, '--format', 'csv')).out).toMatch(/\n4\n$/);
    const missing = await lakec('publish', 'mortgages.transactions', '--run-id', '20000101T000000Z', ...common);
    expect([missing.code, missing.err]).toEqual([1, expect.stringMatching(/there is no run 20000101T000000Z/)]);
  }, 60_000);
});
