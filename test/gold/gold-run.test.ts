import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { goldJob } from '../../cli/gold-job';
import { goldsOf } from '../../generators/contract/lake-model';
import { goldTableOf } from '../../generators/sql/gold-query';
import type { GoldJob } from '../../runtime/gold/gold-job';
import type { GoldRunManifest } from '../../runtime/gold/gold-manifest';
import { runGold } from '../../runtime/gold/gold-run';
import { LocalStorage } from '../../runtime/storage/local-storage';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { deliver, HEADER, lakec, lakecJson, query, readJson, SMOKE_DELIVERY, tempDir } from './support/lake-cli';

/**
 * `lakec gold` on a local lake, from the command line: what a run writes, what readers see, publish,
 * rollback, restatements and the failures that stop a publish.
 */
const t = tempDir();
afterAll(() => t.cleanup());
const specs = EXAMPLE_SPECS;
const model = loadModel(specs);
const gold = (name: string) => goldsOf(model).find((g) => g.id.name === name)!;
const PREFIX = 'gold/finance/account_balances/schema_v=v1/';

let lakeNo = 0;
async function freshLake(): Promise<string> {
  const lake = `${t.dir}/lake${++lakeNo}`;
  await deliver(t.dir, lake, specs, `d${lakeNo}.csv`, SMOKE_DELIVERY);
  return lake;
}

const balances = (lake: string) => query(lake, specs, "select account_id, currency, balance, transactions, as_of_month, _run_id from gold_finance.account_balances_v1 order by account_id, currency, as_of_month");

