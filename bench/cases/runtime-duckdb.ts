import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../../generators/sql/quote';

/**
 * The same job done by DuckDB alone, written fairly: one pass over the file; cells read as text and cast
 * only when they pass the contract's rules (DuckDB's casts are lenient: TRY_CAST rounds 1.005 and accepts
 * '1e5'); `store_rejects` for records with the wrong number of cells (without it read_csv fails the whole
 * file, or pads and truncates rows); the same `_row_hash` for exact duplicates and the first occurrence of
 * a transaction id winning; silver, quarantine and condemned as Snappy Parquet partitioned like the lake.
 * Args FILE OUT [THREADS].
 */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const [file, out, threads] = args;
  rmSync(out!, { recursive: true, force: true });
  const db = await DuckDBInstance.create(':memory:', { threads: threads ?? '2', preserve_insertion_order: 'false' });
  const c = await db.connect();
  const cell = (name: string) => `CASE WHEN ${name} IS NULL THEN '-' ELSE octet_length(encode(${name}))::VARCHAR || ':' || ${name} END`;
  const columns = ['transaction_id', 'account_id', 'amount', 'currency', 'transaction_type', 'transaction_timestamp'];
  const started = process.hrtime.bigint();
  await c.run(`
COPY (
  WITH src AS (
    SELECT *, row_number() OVER () + 1 AS _source_record
    FROM read_csv(${sqlString(file!)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', store_rejects = true,
      columns = {${columns.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ')}})
  ),
  typed AS (
    SELECT *,
      CASE WHEN regexp_full_match(amount, '-?[0-9]{1,16}(\\.[0-9]{1,2})?') THEN TRY_CAST(amount AS DECIMAL(18,2)) END AS amount_v,
      CASE WHEN regexp_full_match(transaction_timestamp, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})')
           AND NOT transaction_timestamp LIKE '%T24:%'
           THEN TRY_STRPTIME(replace(transaction_timestamp, 'Z', '+00:00'), '%Y-%m-%dT%H:%M:%S%z') END AS ts_v,
      sha256(${columns.map(cell).join(' || ')}) AS _row_hash
    FROM src
  ),
  checked AS (
    SELECT *, CASE
      WHEN transaction_id IS NULL THEN 'required:transaction_id'
      WHEN account_id IS NULL THEN 'required:account_id'
      WHEN NOT regexp_full_match(account_id, 'ACC[0-9]{6}') THEN 'pattern:account_id'
      WHEN amount IS NULL THEN 'required:amount'
      WHEN amount_v IS NULL THEN 'type:amount'
      WHEN amount_v < -10000000 THEN 'min:amount'
      WHEN amount_v > 10000000 THEN 'max:amount'
      WHEN currency IS NULL THEN 'required:currency'
      WHEN currency NOT IN ('EUR', 'USD', 'GBP') THEN 'allowed:currency'
      WHEN transaction_type IS NOT NULL AND transaction_type NOT IN ('DEPOSIT', 'WITHDRAWAL', 'INTEREST', 'FEE', 'REPAYMENT') THEN 'allowed:transaction_type'
      WHEN transaction_timestamp IS NULL THEN 'required:transaction_timestamp'
      WHEN ts_v IS NULL THEN 'type:transaction_timestamp'
    END AS validation_error FROM typed
  ),
  ranked AS (
    SELECT *,
      row_number() OVER (PARTITION BY validation_error IS NULL, _row_hash ORDER BY _source_record) AS copy_n,
      row_number() OVER (PARTITION BY validation_error IS NULL, transaction_id ORDER BY _source_record) AS id_n
    FROM checked
  )
  SELECT ${columns.join(', ')}, amount_v, ts_v, _source_record, _row_hash,
    coalesce(validation_error, CASE WHEN copy_n > 1 THEN 'duplicate' WHEN id_n > 1 THEN 'unique:transaction_id' END) AS validation_error,
    CASE WHEN validation_error IS NOT NULL THEN 'quarantine' WHEN copy_n > 1 THEN 'condemned' WHEN id_n > 1 THEN 'quarantine' ELSE 'silver' END AS layer,
    coalesce(year(ts_v), 0) AS year, coalesce(month(ts_v), 0) AS month
  FROM ranked
) TO ${sqlString(out!)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (layer, year, month))`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const counts = Object.fromEntries(
    ((await c.runAndReadAll(`SELECT layer, count(*) AS n FROM read_parquet(${sqlString(`${out}/**/*.parquet`)}, hive_partitioning = true) GROUP BY layer`)).getRows() as [string, bigint][]).map(([l, n]) => [l, Number(n)]),
  );
  const rejected = Number(((await c.runAndReadAll('SELECT count(*) FROM reject_errors')).getRows()[0]![0]) as bigint);
  c.closeSync();
  return { seconds, silver: counts.silver ?? 0, quarantined: (counts.quarantine ?? 0) + rejected, condemned: counts.condemned ?? 0, rows_in: (counts.silver ?? 0) + (counts.quarantine ?? 0) + (counts.condemned ?? 0) + rejected };
}
