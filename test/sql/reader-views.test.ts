import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { goldTableOf } from '../../generators/sql/gold-query';
import { datasetViewStatements, goldViewStatement, NO_PUBLISHED_RUN, readerViewStatement, readerViewTemplate } from '../../generators/sql/reader-views';
import { sqlQualified } from '../../generators/sql/quote';
import { renderTemplate } from '../../generators/sql/sql-template';
import { datasetTables, lakeTables } from '../../generators/tables/lake-tables';
import { loadModel } from '../support/specs';
import { FEATURES_SPECS, goldPairs, HOSTILE_SPECS } from './support/gold-cases';
import { createLakeTables, duck, openLakeDb } from './support/lake-db';
import { expectTrino } from './support/trino-check';

const athena = new AthenaPrinter();
const model = loadModel();
const [{ gold, source }] = goldPairs(model);
const RUNS = ['20240101T000000Z', '20240102T000000Z', '20240103T000000Z'];

test('each view reads only the runs it names; replacing it is the switch readers see', async () => {
  const db = await openLakeDb();
  try {
    await createLakeTables(db, model);
    const tables = [...datasetTables(source!).filter((t) => t.layer !== 'bronze'), goldTableOf(gold!)];
    // One row per table and run, only the partition columns set.
    for (const t of tables) {
      for (const r of RUNS) await db.run(`INSERT INTO ${sqlQualified(t.database, t.name)} (run_id) VALUES ('${r}')`);
    }
    const runsIn = async (schema: string, name: string) => (await db.rows(`SELECT run_id FROM ${sqlQualified(schema, name)} ORDER BY run_id`)).map((r) => r.run_id);

    for (const s of datasetViewStatements(source!, { silver: [RUNS[2]!, RUNS[0]!], quarantine: [RUNS[1]!], condemned: [] })) await db.run(duck.statement(s).text);
    await db.run(duck.statement(goldViewStatement(gold!, RUNS[1])).text);
    expect(await runsIn('silver_mortgages', 'transactions_v1')).toEqual([RUNS[0], RUNS[2]]);
    expect(await runsIn('quarantine_mortgages', 'transactions_v1')).toEqual([RUNS[1]]);
    expect(await runsIn('quarantine_mortgages', 'transactions_v1_condemned')).toEqual([]);
    expect(await runsIn('gold_finance', 'account_balances_v1')).toEqual([RUNS[1]]);

    // Publish a newer Gold run, then roll back: one statement each.
    await db.run(duck.statement(goldViewStatement(gold!, RUNS[2])).text);
    expect(await runsIn('gold_finance', 'account_balances_v1')).toEqual([RUNS[2]]);
    await db.run(duck.statement(goldViewStatement(gold!, RUNS[1])).text);
    expect(await runsIn('gold_finance', 'account_balances_v1')).toEqual([RUNS[1]]);

    // Nothing published: an empty view with the table's columns.
    await db.run(duck.statement(goldViewStatement(gold!, undefined)).text);
    const columns = await db.rows(`DESCRIBE ${sqlQualified('gold_finance', 'account_balances_v1')}`);
    const t = goldTableOf(gold!);
    expect(columns.map((c) => c.column_name)).toEqual([...t.columns, ...t.partitionKeys].map((c) => c.name));
    expect(await runsIn('gold_finance', 'account_balances_v1')).toEqual([]);
  } finally {
    db.close();
  }
});

test('run ids are literals, sorted and checked; the empty list names no run', () => {
  const t = goldTableOf(gold!);
  expect(athena.print(readerViewStatement(t, [RUNS[1]!, RUNS[0]!, RUNS[1]!])).text).toMatch(/WHERE "run_id" IN \('20240101T000000Z', '20240102T000000Z'\)$/);
  expect(athena.print(readerViewStatement(t, [])).text).toMatch(new RegExp(`WHERE "run_id" IN \\('${NO_PUBLISHED_RUN}'\\)$`));
  expect(() => readerViewStatement(t, ["20240101T000000Z') OR (1=1"])).toThrow(/not a run id/);
  expect(() => readerViewStatement(datasetTables(source!).find((x) => x.layer === 'bronze')!, RUNS)).toThrow(/read directly/);
  expect(renderTemplate(athena.print(readerViewTemplate(t)), { run_id: RUNS[0]! })).toBe(athena.print(readerViewStatement(t, [RUNS[0]!])).text);
});

test.each([
  ['example', undefined],
  ['hostile', HOSTILE_SPECS],
  ['features', FEATURES_SPECS],
])('every reader view of the %s contracts is Trino', (_name, specs) => {
  for (const t of lakeTables(loadModel(specs)).filter((x) => x.layer !== 'bronze')) {
    expectTrino(athena.print(readerViewStatement(t, RUNS)).text);
    expectTrino(athena.print(readerViewStatement(t, [])).text);
  }
});
