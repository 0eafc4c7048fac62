import { join } from 'node:path';
import { buildConfig } from '../../cli/build-config';
import { formatColumnType } from '../../generators/contract/column-type';
import { duckdbType } from '../../generators/ddl/duckdb-ddl';
import { athenaGoldRun, goldQueries } from '../../generators/sql/athena-gold-plan';
import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { generateSql } from '../../generators/sql/generate-sql';
import { goldQuery, goldTableOf } from '../../generators/sql/gold-query';
import { reconciliationQuery } from '../../generators/sql/gold-reconciliation';
import { monthWindowsQuery } from '../../generators/sql/month-windows';
import { readerViewStatement } from '../../generators/sql/reader-views';
import { ALL_MONTHS } from '../../generators/sql/sql-param';
import { datasetTables } from '../../generators/tables/lake-tables';
import { expectMatchesGoldenDir } from '../support/golden';
import { loadModel, modelFromTexts, REPO_ROOT } from '../support/specs';
import { fixtureRows } from './support/fixtures';
import { duckGold, goldPairs, loadSilver, PUBLISHED, RUN, SPEC_CASES, writeGoldRun } from './support/gold-cases';
import { createLakeTables, duck, openLakeDb } from './support/lake-db';
import { expectTrino, parseTrino, trinoFormProblems } from './support/trino-check';

const athena = new AthenaPrinter();

describe('exact SQL for a small contract', () => {
  const texts = {
    'shop/orders.yaml': [
      'kind: dataset', 'domain: shop', 'name: orders', 'schema_v: v1', 'description: Orders.',
      'owners: { owner: shop, steward: shop, reviewers: ["@acme/shop"] }', 'classification: internal',
      'source: { format: csv, delimiter: ",", header: true, null_values: [""] }',
      'columns:', '  - { name: store, type: string, required: true }', '  - { name: total, type: "decimal(10,2)", required: true }',
      '  - { name: placed_at, type: timestamp, required: true }',
      'partitions:', '  - { name: year, from: placed_at, transform: year }', '',
    ].join('\n'),
    'shop/store_months.yaml': [
      'kind: gold', 'domain: shop', 'name: store_months', 'schema_v: v1', 'description: Per store.',
      'owners: { owner: shop, steward: shop, reviewers: ["@acme/shop"] }', 'classification: internal',
      'from: shop.orders@v1', 'time: { column: placed_at, grain: month, as: as_of_month }', 'dimensions: [store]',
      'measures:', '  - { name: revenue, expr: "sum(total) filter (where total > 0)" }', '',
    ].join('\n'),
  };
  const model = modelFromTexts(texts).model!;
  const [{ gold, source }] = goldPairs(model);

  test('Athena', () => {
    expect(athena.printQuery(goldQuery(gold!, source!)).text).toBe(`WITH
  "source_rows" AS (
    SELECT
      "store",
      "total",
      CAST(date_trunc('month', "placed_at") AS date) AS "__month"
    FROM "silver_shop"."orders_v1"
    WHERE "placed_at" IS NOT NULL
      AND CAST(date_trunc('month', "placed_at") AS date) <= CAST(concat('{{month_to}}', '-01') AS date)
      AND "year" <= CAST(substr('{{month_to}}', 1, 4) AS integer)
      AND CAST(date_trunc('month', "placed_at") AS date) >= CAST(concat('{{month_from}}', '-01') AS date)
      AND "year" >= CAST(substr('{{month_from}}', 1, 4) AS integer)
  ),
  "monthly" AS (
    SELECT
      "store",
      "__month",
      CAST(sum("total") FILTER (WHERE "total" > 0) AS decimal(38,2)) AS "__p1"
    FROM "source_rows"
    GROUP BY "store", "__month"
  )
SELECT
  "store",
  CAST("__p1" AS decimal(38,2)) AS "revenue",
  '{{run_id}}' AS "_run_id",
  CAST('{{published_at}}' AS timestamp) AS "_published_at",
  date_format(CAST("__month" AS timestamp), '%Y-%m') AS "as_of_month"
FROM "monthly"`);
  });

  test('DuckDB', () => {
    const printed = duck.query(goldQuery(gold!, source!));
    expect(printed.params.map((p) => p.name)).toEqual(['month_to', 'month_from', 'run_id', 'published_at']);
    expect(printed.text).toContain(`CAST(sum("total") FILTER (WHERE "total" > 0) AS DECIMAL(38,2)) AS "__p1"`);
    expect(printed.text).toContain(`AND "year" <= CAST(substr($month_to, 1, 4) AS INTEGER)`);
    expect(printed.text).toContain(`$run_id AS "_run_id",\n  CAST($published_at AS TIMESTAMP) AS "_published_at",\n  strftime("__month", '%Y-%m') AS "as_of_month"`);
  });
});