describe('a Gold run', () => {
  let lake: string;
  let summary: Record<string, unknown>;
  beforeAll(async () => {
    lake = await freshLake();
    const r = await lakecJson('gold', 'finance.account_balances', '--lake', lake, '--specs', specs);
    expect([r.code, r.err]).toEqual([0, '']);
    summary = r.json;
  });

  test('--json prints one object: the run, its months, the reconciliation and what it replaced', () => {
    expect(summary).toEqual({
      run_id: expect.stringMatching(/^[0-9]{8}T[0-9]{6}Z$/),
      dataset: 'finance.account_balances',
      schema_v: 'v1',
      status: 'published',
      rows: 5,
      months: ['2024-01', '2024-02', '2024-03'],
      source: { dataset: 'mortgages.transactions@v1', runs: 1, rows: 4 },
      reconciliation: { ok: true, disagreements: [] },
      previous_run_id: null,
      restated_months: [],
      closed_months_restated: [],
      open_months: 2,
      allow_restatement: false,
      published_at: expect.stringMatching(/^[0-9-]{10}T[0-9:]{8}Z$/),
      files_written: 3,
      seconds: expect.any(Number),
      lake,
      views: { skipped: 'a local lake: lakec query reads _LATEST.json itself' },
    });
  });

  test('month-end balances carried forward, as finance reads them (the acceptance figures)', async () => {
    expect(await balances(lake)).toEqual([
      { account_id: 'ACC000001', currency: 'EUR', balance: '59.50', transactions: 2, as_of_month: '2024-01', _run_id: summary.run_id },
      { account_id: 'ACC000001', currency: 'EUR', balance: '59.50', transactions: 0, as_of_month: '2024-02', _run_id: summary.run_id },
      { account_id: 'ACC000001', currency: 'EUR', balance: '64.75', transactions: 1, as_of_month: '2024-03', _run_id: summary.run_id },
      { account_id: 'ACC000002', currency: 'USD', balance: '10.00', transactions: 1, as_of_month: '2024-02', _run_id: summary.run_id },
      { account_id: 'ACC000002', currency: 'USD', balance: '10.00', transactions: 0, as_of_month: '2024-03', _run_id: summary.run_id },
    ]);
  });

  test('data, then manifest.json, then _SUCCESS, then _LATEST.json naming the run, its files and the switch', async () => {
    const run = String(summary.run_id);
    const storage = new LocalStorage(lake);
    const keys = await storage.list(PREFIX);
    const files = ['2024-01', '2024-02', '2024-03'].map((m) => `${PREFIX}run_id=${run}/as_of_month=${m}/part-00000.parquet`);
    expect(keys).toEqual([`${PREFIX}_LATEST.json`, ...[`_claim.json`, '_SUCCESS', 'manifest.json'].map((n) => `${PREFIX}_runs/${run}/${n}`), ...files].sort());
    const manifest = readJson(lake, `${PREFIX}_runs/${run}/manifest.json`) as unknown as GoldRunManifest;
    expect(manifest).toMatchObject({ format: 'lakec.gold-run-manifest/1', run_id: run, dataset: 'finance.account_balances@v1', outcome: 'complete', rows: 5, reconciliation: { ok: true } });
    expect(manifest.months).toEqual([{ month: '2024-01', rows: 1 }, { month: '2024-02', rows: 2 }, { month: '2024-03', rows: 2 }]);
    for (const f of manifest.files) expect(createHash('sha256').update(readFileSync(storage.localPath(f.key))).digest('hex')).toBe(f.sha256);
    expect(manifest.source.published_runs).toHaveLength(1);
    expect(readJson(lake, `${PREFIX}_LATEST.json`)).toEqual({
      format: 'lakec.gold.latest/1',
      dataset: 'finance.account_balances@v1',
      run_id: run,
      schema_version: 'v1',
      published_at: summary.published_at,
      partition_path: `${PREFIX}run_id=${run}`,
      previous_run_id: null,
      files,
      history: [{ action: 'publish', run_id: run, previous_run_id: null, at: summary.published_at }],
    });
    // The rows carry the run and the publish time that _LATEST.json records.
    const rows = await query(lake, specs, 'select distinct _run_id, _published_at from gold_finance.account_balances_v1');
    expect(rows).toEqual([{ _run_id: run, _published_at: String(summary.published_at).replace('T', ' ').replace('Z', '') }]);
  });

  test("files hold the Glue table's columns with its types (partition columns only in paths), Snappy", async () => {
    for (const g of goldsOf(model)) {
      const r = await lakecJson('gold', `finance.${g.id.name}`, '--lake', lake, '--specs', specs);
      expect(r.json.status).toBe('published');
      const latest = readJson(lake, `${goldTableOf(g).prefix}_LATEST.json`);
      const file = new LocalStorage(lake).localPath((latest.files as string[])[0]!);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const schema = (await c.runAndReadAll(`SELECT name, type, logical_type, converted_type, precision, scale FROM parquet_schema($f) WHERE name <> 'duckdb_schema'`, { f: file })).getRowObjectsJson();
      const codecs = (await c.runAndReadAll('SELECT DISTINCT compression FROM parquet_metadata($f)', { f: file })).getRowObjectsJson();
      c.closeSync();
      expect(codecs).toEqual([{ compression: 'SNAPPY' }]);
      const table = goldTableOf(g);
      expect(schema.map((s) => s.name)).toEqual(table.columns.map((col) => col.name));
      table.columns.forEach((col, i) => {
        const s = schema[i]!;
        switch (col.type.kind) {
          case 'string':
            expect([s.type, s.converted_type]).toEqual(['BYTE_ARRAY', 'UTF8']);
            break;
          case 'bigint':
            expect([s.type, s.converted_type]).toEqual(['INT64', 'INT_64']);
            break;
          case 'decimal':
            expect([s.converted_type, s.precision, s.scale]).toEqual(['DECIMAL', String(col.type.precision), String(col.type.scale)]);
            break;
          case 'timestamp':
            expect([s.type, s.converted_type]).toEqual(['INT64', 'TIMESTAMP_MICROS']);
            break;
          default:
            throw new Error(`the example's Gold tables have no ${col.type.kind} column; extend this test`);
        }
      });
    }
  });
});

