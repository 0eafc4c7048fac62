import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { readContractFiles } from '../../cli/read-specs';
import { checkContracts } from '../../generators/contract/compile-contracts';
import { goldsOf } from '../../generators/contract/lake-model';
import { duckdbCreateTable } from '../../generators/ddl/duckdb-ddl';
import { DuckDbPrinter } from '../../generators/sql/duckdb-printer';
import { goldSource } from '../../generators/sql/gold-source';
import { goldQuery, goldTableOf } from '../../generators/sql/gold-query';
import { reconciliationQuery } from '../../generators/sql/gold-reconciliation';
import { sqlQualified } from '../../generators/sql/quote';
import { datasetViewStatements } from '../../generators/sql/reader-views';
import { ALL_MONTHS } from '../../generators/sql/sql-param';
import { duckdbValues } from '../../generators/sql/sql-template';
import { datasetTables, lakeTables } from '../../generators/tables/lake-tables';

const RUN = '20240101T000000Z';
const GOLD_RUN = '20240102T000000Z';
const PUBLISHED = '2024-01-02 00:00:00.000';

/**
 * The example Gold contracts on N synthetic silver rows in DuckDB (60 months, N/100 accounts): seconds to
 * compute each Gold table and to reconcile it. args: [rows].
 */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const rows = Number(args[0] ?? 1_000_000);
  const model = checkContracts(readContractFiles(join(__dirname, '..', '..', '..', 'dataset-specs'))).model!;
  const printer = new DuckDbPrinter();
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  for (const t of lakeTables(model)) for (const sql of duckdbCreateTable(t)) await db.run(sql);
  const source = goldSource(model, goldsOf(model)[0]!);
  const silver = datasetTables(source).find((t) => t.layer === 'silver')!;
  const accounts = Math.max(1, Math.floor(rows / 100));
  const t0 = process.hrtime.bigint();
  await db.run(`INSERT INTO ${sqlQualified(silver.database, silver.name)} BY NAME
    SELECT 'T' || i AS transaction_id,
           'ACC' || lpad(CAST(i % ${accounts} AS VARCHAR), 6, '0') AS account_id,
           CAST(CAST(hash(i) % 2000001 AS BIGINT) - 1000000 AS DECIMAL(18,0)) * 0.01 AS amount,
           ['EUR', 'USD', 'GBP'][1 + CAST(i % 3 AS INTEGER)] AS currency,
           ['DEPOSIT', 'WITHDRAWAL', 'INTEREST', 'FEE', 'REPAYMENT', NULL][1 + CAST(hash(i + 1) % 6 AS INTEGER)] AS transaction_type,
           ts AS transaction_timestamp,
           '${RUN}' AS _run_id, DATE '2024-01-01' AS _ingest_date, 'bronze/x.csv' AS _source_file, i + 1 AS _source_record, 'h' AS _row_hash,
           year(ts) AS year, month(ts) AS month, '${RUN}' AS run_id
    FROM (SELECT i, TIMESTAMP '2019-01-01' + to_seconds(CAST(hash(i * 7) % (60 * 30 * 86400) AS BIGINT)) AS ts FROM range(${rows}) AS r(i))`);
  const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const s of datasetViewStatements(source, { silver: [RUN], quarantine: [], condemned: [] })) await db.run(printer.print(s).text);

  const report: Record<string, unknown> = { rows, accounts, loadSeconds: round(loadSeconds) };
  for (const gold of goldsOf(model)) {
    const t = goldTableOf(gold);
    const printed = printer.printQuery(goldQuery(gold, source));
    const start = process.hrtime.bigint();
    await db.run(`INSERT INTO ${sqlQualified(t.database, t.name)} BY NAME SELECT *, '${GOLD_RUN}' AS run_id FROM (${printed.text})`, duckdbValues(printed, { ...ALL_MONTHS, run_id: GOLD_RUN, published_at: PUBLISHED }));
    const goldSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const count = Number((await db.runAndReadAll(`SELECT count(*) FROM ${sqlQualified(t.database, t.name)}`)).getRows()[0]![0]);
    const check = printer.printQuery(reconciliationQuery(gold, source));
    const rStart = process.hrtime.bigint();
    const problems = (await db.runAndReadAll(check.text, duckdbValues(check, { run_id: GOLD_RUN, published_at: PUBLISHED }))).getRows().length;
    const reconcileSeconds = Number(process.hrtime.bigint() - rStart) / 1e9;
    if (problems > 0) throw new Error(`${gold.id.name}: reconciliation found ${problems} problems`);
    report[gold.id.name] = { goldRows: count, goldSeconds: round(goldSeconds), reconcileSeconds: round(reconcileSeconds), silverRowsPerSecond: Math.round(rows / goldSeconds) };
  }
  db.closeSync();
  instance.closeSync();
  return report;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
