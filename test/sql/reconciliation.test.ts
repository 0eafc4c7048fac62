import type { DatasetModel } from '../../generators/contract/dataset-model';
import type { GoldModel } from '../../generators/contract/gold-model';
import { goldTableOf } from '../../generators/sql/gold-query';
import { reconciliationQuery, RECONCILIATION_CHECKS } from '../../generators/sql/gold-reconciliation';
import { sqlQualified } from '../../generators/sql/quote';
import { ALL_MONTHS } from '../../generators/sql/sql-param';
import { loadModel } from '../support/specs';
import { fixtureRows } from './support/fixtures';
import { FEATURES_SPECS, goldPairs, HOSTILE_SPECS, loadSilver, PUBLISHED, RUN, writeGoldRun } from './support/gold-cases';
import { createLakeTables, duck, openLakeDb, type LakeDb } from './support/lake-db';

/**
 * The reconciliation query passes on a correct Gold run and names what is wrong when a run is tampered
 * with: each check is shown able to fail, one mistake at a time.
 */
const example = loadModel();
let db: LakeDb;
beforeAll(async () => {
  db = await openLakeDb();
  await createLakeTables(db, example);
  await loadSilver(db, goldPairs(example)[0]!.source, fixtureRows('example'));
});
afterAll(() => db.close());

const pair = (name: string) => goldPairs(example).find((p) => p.gold.id.name === name)!;
const tableOf = (g: GoldModel) => {
  const t = goldTableOf(g);
  return sqlQualified(t.database, t.name);
};

async function checksAfter(gold: GoldModel, source: DatasetModel, tamper: string): Promise<string[]> {
  await db.run(`DELETE FROM ${tableOf(gold)}`);
  await writeGoldRun(db, gold, source, RUN, ALL_MONTHS);
  // Another run's rows must not confuse the check of this one.
  await writeGoldRun(db, gold, source, '20240101T000000Z', { month_from: '2024-01', month_to: '2024-01' });
  if (tamper) await db.run(tamper.replace(/\$t/g, tableOf(gold)));
  const rows = await db.runPrinted(duck.query(reconciliationQuery(gold, source)), { run_id: RUN, published_at: PUBLISHED });
  return [...new Set(rows.map((r) => String(r.check_name)))].sort();
}

describe('account_balances (running balance)', () => {
  const { gold, source } = pair('account_balances');
  const run = `run_id = '${RUN}'`;

  test.each([
    ['a correct run', '', []],
    ['a carried-forward month missing', `DELETE FROM $t WHERE ${run} AND account_id = 'ACC000001' AND as_of_month = '2024-02'`, ['calendar']],
    ['a month with transactions missing', `DELETE FROM $t WHERE ${run} AND account_id = 'ACC000001' AND as_of_month = '2024-03'`, ['calendar', 'groups', 'running:balance', 'totals:net_flow', 'totals:transactions']],
    ['a month past the source', `INSERT INTO $t SELECT * REPLACE ('2024-04' AS as_of_month) FROM $t WHERE ${run} AND account_id = 'ACC000002' AND as_of_month = '2024-03'`, ['calendar']],
    ['a balance off by a cent', `UPDATE $t SET balance = balance + 0.01 WHERE ${run} AND account_id = 'ACC000002' AND as_of_month = '2024-03'`, ['running:balance']],
    ['a count off by one', `UPDATE $t SET transactions = transactions + 1 WHERE ${run} AND as_of_month = '2024-01'`, ['totals:transactions']],
    ['a net flow wrong', `UPDATE $t SET net_flow = 1 WHERE ${run} AND as_of_month = '2024-01'`, ['totals:net_flow']],
    ['a row twice', `INSERT INTO $t SELECT * FROM $t WHERE ${run} AND account_id = 'ACC000002' AND as_of_month = '2024-03'`, ['calendar', 'grain']],
    ['another run id in a row', `UPDATE $t SET _run_id = '20990101T000000Z' WHERE ${run} AND as_of_month = '2024-02'`, ['run_metadata']],
    ['another publish time', `UPDATE $t SET _published_at = TIMESTAMP '2020-01-01 00:00:00' WHERE ${run} AND as_of_month = '2024-02'`, ['run_metadata']],
    ['a bad month key', `UPDATE $t SET as_of_month = '2024-3' WHERE ${run} AND as_of_month = '2024-03' AND account_id = 'ACC000002'`, ['calendar', 'run_metadata']],
  ])('%s', async (_what, tamper, want) => {
    expect(await checksAfter(gold, source, tamper as string)).toEqual(want);
  });
});