describe('publish and rollback', () => {
  test('a second run replaces the first; rollback switches back; every run stays on disk and readable by id', async () => {
    const lake = await freshLake();
    const common = ['--lake', lake, '--specs', specs];
    const first = String((await lakecJson('gold', 'finance.account_balances', ...common)).json.run_id);
    await deliver(t.dir, lake, specs, 'april.csv', `${HEADER}\nA1,ACC000001,1.00,EUR,FEE,2024-04-02T10:00:00Z\n`);
    const second = await lakecJson('gold', 'finance.account_balances', ...common);
    expect(second.json).toMatchObject({ status: 'published', previous_run_id: first, restated_months: [], months: ['2024-01', '2024-02', '2024-03', '2024-04'] });
    const run2 = String(second.json.run_id);
    expect(new Set((await balances(lake)).map((r) => r._run_id))).toEqual(new Set([run2]));

    const back = await lakecJson('rollback', 'finance.account_balances', ...common);
    expect([back.code, back.json]).toEqual([0, expect.objectContaining({ status: 'rolled_back', run_id: first, previous_run_id: run2 })]);
    expect((await balances(lake)).map((r) => [r._run_id, r.as_of_month])).toEqual([
      [first, '2024-01'],
      [first, '2024-02'],
      [first, '2024-03'],
      [first, '2024-02'],
      [first, '2024-03'],
    ]);
    // The first run replaced nothing: a further rollback needs --to.
    const none = await lakec('rollback', 'finance.account_balances', ...common);
    expect([none.code, none.err]).toEqual([1, expect.stringMatching(/replaced no earlier run; name the run to switch to with --to RUN_ID/)]);
    const forward = await lakecJson('rollback', 'finance.account_balances', ...common, '--to', run2);
    expect(forward.json).toMatchObject({ run_id: run2, previous_run_id: first });
    const latest = readJson(lake, `${PREFIX}_LATEST.json`);
    expect((latest.history as { action: string; run_id: string }[]).map((h) => [h.action, h.run_id])).toEqual([
      ['publish', first],
      ['publish', run2],
      ['rollback', first],
      ['rollback', run2],
    ]);
    // Both runs are still in the lake, each complete.
    for (const run of [first, run2]) expect(existsSync(new LocalStorage(lake).localPath(`${PREFIX}_runs/${run}/_SUCCESS`))).toBe(true);
    const unknown = await lakec('rollback', 'finance.account_balances', ...common, '--to', '20990101T000000Z');
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringMatching(/there is no Gold run 20990101T000000Z of finance\.account_balances@v1/)]);
  });

  test('--no-publish stages a run; lakec publish publishes it (once)', async () => {
    const lake = await freshLake();
    const common = ['--lake', lake, '--specs', specs];
    const staged = await lakecJson('gold', 'finance.monthly_reports', ...common, '--no-publish');
    expect([staged.code, staged.json.status]).toEqual([0, 'staged']);
    expect(await query(lake, specs, 'select count(*) as n from gold_finance.monthly_reports_v1')).toEqual([{ n: 0 }]);
    const run = String(staged.json.run_id);
    const p = await lakecJson('publish', 'finance.monthly_reports', '--run-id', run, ...common);
    expect([p.code, p.json]).toEqual([0, expect.objectContaining({ status: 'published', run_id: run, already_published: false, previous_run_id: null })]);
    expect(await query(lake, specs, 'select as_of_month, currency, inflow, outflow, net, transactions, active_accounts from gold_finance.monthly_reports_v1 order by all')).toEqual([
      { as_of_month: '2024-01', currency: 'EUR', inflow: '100.00', outflow: '40.50', net: '59.50', transactions: 2, active_accounts: 1 },
      { as_of_month: '2024-02', currency: 'USD', inflow: '10.00', outflow: '0.00', net: '10.00', transactions: 1, active_accounts: 1 },
      { as_of_month: '2024-03', currency: 'EUR', inflow: '5.25', outflow: '0.00', net: '5.25', transactions: 1, active_accounts: 1 },
    ]);
    const again = await lakecJson('publish', 'finance.monthly_reports', '--run-id', run, ...common);
    expect(again.json.already_published).toBe(true);
    const missing = await lakec('publish', 'finance.monthly_reports', '--run-id', '20990101T000000Z', ...common);
    expect([missing.code, missing.err]).toEqual([1, expect.stringMatching(/no complete Gold run 20990101T000000Z/)]);
  });
});

