import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { DatasetModel } from '../../../generators/contract/dataset-model';
import type { LakeModel } from '../../../generators/contract/lake-model';
import { duckdbCreateTable } from '../../../generators/ddl/duckdb-ddl';
import { DuckDbPrinter } from '../../../generators/sql/duckdb-printer';
import type { SqlQuery, SqlStatement } from '../../../generators/sql/sql-node';
import type { PrintedSql } from '../../../generators/sql/sql-printer';
import { duckdbValues } from '../../../generators/sql/sql-template';
import { sqlIdentifier, sqlQualified, sqlString } from '../../../generators/sql/quote';
import { datasetTables, lakeTables } from '../../../generators/tables/lake-tables';

/** A value of a silver row as the tests write it: strings for text, decimals, dates and timestamps. */
export type Cell = string | number | boolean | null;
export type SilverRow = Readonly<Record<string, Cell>>;

export interface LakeDb {
  readonly conn: DuckDBConnection;
  /** Rows as plain JSON values (decimals and timestamps as strings, DuckDB's own spelling). */
  rows(sql: string, values?: Record<string, string>): Promise<Record<string, unknown>[]>;
  run(sql: string, values?: Record<string, string>): Promise<void>;
  /** Runs a printed DuckDB statement with its parameters bound. */
  runPrinted(printed: PrintedSql, values?: Record<string, string>): Promise<Record<string, unknown>[]>;
  close(): void;
}

export async function openLakeDb(): Promise<LakeDb> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  const rows = async (sql: string, values?: Record<string, string>) => (await conn.runAndReadAll(sql, values)).getRowObjectsJson() as Record<string, unknown>[];
  return {
    conn,
    rows,
    run: async (sql, values) => {
      await conn.run(sql, values);
    },
    runPrinted: async (printed, values = {}) => rows(printed.text, duckdbValues(printed, values)),
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Every table of the model as DuckDB tables (partition keys as columns), empty. */
export async function createLakeTables(db: LakeDb, model: LakeModel): Promise<void> {
  for (const t of lakeTables(model)) for (const sql of duckdbCreateTable(t)) await db.run(sql);
}

function literal(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return String(v);
  return sqlString(v);
}

/** Inserts silver rows into `silver_….…_all_runs`; `year`/`month`/`run_id` come from each row. */
export async function insertSilverRows(db: LakeDb, d: DatasetModel, rows: readonly SilverRow[]): Promise<void> {
  const t = datasetTables(d).find((x) => x.layer === 'silver')!;
  const names = [...t.columns.map((c) => c.name), ...t.partitionKeys.map((k) => k.name)];
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    const values = chunk.map((r) => `(${names.map((n) => literal(r[n] ?? null)).join(', ')})`).join(',\n');
    await db.run(`INSERT INTO ${sqlQualified(t.database, t.name)} (${names.map(sqlIdentifier).join(', ')}) VALUES\n${values}`);
  }
}

const printer = new DuckDbPrinter();
export const duck = {
  statement: (s: SqlStatement) => printer.print(s),
  query: (q: SqlQuery) => printer.printQuery(q),
};
