import { ATHENA_ETL_STEPS } from '../../../runtime/engine/athena-plan';
import { datasetsOf, type LakeModel } from '../../contract/lake-model';
import type { BucketNames } from '../../ddl/athena-ddl';
import { generatedHeader, type FileMap } from '../../file-map';
import { datasetTables } from '../../tables/lake-tables';
import { athenaEtlPlan, linesTableDdl } from './athena-etl';
import { duckDbEtlPlan } from './duckdb-etl';

export interface EtlSqlConfig {
  readonly environments: readonly { readonly name: string; readonly buckets: BucketNames }[];
}

/**
 * The contract's validation as SQL, what `lakec build` writes per dataset contract:
 * - `sql/duckdb/etl/{silver_db}/{name}_{v}/*.sql` — what `lakec run --engine duckdb` executes (DuckDB,
 *   `$name` parameters), over the relations the engine loads first (`bronze_lines`, `bronze_header`);
 * - `sql/athena/{env}/etl/{silver_db}/{name}_{v}/NN-step.sql` — an Athena backfill of one delivery, step by
 *   step (`{{name}}` placeholders), and `00-lines-table.sql`, the table reading bronze a line per row.
 */
export function generateEtlSql(model: LakeModel, config: EtlSqlConfig): FileMap {
  const files = new Map<string, string>();
  for (const d of datasetsOf(model)) {
    const silver = datasetTables(d).find((t) => t.layer === 'silver')!;
    const dir = `${silver.database}/${silver.readerName}`;
    const file = (what: string, description: string, sql: string, params: readonly string[]) =>
      `${generatedHeader('sql', [d], what)}${comment(description)}${params.length ? comment(`Parameters: ${params.join(', ')}.`) : ''}\n${sql};\n`;
    const duck = duckDbEtlPlan(d);
    const duckParams = (sql: string) => [...new Set([...sql.matchAll(/\$([a-z][a-z0-9_]*)/g)].map((m) => `$${m[1]}`))];
    const duckFile = (name: string, description: string, sql: string) => files.set(`sql/duckdb/etl/${dir}/${name}.sql`, file(`DuckDB validation: ${name}`, description, sql, duckParams(sql)));
    duckFile('published-rows', 'published_rows: _row_hash and unique values of the published silver files the run is checked against ($files).', duck.publishedRows.fromFiles);
    duckFile('open-quote', 'The first record whose line leaves a quoted cell open (the engine refuses such a delivery), and the last record.', duck.openQuote);
    duckFile('routed', `routed: every record of bronze_lines (record, line, raw_hex) with its table, error and values; bronze_header holds the header line. ${INPUTS}`, duck.routed);
    if (duck.routedExhaustive) duckFile('routed-exhaustive', 'routed with more first-occurrence rounds, for long chains of rows sharing unique values.', duck.routedExhaustive);
    duckFile('counts', 'Rows per table, error and condemned reason.', duck.counts);
    duckFile('failures', 'Failing rows in record order, for the circuit breaker.', duck.failures);
    duckFile('copy-silver', 'Silver rows as Snappy Parquet, one folder per partition.', duck.copies.silver);
    duckFile('copy-quarantine', 'Quarantined rows as Snappy Parquet.', duck.copies.quarantine);
    duckFile('copy-condemned', 'Condemned rows as Snappy Parquet.', duck.copies.condemned);

    for (const env of config.environments) {
      const plan = athenaEtlPlan(d, { buckets: env.buckets, resultsBucket: resultsBucketOf(env.buckets) });
      const base = `sql/athena/${env.name}/etl/${dir}`;
      files.set(
        `${base}/00-lines-table.sql`,
        `${generatedHeader('sql', [d], `Athena backfill, ${env.name}: the lines table`)}${comment('Bronze deliveries a line per row (Terraform creates this table; for reference).')}\n${linesTableDdl(d, env.buckets)}`,
      );
      ATHENA_ETL_STEPS.forEach((name, i) => {
        const s = plan.steps[name];
        const position = `step ${i + 1} of ${ATHENA_ETL_STEPS.length}`;
        files.set(
          `${base}/${String(i + 1).padStart(2, '0')}-${name}.sql`,
          file(`Athena backfill, ${env.name}, ${position}: ${name}`, `${s.description} Workgroup: ${s.workgroup}.`, s.sql, s.params.map((p) => `{{${p}}}`)),
        );
      });
    }
  }
  return files;
}

const INPUTS = 'The engine loads bronze_lines from the delivery and published_rows from published silver first.';

/** The Athena results bucket of an environment, by the one naming rule (`{namePrefix}-{env}-athena-results`). */
export function resultsBucketOf(buckets: BucketNames): string {
  if (!buckets.bronze.endsWith('-bronze')) throw new Error(`bucket ${buckets.bronze} does not follow {namePrefix}-{env}-{bucket}`);
  return `${buckets.bronze.slice(0, -'-bronze'.length)}-athena-results`;
}

function comment(text: string): string {
  return `-- ${text.replace(/[\r\n]+/g, ' ')}\n`;
}

