import fc from 'fast-check';
import { goldsOf } from '../../generators/contract/lake-model';
import { goldTableOf } from '../../generators/sql/gold-query';
import { restatementQuery } from '../../generators/sql/gold-restatement';
import { sqlQualified } from '../../generators/sql/quote';
import { closedMonths, laterMonth, monthAt, monthIndex } from '../../runtime/gold/open-window';
import { loadModel } from '../support/specs';
import { createLakeTables, duck, openLakeDb, type LakeDb } from './support/lake-db';

/**
 * The restatement query (generators/sql/gold-restatement.ts) — what `lakec gold` prints for DuckDB over two
 * runs and the Athena Gold refresh runs over the table of all runs — against an independent reading of
 * DESIGN.md: a published month is restated when its rows, as a multiset, differ in the new run; it is
 * closed when it is older than the open window ending with the latest month of either run.
 */
const model = loadModel();
const gold = goldsOf(model).find((g) => g.id.name === 'account_balances')!;
const table = goldTableOf(gold);
const PREVIOUS = '20240101T000000Z';
const NEXT = '20240201T000000Z';
let db: LakeDb;
beforeAll(async () => {
  db = await openLakeDb();
  await createLakeTables(db, model);
});
afterAll(() => db.close());

type Row = readonly [account: string, month: string, balance: number];

async function load(previous: readonly Row[], next: readonly Row[]): Promise<void> {
  await db.run(`DELETE FROM ${sqlQualified(table.database, table.name)}`);
  const values = [...previous.map((r) => [r, PREVIOUS] as const), ...next.map((r) => [r, NEXT] as const)].map(
    ([[account, month, balance], run]) => `('${account}', 'EUR', ${balance.toFixed(2)}, 1, 0.00, '${run}', TIMESTAMP '2024-01-01 00:00:00', '${run}', '${month}')`,
  );
  if (values.length) {
    await db.run(`INSERT INTO ${sqlQualified(table.database, table.name)} (account_id, currency, balance, transactions, net_flow, _run_id, _published_at, run_id, as_of_month) VALUES ${values.join(', ')}`);
  }
}

function expected(previous: readonly Row[], next: readonly Row[]): { month: string; changed_rows: number; closed: boolean }[] {
  const count = (rows: readonly Row[]) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(JSON.stringify([r[0], r[1], r[2].toFixed(2)]), (m.get(JSON.stringify([r[0], r[1], r[2].toFixed(2)])) ?? 0) + 1);
    return m;
  };
  const p = count(previous);
  const n = count(next);
  const changed = new Map<string, number>();
  for (const key of new Set([...p.keys(), ...n.keys()])) {
    const d = Math.abs((p.get(key) ?? 0) - (n.get(key) ?? 0));
    const month = JSON.parse(key)[1] as string;
    if (d && previous.some((r) => r[1] === month)) changed.set(month, (changed.get(month) ?? 0) + d);
  }
  const months = [...previous, ...next].map((r) => r[1]).sort();
  const latest = laterMonth(months[0], months[months.length - 1]);
  const closed = new Set(latest ? closedMonths([...changed.keys()], latest, gold.openMonths) : []);
  return [...changed].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, changed_rows]) => ({ month, changed_rows, closed: closed.has(month) }));
}

const row = fc.tuple(fc.constantFrom('ACC1', 'ACC2', 'ACC3'), fc.integer({ min: 0, max: 7 }).map((i) => monthAt(monthIndex('2023-09') + i)), fc.integer({ min: 0, max: 3 }).map((v) => v * 10.5));

test('restated months, changed rows and closed months equal an independent computation (random runs)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.array(row, { maxLength: 12 }), fc.boolean(), async (previous, extra, keepAll) => {
      // The next run: mostly the previous one again, with rows added and some dropped.
      const next = [...previous.filter((_, i) => keepAll || i % 3 !== 0), ...extra];
      await load(previous, next);
      const all = await db.runPrinted(duck.query(restatementQuery(gold)), { run_id: NEXT, previous_run_id: PREVIOUS });
      const got = all.map((r) => ({ month: String(r.month), changed_rows: Number(r.changed_rows), closed: r.closed === true }));
      expect(got).toEqual(expected(previous, next));
      const closedOnly = await db.runPrinted(duck.query(restatementQuery(gold, { closedOnly: true })), { run_id: NEXT, previous_run_id: PREVIOUS });
      expect(closedOnly.map((r) => String(r.month))).toEqual(got.filter((r) => r.closed).map((r) => r.month));
    }),
    { seed: 20261123, numRuns: 60 },
  );
});

test('a rebuilt run with the same rows restates nothing; a new month is no restatement; other runs are not read', async () => {
  const rows: Row[] = [['ACC1', '2023-10', 10], ['ACC1', '2023-11', 10], ['ACC2', '2023-11', 21]];
  await load(rows, [...rows].reverse());
  expect(await db.runPrinted(duck.query(restatementQuery(gold)), { run_id: NEXT, previous_run_id: PREVIOUS })).toEqual([]);
  await load(rows, [...rows, ['ACC1', '2023-12', 10]]);
  expect(await db.runPrinted(duck.query(restatementQuery(gold)), { run_id: NEXT, previous_run_id: PREVIOUS })).toEqual([]);
  // A third run's rows in the same table change nothing.
  await db.run(`INSERT INTO ${sqlQualified(table.database, table.name)} (account_id, currency, balance, transactions, net_flow, _run_id, _published_at, run_id, as_of_month) VALUES ('ACC9', 'EUR', 1.00, 1, 0.00, 'X', TIMESTAMP '2024-01-01 00:00:00', '20240301T000000Z', '2023-10')`);
  expect(await db.runPrinted(duck.query(restatementQuery(gold)), { run_id: NEXT, previous_run_id: PREVIOUS })).toEqual([]);
  // The open window (2 months, ending with the latest month of either run): 2023-10 is closed once 2023-12 exists.
  await load(rows, [['ACC1', '2023-10', 99], ['ACC1', '2023-11', 10], ['ACC2', '2023-11', 22], ['ACC1', '2023-12', 10]]);
  expect(await db.runPrinted(duck.query(restatementQuery(gold)), { run_id: NEXT, previous_run_id: PREVIOUS })).toEqual([
    { month: '2023-10', changed_rows: '2', closed: true },
    { month: '2023-11', changed_rows: '2', closed: false },
  ]);
});
