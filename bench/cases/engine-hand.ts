import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * The job of `lakec run --engine duckdb` on the benchmark contract (mortgages.transactions) written by hand
 * for DuckDB, as someone tuning it for this one file layout would: the delivery read a line per row (so
 * record numbers and cell counts are exact, as the generated SQL reads it), cells split at commas — a regex
 * only for lines with a quote — the checks inline in the contract's order with the guarded casts the rules
 * need, `_row_hash`, the first occurrence of each transaction id and row, and silver (partitioned by year and
 * month), quarantine and condemned written by COPY as Snappy Parquet. Its rows must equal the generated
 * SQL's (the benchmark compares the counts). Args FILE OUT [THREADS].
 */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const [file, out, threads] = args;
  rmSync(out!, { recursive: true, force: true });
  mkdirSync(out!, { recursive: true });
  const db = await DuckDBInstance.create(':memory:', { threads: threads ?? '2' });
  const c = await db.connect();
  const started = process.hrtime.bigint();
  await c.run(
    `CREATE TEMP TABLE lines AS
SELECT record, line FROM (
  SELECT row_number() OVER () AS record, coalesce(line, '') AS line
  FROM read_csv($path, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, delim = E'\\x1f', quote = '', escape = '', new_line = '\\n')
) WHERE record > 1`,
    { path: file! },
  );
  const cell = (x: string) => `CASE WHEN ${x} = '' THEN '-' ELSE strlen(${x})::VARCHAR || ':' || ${x} END`;
  await c.run(`CREATE TEMP TABLE routed AS
WITH split AS (
  SELECT record, line,
    CASE WHEN NOT contains(line, '"') THEN string_split(line, ',')
         ELSE (SELECT CASE WHEN length(array_to_string(m, '')) = length(line) + 1
                 THEN list_transform(m, lambda x: CASE WHEN x[2] = '"' THEN replace(x[3:-2], '""', '"') ELSE x[2:] END) END
               FROM (SELECT regexp_extract_all(',' || line, ',(?:"(?:[^"]|"")*"|[^",]*)') AS m)) END AS cells
  FROM lines
),
cols AS (
  SELECT record, line, cells,
    CASE WHEN cells IS NULL THEN 'quote' WHEN len(cells) <> 6 THEN 'cell_count' END AS rec_err,
    cells[1] AS tid, cells[2] AS acc, cells[3] AS amt, cells[4] AS cur, cells[5] AS typ, cells[6] AS ts
  FROM split
),
typed AS (
  SELECT *,
    CASE WHEN regexp_full_match(amt, '-?(?:0+|0*[1-9][0-9]{0,15})(?:\\.[0-9]{1,2})?') THEN TRY_CAST(amt AS DECIMAL(18,2)) END AS amount,
    CASE WHEN regexp_full_match(ts, '[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:Z|[-+](?:0[0-9]|1[0-8]):[0-5][0-9])')
         THEN TRY_CAST(left(ts, 10) || ' ' || substr(ts, 12, 8) AS TIMESTAMP)
              - CASE WHEN ts[-1] = 'Z' THEN INTERVAL 0 MINUTE
                     ELSE to_minutes((CASE WHEN ts[-6] = '-' THEN -1 ELSE 1 END) * (substr(ts, -5, 2)::INT * 60 + substr(ts, -2, 2)::INT)) END END AS ts_v
  FROM cols
),
judged AS (
  SELECT *,
    CASE
      WHEN rec_err IS NOT NULL THEN rec_err
      WHEN tid = '' THEN 'required:transaction_id'
      WHEN acc = '' THEN 'required:account_id'
      WHEN NOT regexp_full_match(acc, 'ACC[0-9]{6}') THEN 'pattern:account_id'
      WHEN amt = '' THEN 'required:amount'
      WHEN amount IS NULL THEN 'type:amount'
      WHEN amount < -10000000 THEN 'min:amount'
      WHEN amount > 10000000 THEN 'max:amount'
      WHEN cur = '' THEN 'required:currency'
      WHEN cur NOT IN ('EUR', 'USD', 'GBP') THEN 'allowed:currency'
      WHEN typ <> '' AND typ NOT IN ('DEPOSIT', 'WITHDRAWAL', 'INTEREST', 'FEE', 'REPAYMENT') THEN 'allowed:transaction_type'
      WHEN ts = '' THEN 'required:transaction_timestamp'
      WHEN ts_v IS NULL THEN 'type:transaction_timestamp'
    END AS error,
    CASE WHEN rec_err IS NULL THEN sha256(${['tid', 'acc', 'amt', 'cur', 'typ', 'ts'].map(cell).join(' || ')}) END AS row_hash
  FROM typed
),
ranked AS (
  SELECT *, row_number() OVER w = 1 AS is_first, first_value(row_hash) OVER w AS winner
  FROM judged
  WINDOW w AS (PARTITION BY error IS NULL, tid ORDER BY record)
)
SELECT record, line, tid, acc, amt, cur, typ, ts, amount, ts_v, row_hash,
  coalesce(error, CASE WHEN is_first THEN NULL WHEN winner = row_hash THEN 'duplicate' ELSE 'unique:transaction_id' END) AS validation_error,
  CASE WHEN error IS NULL AND is_first THEN 'silver' WHEN error IS NULL AND winner = row_hash THEN 'condemned' ELSE 'quarantine' END AS layer,
  rec_err
FROM ranked`);
  const meta = `'20240101T000000Z' AS _run_id, DATE '2024-01-01' AS _ingest_date, 'bronze/x.csv' AS _source_file, record AS _source_record, row_hash AS _row_hash`;
  const orNull = (x: string) => `nullif(${x}, '')`;
  const cells = `${orNull('tid')} AS transaction_id, ${orNull('acc')} AS account_id, ${orNull('amt')} AS amount, ${orNull('cur')} AS currency, ${orNull('typ')} AS transaction_type, ${orNull('ts')} AS transaction_timestamp`;
  const raw = `CASE WHEN rec_err IS NOT NULL THEN line END AS _raw_record, validation_error, 1::INT AS attempt_count`;
  await c.run(`COPY (SELECT tid AS transaction_id, acc AS account_id, amount, cur AS currency, ${orNull('typ')} AS transaction_type, ts_v AS transaction_timestamp, ${meta}, year(ts_v) AS year, month(ts_v) AS month
FROM routed WHERE layer = 'silver') TO '${join(out!, 'silver')}' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (year, month))`);
  await c.run(`COPY (SELECT ${cells}, ${raw}, ${meta} FROM routed WHERE layer = 'quarantine' ORDER BY record) TO '${join(out!, 'quarantine.parquet')}' (FORMAT parquet, COMPRESSION snappy)`);
  await c.run(`COPY (SELECT ${cells}, ${raw}, ${meta}, 'duplicate' AS condemned_reason FROM routed WHERE layer = 'condemned' ORDER BY record) TO '${join(out!, 'condemned.parquet')}' (FORMAT parquet, COMPRESSION snappy)`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const counts = Object.fromEntries(((await c.runAndReadAll('SELECT layer, count(*) FROM routed GROUP BY layer')).getRows() as [string, bigint][]).map(([l, n]) => [l, Number(n)]));
  c.closeSync();
  const silver = counts.silver ?? 0;
  const quarantined = counts.quarantine ?? 0;
  const condemned = counts.condemned ?? 0;
  return { seconds, rows_in: silver + quarantined + condemned, rows_silver: silver, rows_quarantined: quarantined, rows_condemned: condemned };
}