describe('restatements', () => {
  test('a late row in an open month is published and reported; one in a closed month needs --allow-restatement and is recorded', async () => {
    const lake = await freshLake();
    const common = ['--lake', lake, '--specs', specs];
    const first = String((await lakecJson('gold', 'finance.account_balances', ...common)).json.run_id);

    // 2024-03 is open (the window is the last 2 months: 2024-02 and 2024-03).
    await deliver(t.dir, lake, specs, 'late-march.csv', `${HEADER}\nL1,ACC000002,2.00,USD,FEE,2024-03-15T10:00:00Z\n`);
    const open = await lakecJson('gold', 'finance.account_balances', ...common);
    expect(open.json).toMatchObject({ status: 'published', previous_run_id: first, restated_months: ['2024-03'], closed_months_restated: [] });
    const second = String(open.json.run_id);

    // 2024-01 is closed: its balance, and the ones carried from it, change.
    await deliver(t.dir, lake, specs, 'late-january.csv', `${HEADER}\nL2,ACC000001,-9.50,EUR,FEE,2024-01-31T23:00:00Z\n`);
    const refused = await lakecJson('gold', 'finance.account_balances', ...common);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ status: 'refused', previous_run_id: second, restated_months: ['2024-01', '2024-02', '2024-03'], closed_months_restated: ['2024-01'] });
    expect(refused.json.message).toMatch(/changes closed month 2024-01 of the published run .*--allow-restatement/);
    expect(refused.err).toMatch(/^lakec gold: refused: /);
    expect(new Set((await balances(lake)).map((r) => r._run_id))).toEqual(new Set([second]));

    const run = String(refused.json.run_id);
    const plain = await lakec('publish', 'finance.account_balances', '--run-id', run, ...common);
    expect([plain.code, plain.err]).toEqual([1, expect.stringMatching(/closed month 2024-01 .*add --allow-restatement/)]);
    const allowed = await lakecJson('publish', 'finance.account_balances', '--run-id', run, '--allow-restatement', ...common);
    expect(allowed.json).toMatchObject({ status: 'published', previous_run_id: second, closed_months_restated: ['2024-01'], audit: expect.stringMatching(/^gold\/finance\/account_balances\/schema_v=v1\/_audit\/.*\.json$/) });
    expect((await balances(lake)).filter((r) => r.account_id === 'ACC000001').map((r) => r.balance)).toEqual(['50.00', '50.00', '55.25']);

    const latest = readJson(lake, `${PREFIX}_LATEST.json`);
    expect(latest).toMatchObject({ run_id: run, restated_months: ['2024-01'] });
    expect((latest.history as Record<string, unknown>[]).at(-1)).toMatchObject({ action: 'publish', run_id: run, previous_run_id: second, restated_months: ['2024-01'] });
    expect(readJson(lake, String(allowed.json.audit))).toMatchObject({
      format: 'lakec.gold.restatement/1',
      dataset: 'finance.account_balances@v1',
      run_id: run,
      replaced_run_id: second,
      closed_months: ['2024-01'],
      restated_months: ['2024-01', '2024-02', '2024-03'],
      changed_rows: { '2024-01': 2, '2024-02': 2, '2024-03': 2 },
      open_from: '2024-02',
      published_by: expect.any(String),
    });

    // With the flag from the start, the same kind of change publishes at once.
    await deliver(t.dir, lake, specs, 'later-january.csv', `${HEADER}\nL3,ACC000001,1.00,EUR,FEE,2024-01-05T23:00:00Z\n`);
    const direct = await lakecJson('gold', 'finance.account_balances', ...common, '--allow-restatement');
    expect(direct.json).toMatchObject({ status: 'published', closed_months_restated: ['2024-01'], allow_restatement: true, audit: expect.any(String) });
  });

  test('a run equal to the published one restates nothing; a new month is no restatement', async () => {
    const lake = await freshLake();
    const common = ['--lake', lake, '--specs', specs];
    await lakecJson('gold', 'finance.transaction_summaries', ...common);
    const same = await lakecJson('gold', 'finance.transaction_summaries', ...common);
    expect(same.json).toMatchObject({ status: 'published', restated_months: [] });
    await deliver(t.dir, lake, specs, 'may.csv', `${HEADER}\nM1,ACC000009,3.00,GBP,DEPOSIT,2024-05-02T10:00:00Z\n`);
    const later = await lakecJson('gold', 'finance.transaction_summaries', ...common);
    expect(later.json).toMatchObject({ status: 'published', restated_months: [], months: ['2024-01', '2024-02', '2024-03', '2024-05'] });
  });
});