describe.each(SPEC_CASES)('Gold SQL of the %s contracts', (caseName, specs) => {
  const model = loadModel(specs);
  const files = generateSql(model, buildConfig());

  test('every Athena statement is Trino (parsed, and only Trino functions and forms), and in its file', () => {
    let checked = 0;
    for (const env of buildConfig().environments) {
      for (const { gold, source } of goldPairs(model)) {
        const run = athenaGoldRun(gold, source, env.buckets, goldQueries(gold, source));
        const t = goldTableOf(gold);
        const file = files.get(`sql/athena/${env.name}/${t.database}/${t.readerName}.sql`)!;
        for (const [name, step] of Object.entries(run.steps)) {
          const sql = step.sql.text;
          expect(file).toContain(`: ${name}\n`);
          expect(file).toContain(`${sql};\n`);
          checked++;
          if (name === 'drop-stage') {
            // Hive DDL (node-sql-parser cannot read it): backtick names of the Gold database.
            expect(sql).toMatch(/^DROP TABLE IF EXISTS `gold_[a-z0-9_]+`\.`[a-z0-9_]+__gold_run`$/);
          } else if (name === 'create-stage') {
            // Athena CTAS: the properties by shape, the query parsed as Trino.
            const m = /^CREATE TABLE "gold_[a-z0-9_]+"\."[a-z0-9_]+__gold_run"\nWITH \(\n  format = 'PARQUET',\n  write_compression = 'SNAPPY',\n  external_location = 's3:\/\/[a-z0-9-]+\/gold\/[a-z0-9_]+\/[a-z0-9_]+\/schema_v=v[0-9]+\/run_id=\{\{run_id\}\}\/',\n  partitioned_by = ARRAY\['[a-z_]+'\]\n\) AS\n([\s\S]*)\nWITH NO DATA$/.exec(sql);
            expect(m).not.toBeNull();
            expect(trinoFormProblems(sql)).toEqual([]);
            parseTrino(m![1]!);
          } else {
            expectTrino(sql);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('every DuckDB statement runs: Gold rows, reconciliation (clean), month windows', async () => {
    const db = await openLakeDb();
    try {
      await createLakeTables(db, model);
      const pairs = goldPairs(model);
      await loadSilver(db, pairs[0]!.source, fixtureRows(caseName));
      for (const { gold, source } of pairs) {
        const rows = await duckGold(db, gold, source, ALL_MONTHS);
        expect(rows.length).toBeGreaterThan(0);
        await writeGoldRun(db, gold, source, RUN, ALL_MONTHS);
        expect(await db.runPrinted(duck.query(reconciliationQuery(gold, source)), { run_id: RUN, published_at: PUBLISHED })).toEqual([]);
        const windows = await db.runPrinted(duck.query(monthWindowsQuery(gold, source)));
        expect(windows.length).toBeGreaterThan(0);
      }
    } finally {
      db.close();
    }
  });

  test('the Gold rows have the Gold table\'s columns and types, then the month partition', async () => {
    const db = await openLakeDb();
    try {
      await createLakeTables(db, model);
      await loadSilver(db, goldPairs(model)[0]!.source, []);
      for (const { gold, source } of goldPairs(model)) {
        const printed = duck.query(goldQuery(gold, source));
        const described = await db.rows(`DESCRIBE ${printed.text}`, { ...ALL_MONTHS, run_id: RUN, published_at: PUBLISHED });
        const t = goldTableOf(gold);
        const want = [...t.columns, t.partitionKeys.find((k) => k.name === gold.time.as)!].map((c) => [c.name, duckdbType(c.type)]);
        expect(described.map((d) => [d.column_name, d.column_type])).toEqual(want);
        for (const m of gold.measures) expect(t.columns.find((c) => c.name === m.name)!.type).toEqual(m.type);
        expect(formatColumnType(t.columns.find((c) => c.name === '_published_at')!.type)).toBe('timestamp');
      }
    } finally {
      db.close();
    }
  });
});

test('the acceptance example: month-end balances carried forward, reports and summaries to the cent', async () => {
  const model = loadModel();
  const db = await openLakeDb();
  try {
    await createLakeTables(db, model);
    const pairs = goldPairs(model);
    await loadSilver(db, pairs[0]!.source, fixtureRows('example'));
    const by = Object.fromEntries(await Promise.all(pairs.map(async ({ gold, source }) => [gold.id.name, await duckGold(db, gold, source, ALL_MONTHS)] as const)));
    expect(by.account_balances).toEqual([
      { account_id: 'ACC000001', currency: 'EUR', balance: '59.50', transactions: '2', net_flow: '59.50', as_of_month: '2024-01' },
      { account_id: 'ACC000001', currency: 'EUR', balance: '59.50', transactions: '0', net_flow: null, as_of_month: '2024-02' },
      { account_id: 'ACC000001', currency: 'EUR', balance: '64.75', transactions: '1', net_flow: '5.25', as_of_month: '2024-03' },
      { account_id: 'ACC000002', currency: 'USD', balance: '10.00', transactions: '1', net_flow: '10.00', as_of_month: '2024-02' },
      { account_id: 'ACC000002', currency: 'USD', balance: '10.00', transactions: '0', net_flow: null, as_of_month: '2024-03' },
    ]);
    const zero = { interest_postings: '0', fees: '0', repayments: '0', untyped: '0', deposits: '0', withdrawals: '0' };
    expect(by.monthly_reports).toEqual([
      { currency: 'EUR', inflow: '100.00', outflow: '40.50', net: '59.50', transactions: '2', ...zero, deposits: '1', withdrawals: '1', active_accounts: '1', as_of_month: '2024-01' },
      { currency: 'USD', inflow: '10.00', outflow: '0.00', net: '10.00', transactions: '1', ...zero, fees: '1', active_accounts: '1', as_of_month: '2024-02' },
      { currency: 'EUR', inflow: '5.25', outflow: '0.00', net: '5.25', transactions: '1', ...zero, interest_postings: '1', active_accounts: '1', as_of_month: '2024-03' },
    ]);
    expect(by.transaction_summaries).toEqual([
      {
        account_id: 'ACC000001', currency: 'EUR', transactions: '2', total_amount: '59.50', min_amount: '-40.50', max_amount: '100.00', avg_amount: '29.75',
        first_transaction_at: '2024-01-10 09:00:00', last_transaction_at: '2024-01-20 09:00:00', first_amount: '100.00', last_amount: '-40.50', as_of_month: '2024-01',
      },
      {
        account_id: 'ACC000001', currency: 'EUR', transactions: '1', total_amount: '5.25', min_amount: '5.25', max_amount: '5.25', avg_amount: '5.25',
        first_transaction_at: '2024-03-31 23:59:59', last_transaction_at: '2024-03-31 23:59:59', first_amount: '5.25', last_amount: '5.25', as_of_month: '2024-03',
      },
      {
        account_id: 'ACC000002', currency: 'USD', transactions: '1', total_amount: '10.00', min_amount: '10.00', max_amount: '10.00', avg_amount: '10.00',
        first_transaction_at: '2024-02-03 09:00:00', last_transaction_at: '2024-02-03 09:00:00', first_amount: '10.00', last_amount: '10.00', as_of_month: '2024-02',
      },
    ]);
  } finally {
    db.close();
  }
});

test('golden: the features contracts\' SQL and reader views, both dialects', () => {
  const specs = join(REPO_ROOT, 'test', 'golden', 'sql', 'features', 'input');
  const model = loadModel(specs);
  const files = new Map(generateSql(model, buildConfig()));
  const runs = ['20240102T030405Z', '20240101T000000Z_BACKFILL'];
  for (const t of [...datasetTables(goldPairs(model)[0]!.source).filter((x) => x.layer !== 'bronze'), ...goldPairs(model).map((p) => goldTableOf(p.gold))]) {
    files.set(`views/athena/${t.database}/${t.readerName}.sql`, `${athena.print(readerViewStatement(t, runs)).text};\n`);
    files.set(`views/duckdb/${t.database}/${t.readerName}.sql`, `${duck.statement(readerViewStatement(t, [])).text};\n`);
  }
  expectMatchesGoldenDir(files, join(REPO_ROOT, 'test', 'golden', 'sql', 'features', 'expected'));
});