describe('monthly_reports (no running measure)', () => {
  const { gold, source } = pair('monthly_reports');
  const run = `run_id = '${RUN}'`;
  test.each([
    ['a correct run', '', []],
    ['a group-month silver does not have', `INSERT INTO $t SELECT * REPLACE ('GBP' AS currency) FROM $t WHERE ${run} AND currency = 'USD'`, ['groups', 'totals:fees', 'totals:inflow', 'totals:net', 'totals:transactions']],
    ['a group-month missing', `DELETE FROM $t WHERE ${run} AND currency = 'USD'`, ['groups', 'totals:fees', 'totals:inflow', 'totals:net', 'totals:transactions']],
    ['outflow wrong', `UPDATE $t SET outflow = outflow + 1 WHERE ${run} AND currency = 'EUR' AND as_of_month = '2024-01'`, ['totals:outflow']],
  ])('%s', async (_what, tamper, want) => {
    expect(await checksAfter(gold, source, tamper as string)).toEqual(want);
  });
});

test('transaction_summaries: minima and maxima are totalled too', async () => {
  const { gold, source } = pair('transaction_summaries');
  expect(await checksAfter(gold, source, '')).toEqual([]);
  expect(await checksAfter(gold, source, `UPDATE $t SET min_amount = -1000 WHERE run_id = '${RUN}' AND as_of_month = '2024-02'`)).toEqual(['totals:min_amount']);
  expect(await checksAfter(gold, source, `UPDATE $t SET max_amount = 1000 WHERE run_id = '${RUN}' AND as_of_month = '2024-02'`)).toEqual(['totals:max_amount']);
});

test('the detail names the group, the month and both values', async () => {
  const { gold, source } = pair('account_balances');
  await checksAfter(gold, source, `UPDATE $t SET balance = balance + 0.01 WHERE run_id = '${RUN}' AND account_id = 'ACC000002' AND as_of_month = '2024-03'`);
  const rows = await db.runPrinted(duck.query(reconciliationQuery(gold, source)), { run_id: RUN, published_at: PUBLISHED });
  expect(rows).toEqual([{ check_name: 'running:balance', detail: 'account_id=ACC000002 currency=USD month 2024-03: balance changed by 0.01, silver flow 0.00' }]);
});

test.each([
  ['features', FEATURES_SPECS],
  ['hostile', HOSTILE_SPECS],
])('the %s contracts reconcile clean, and a changed running value is caught', async (name, specs) => {
  const model = loadModel(specs);
  const other = await openLakeDb();
  try {
    await createLakeTables(other, model);
    await loadSilver(other, goldPairs(model)[0]!.source, fixtureRows(name));
    for (const { gold, source } of goldPairs(model)) {
      const t = goldTableOf(gold);
      await writeGoldRun(other, gold, source, RUN, ALL_MONTHS);
      const check = () => other.runPrinted(duck.query(reconciliationQuery(gold, source)), { run_id: RUN, published_at: PUBLISHED });
      expect(await check()).toEqual([]);
      const runningMeasure = gold.measures.find((m) => m.running);
      if (runningMeasure) {
        await other.run(`UPDATE ${sqlQualified(t.database, t.name)} SET ${JSON.stringify(runningMeasure.name)} = ${JSON.stringify(runningMeasure.name)} + 1 WHERE ${JSON.stringify(gold.time.as)} = (SELECT max(${JSON.stringify(gold.time.as)}) FROM ${sqlQualified(t.database, t.name)})`);
        expect((await check()).map((r) => r.check_name)).toContain(`running:${runningMeasure.name}`);
      }
    }
  } finally {
    other.close();
  }
});

test('every check is described', () => {
  expect(Object.keys(RECONCILIATION_CHECKS).sort()).toEqual(['calendar', 'grain', 'groups', 'run_metadata', 'running', 'totals']);
});
