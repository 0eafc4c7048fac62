import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { duckdbType } from '../../generators/ddl/duckdb-ddl';
import { goldQuery } from '../../generators/sql/gold-query';
import { readerViewStatement } from '../../generators/sql/reader-views';
import { sqlIdentifier, sqlQualified, sqlString } from '../../generators/sql/quote';
import { duckdbValues } from '../../generators/sql/sql-template';
import { datasetTables } from '../../generators/tables/lake-tables';
import { loadModel } from '../support/specs';
import { goldPairs, PUBLISHED, RUN, sortRows } from './support/gold-cases';
import { createLakeTables, duck, insertSilverRows, openLakeDb, type LakeDb } from './support/lake-db';
import { referenceGold } from './support/reference-gold';
import { transactionsArb } from './support/random-data';

/**
 * Partition pruning on the lake layout: 60 months of silver Parquet files under
 * `silver/mortgages/transactions/year=YYYY/month=MM/schema_v=v1/run_id=…/`, read through the same kind of
 * views `lakec query` builds. DuckDB's plan says how many files each scan opens.
 */
const model = loadModel();
const pairs = goldPairs(model);
const source = pairs[0]!.source;
const silver = datasetTables(source).find((t) => t.layer === 'silver')!;
const MONTHS = Array.from({ length: 60 }, (_, i) => `${2019 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
const RUN_ID = '20240101T000000Z';

let db: LakeDb;
let dir: string;
let rows: Record<string, unknown>[];
const fileOf = (month: string) => join(dir, 'silver', 'mortgages', 'transactions', `year=${month.slice(0, 4)}`, `month=${month.slice(5)}`, 'schema_v=v1', `run_id=${RUN_ID}`, 'part-0.parquet');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakec-pruning-'));
  db = await openLakeDb();
  // 60 months of transactions (a few accounts, every month), staged in a table, then one Parquet file a month.
  const [sample] = fc.sample(transactionsArb(1500, 8, 1500), { seed: 60, numRuns: 1 });
  rows = sample!.map((r, i) => {
    const month = MONTHS[i % 60]!;
    return { ...r, transaction_timestamp: `${month}-1${i % 9} 10:00:00`, year: Number(month.slice(0, 4)), month: Number(month.slice(5)), run_id: RUN_ID, _run_id: RUN_ID };
  });
  await createLakeTables(db, { contracts: [source] });
  await insertSilverRows(db, source, rows as never);
  const names = silver.columns.map((c) => sqlIdentifier(c.name)).join(', ');
  for (const m of MONTHS) {
    mkdirSync(dirname(fileOf(m)), { recursive: true });
    await db.run(
      `COPY (SELECT ${names} FROM ${sqlQualified(silver.database, silver.name)} WHERE year = ${Number(m.slice(0, 4))} AND month = ${Number(m.slice(5))}) TO ${sqlString(fileOf(m))} (FORMAT parquet, COMPRESSION snappy)`,
    );
  }
  await db.run(`DROP TABLE ${sqlQualified(silver.database, silver.name)}`);
  // The all-runs relation over the files (partition values from the paths), then the published-runs reader view.
  const glob = join(dir, 'silver', 'mortgages', 'transactions', '*', '*', 'schema_v=v1', '*', '*.parquet');
  await db.run(
    `CREATE VIEW ${sqlQualified(silver.database, silver.name)} AS SELECT * EXCLUDE (schema_v) FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER, 'run_id': VARCHAR})`,
  );
  await db.run(duck.statement(readerViewStatement(silver, [RUN_ID])).text);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Files each Parquet scan of a Gold query's plan opens, `opened/all`, from DuckDB's JSON plan. */
async function scans(name: string, window: { month_from: string; month_to: string }): Promise<string[]> {
  const { gold } = pairs.find((p) => p.gold.id.name === name)!;
  const printed = duck.query(goldQuery(gold, source));
  const plan = await db.conn.runAndReadAll(`EXPLAIN (FORMAT JSON) ${printed.text}`, duckdbValues(printed, { ...window, run_id: RUN, published_at: PUBLISHED }));
  type Node = { name: string; children: Node[]; extra_info: Record<string, string> };
  const out: string[] = [];
  const walk = (n: Node) => {
    // DuckDB names the files it kept only when a filter removed some.
    if (n.name === 'READ_PARQUET') out.push(n.extra_info['Scanning Files'] ?? `${MONTHS.length}/${MONTHS.length}`);
    n.children.forEach(walk);
  };
  (JSON.parse(String(plan.getRows()[0]![1])) as Node[]).forEach(walk);
  return out;
}

test('a month-end report for one month opens one file of 60', async () => {
  expect(await scans('monthly_reports', { month_from: '2021-03', month_to: '2021-03' })).toEqual(['1/60']);
  expect(await scans('transaction_summaries', { month_from: '2023-12', month_to: '2023-12' })).toEqual(['1/60']);
  expect(await scans('monthly_reports', { month_from: '2021-01', month_to: '2021-12' })).toEqual(['12/60']);
  const bytes = (months: readonly string[]) => months.reduce((s, m) => s + statSync(fileOf(m)).size, 0);
  // Files are about the same size: one month is at least 95 % less than a full scan, in bytes too.
  expect(bytes(['2021-03'])).toBeLessThan(0.05 * bytes(MONTHS));
});

test('the same with views over an explicit list of published files, columns cast (as lakec query builds them)', async () => {
  const list = `[${MONTHS.map((m) => sqlString(fileOf(m))).join(', ')}]`;
  const cols = [...silver.columns, ...silver.partitionKeys].map((c) => `CAST(${sqlIdentifier(c.name)} AS ${duckdbType(c.type)}) AS ${sqlIdentifier(c.name)}`).join(', ');
  const hive = `{${silver.partitionKeys.map((k) => `${sqlString(k.name)}: ${duckdbType(k.type)}`).join(', ')}}`;
  await db.run(`CREATE OR REPLACE VIEW ${sqlQualified(silver.database, silver.readerName)} AS SELECT ${cols} FROM read_parquet(${list}, hive_partitioning = true, hive_types = ${hive}, union_by_name = true)`);
  try {
    expect(await scans('monthly_reports', { month_from: '2021-03', month_to: '2021-03' })).toEqual(['1/60']);
  } finally {
    await db.run(duck.statement(readerViewStatement(silver, [RUN_ID])).text);
  }
});

test('running balances read every month up to the window, and later months only to find the calendar end', async () => {
  expect(await scans('account_balances', { month_from: '2023-12', month_to: '2023-12' })).toEqual(['60/60', '0/60']);
  expect(await scans('account_balances', { month_from: '2021-06', month_to: '2021-06' })).toEqual(['30/60', '30/60']);
});

test('pruned reads give the same rows as the reference computation', async () => {
  for (const { gold } of pairs) {
    for (const window of [{ month_from: '2021-03', month_to: '2021-03' }, { month_from: '2020-11', month_to: '2021-02' }]) {
      const printed = duck.query(goldQuery(gold, source));
      const got = (await db.runPrinted(printed, { ...window, run_id: RUN, published_at: PUBLISHED })).map(({ _run_id: _r, _published_at: _p, ...rest }) => rest);
      expect(sortRows(got)).toEqual(sortRows(referenceGold(gold, source, rows, window)));
    }
  }
});
