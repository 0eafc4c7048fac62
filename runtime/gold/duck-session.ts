import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** One in-memory DuckDB database for a Gold run (or a comparison): statements, rows as JSON values. */
export interface DuckSession {
  run(sql: string, values?: Record<string, string>): Promise<void>;
  /** Rows as plain JSON values (decimals, big integers and timestamps as strings, DuckDB's own spelling). */
  rows(sql: string, values?: Record<string, string>): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** An error DuckDB raised running the job's SQL: a data problem (e.g. a division by zero), shown as is. */
export class GoldSqlError extends Error {}

export async function openDuckSession(): Promise<DuckSession> {
  // Loaded on first use: the CLI's other commands never pay for DuckDB.
  const { DuckDBInstance: Instance } = await import('@duckdb/node-api');
  const instance: DuckDBInstance = await Instance.create(':memory:');
  const conn: DuckDBConnection = await instance.connect();
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw new GoldSqlError(err instanceof Error ? err.message : String(err));
    }
  };
  return {
    run: (sql, values) => wrap(async () => void (await conn.run(sql, values))),
    rows: (sql, values) => wrap(async () => (await conn.runAndReadAll(sql, values)).getRowObjectsJson() as Record<string, unknown>[]),
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
