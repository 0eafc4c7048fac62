import { ATHENA_ETL_STEPS } from '../../../runtime/engine/athena-plan';
import { datasetsOf, type LakeModel } from '../../contract/lake-model';
import type { BucketNames, BuildEnvironment } from '../../ddl/athena-ddl';
import type { DatasetModel } from '../../contract/dataset-model';
import { generatedHeader, mergeFileMaps, type FileMap } from '../../file-map';
import { environmentPrefixOf } from '../../tables/bucket-names';
import { datasetTables } from '../../tables/lake-tables';
import { sqlComment, sqlFileStatement } from '../sql-file';
import type { PrintedSql } from '../sql-printer';
import { athenaEtlPlan, linesTableDdl } from './athena-etl';
import { duckDbEtlStatements } from './duckdb-etl';

export interface EtlSqlConfig {
  readonly environments: readonly BuildEnvironment[];
}

/**
 * The contract's validation as SQL, what `lakec build` writes per dataset contract, one file each:
 * - `sql/duckdb/etl/{silver_db}/{name}_{v}.sql` — the statements `lakec run --engine duckdb` executes
 *   (DuckDB, `$name` parameters), over the relations the engine loads first (`bronze_lines`, `bronze_header`);
 * - `sql/athena/{env}/etl/{silver_db}/{name}_{v}.sql` — an Athena backfill of one delivery, step by step
 *   (`{{name}}` placeholders), after the lines table that reads bronze a line per row.
 * Each statement is headed by its name, what it does and its parameters.
 */
export function generateEtlSql(model: LakeModel, config: EtlSqlConfig): FileMap {
  return mergeFileMaps(...datasetsOf(model).map((d) => datasetEtlSql(d, config)));
}

/** One dataset contract's share of generateEtlSql. */
export function datasetEtlSql(d: DatasetModel, config: EtlSqlConfig): FileMap {
  const files = new Map<string, string>();
  const silver = datasetTables(d).find((t) => t.layer === 'silver')!;
  const path = `${silver.database}/${silver.readerName}.sql`;

  const duck = duckDbEtlStatements(d);
  const duckStatements: [string, string, PrintedSql | undefined][] = [
    ['published-rows', 'published_rows: _row_hash and unique values of the published silver files the run is checked against ($files).', duck.publishedRows.fromFiles],
    ['open-quote', 'The first record whose line leaves a quoted cell open (the engine refuses such a delivery), and the last record.', duck.openQuote],
    ['routed', `routed: every record of bronze_lines (record, line, raw_hex) with its table, error and values; bronze_header holds the header line. ${INPUTS}`, duck.routed],
    ['routed-exhaustive', 'routed with more first-occurrence rounds, for long chains of rows sharing unique values.', duck.routedExhaustive],
    ['counts', 'Rows per table, error and condemned reason.', duck.counts],
    ['failures', 'Failing rows in record order, for the circuit breaker.', duck.failures],
    ['copy-silver', 'Silver rows as Snappy Parquet, one folder per partition.', duck.copies.silver],
    ['copy-quarantine', 'Quarantined rows as Snappy Parquet.', duck.copies.quarantine],
    ['copy-condemned', 'Condemned rows as Snappy Parquet.', duck.copies.condemned],
  ];
  files.set(
    `sql/duckdb/etl/${path}`,
    generatedHeader('sql', [d], 'DuckDB validation, what lakec run --engine duckdb executes') +
      duckStatements.flatMap(([name, description, sql]) => (sql ? [sqlFileStatement(name, description, sql.text, sql.params.map((x) => `$${x.name}`))] : [])).join(''),
  );

  for (const env of config.environments) {
    const plan = athenaEtlPlan(d, { buckets: env.buckets, resultsBucket: resultsBucketOf(env.buckets) });
    const steps = ATHENA_ETL_STEPS.map((name, i) => {
      const s = plan.steps[name];
      return sqlFileStatement(`step ${i + 1} of ${ATHENA_ETL_STEPS.length}: ${name}`, `${s.description} Workgroup: ${s.workgroup}.`, s.sql, s.params.map((p) => `{{${p}}}`));
    });
    files.set(
      `sql/athena/${env.name}/etl/${path}`,
      `${generatedHeader('sql', [d], `Athena backfill of one delivery, ${env.name}`)}\n${sqlComment('The lines table: bronze deliveries a line per row (Terraform creates it; for reference).')}${linesTableDdl(d, env.buckets)}${steps.join('')}`,
    );
  }
  return files;
}

const INPUTS = 'The engine loads bronze_lines from the delivery and published_rows from published silver first.';

/** The Athena results bucket of an environment, by the one naming rule (`{namePrefix}-{env}-athena-results`). */
export function resultsBucketOf(buckets: BucketNames): string {
  const prefix = environmentPrefixOf(buckets.bronze, 'bronze');
  if (prefix === undefined) throw new Error(`bucket ${buckets.bronze} does not follow {namePrefix}-{env}-{bucket}`);
  return `${prefix}-athena-results`;
}