describe('what stops a publish', () => {
  test('a reconciliation disagreement: status failed, exit 1, manifest failed, no _SUCCESS, never publishable', async () => {
    const lake = await freshLake();
    const job = goldJob(model, gold('account_balances'));
    // A wrong Gold query: every balance a cent off. The reconciliation recomputes from silver and disagrees.
    const wrong: GoldJob = {
      ...job,
      sql: { ...job.sql, materialize: { ...job.sql.materialize, text: job.sql.materialize.text.replace(/ AS WITH\n/, ' AS SELECT * REPLACE ("balance" + 0.01 AS "balance") FROM (WITH\n').concat(')') } },
    };
    expect(wrong.sql.materialize.text).toMatch(/ AS SELECT \* REPLACE/);
    const storage = new LocalStorage(lake);
    const s = await runGold({ job: wrong, storage, clock: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
    expect(s).toMatchObject({ status: 'failed', run_id: '20260102T030405Z', reconciliation: { ok: false } });
    expect(s.reconciliation.disagreements.map((d) => d.check_name)).toContain('running:balance');
    expect(s.message).toMatch(/^reconciliation with silver found [0-9]+ disagreements? \(first: .*\); the run is not published$/);
    expect(readJson(lake, `${PREFIX}_runs/${s.run_id}/manifest.json`)).toMatchObject({ outcome: 'failed', reconciliation: { ok: false } });
    expect(await storage.read(`${PREFIX}_runs/${s.run_id}/_SUCCESS`)).toBeUndefined();
    expect(await storage.read(`${PREFIX}_LATEST.json`)).toBeUndefined();
    // Its files stay (readable by run id through the all-runs table), but it can never be published.
    expect((await storage.list(`${PREFIX}run_id=${s.run_id}/`)).length).toBe(3);
    const p = await lakec('publish', 'finance.account_balances', '--run-id', s.run_id, '--lake', lake, '--specs', specs);
    expect([p.code, p.err]).toEqual([1, expect.stringMatching(/Gold run 20260102T030405Z failed \(reconciliation with silver found/)]);
    const r = await lakec('rollback', 'finance.account_balances', '--to', s.run_id, '--lake', lake, '--specs', specs);
    expect(r.code).toBe(1);
  });

  test('a Gold query that fails (a division by zero in the data) fails the run with DuckDB\'s message', async () => {
    const dir = `${t.dir}/div-specs`;
    mkdirSync(`${dir}/mortgages`, { recursive: true });
    mkdirSync(`${dir}/finance`, { recursive: true });
    copyFileSync(`${specs}/mortgages/transactions.yaml`, `${dir}/mortgages/transactions.yaml`);
    writeFileSync(
      `${dir}/finance/ratios.yaml`,
      [
        'kind: gold',
        'domain: finance',
        'name: ratios',
        'schema_v: v1',
        'description: A ratio that divides by a sum that can be zero.',
        'owners: { owner: finance, steward: finance-controller, reviewers: ["@acme/finance-controllers"] }',
        'classification: internal',
        'from: mortgages.transactions@v1',
        'time: { column: transaction_timestamp }',
        'dimensions: [currency]',
        'measures:',
        '  - { name: ratio, expr: "sum(amount) / sum(amount - amount)" }',
        '',
      ].join('\n'),
    );
    const lake = `${t.dir}/div-lake`;
    await deliver(t.dir, lake, dir, 'div.csv', SMOKE_DELIVERY);
    const r = await lakecJson('gold', 'finance.ratios', '--lake', lake, '--specs', dir);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ status: 'failed', rows: 0, reconciliation: { ok: false } });
    expect(r.json.message).toMatch(/^the Gold query failed: .*[Dd]ivision by zero/);
    expect(r.err).toMatch(/^lakec gold: failed: the Gold query failed/);
  });

  test('usage and input errors: plain words, no stack trace', async () => {
    const empty = `${t.dir}/empty-lake`;
    const cases: [string[], number, RegExp][] = [
      [['gold', 'finance.account_balances', '--lake', empty], 1, /nothing of mortgages\.transactions@v1 is published in .*: run `lakec run` on a delivery first/],
      [['gold', 'mortgages.transactions', '--lake', empty], 1, /is a dataset contract, not a gold contract/],
      [['gold', 'finance.account_balance', '--lake', empty], 1, /no gold contract finance\.account_balance \(did you mean finance\.account_balances\?\)/],
      [['gold', 'finance.account_balances', '--run-id', 'today', '--lake', empty], 2, /is not a run id/],
      [['gold', '--lake', empty], 2, /expected GOLD_DATASET/],
      [['rollback', 'finance.account_balances', '--lake', empty], 1, /nothing of finance\.account_balances@v1 is published .*nothing to roll back/],
      [['rollback', 'mortgages.transactions', '--lake', empty], 1, /silver is cumulative and has no rollback/],
      [['publish', 'mortgages.transactions', '--run-id', '20240101T000000Z', '--allow-restatement', '--lake', empty], 2, /--allow-restatement applies to Gold datasets/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await lakec(...argv, '--specs', specs);
      expect([argv.join(' '), r.code, r.err]).toEqual([argv.join(' '), code, expect.stringMatching(message)]);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const lake = await freshLake();
    const taken = String((await lakecJson('gold', 'finance.account_balances', '--lake', lake, '--specs', specs, '--run-id', '20240101T000000Z_MANUAL')).json.run_id);
    expect(taken).toBe('20240101T000000Z_MANUAL');
    const again = await lakec('gold', 'finance.account_balances', '--lake', lake, '--specs', specs, '--run-id', taken);
    expect([again.code, again.err]).toEqual([1, expect.stringMatching(/run id 20240101T000000Z_MANUAL is already taken/)]);
  });
});
