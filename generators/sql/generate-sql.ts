import { goldsOf, type LakeModel } from '../contract/lake-model';
import type { BuildEnvironment } from '../ddl/athena-ddl';
import type { GoldModel } from '../contract/gold-model';
import { generatedHeader, mergeFileMaps, type FileMap } from '../file-map';
import { ATHENA_GOLD_STEPS, athenaGoldRun, goldQueries } from './athena-gold-plan';
import { DuckDbPrinter } from './duckdb-printer';
import { goldTableOf } from './gold-query';
import type { PrintedSql } from './sql-printer';
import { describeParams } from './sql-template';
import { goldSource } from './gold-source';
import { sqlComment, sqlFileStatement } from './sql-file';

export { goldSource };

export interface SqlConfig {
  /** Athena statements differ per environment only by bucket (the run's location). */
  readonly environments: readonly BuildEnvironment[];
}

/**
 * The Gold SQL `lakec build` writes, a file per Gold contract and target (generators/sql/sql-file.ts):
 * - `sql/duckdb/{gold_db}/{name}_{v}.sql` — DuckDB, `$name` parameters: month windows, Gold rows, reconciliation;
 * - `sql/athena/{env}/{gold_db}/{name}_{v}.sql` — the Athena run step by step, `{{name}}` placeholders
 *   (generators/sql/athena-gold-plan.ts says how the steps chain).
 */
export function generateSql(model: LakeModel, config: SqlConfig): FileMap {
  return mergeFileMaps(...goldsOf(model).map((gold) => goldSql(model, gold, config)));
}

const duckdb = new DuckDbPrinter();

/** One Gold contract's share of generateSql. */
export function goldSql(model: LakeModel, gold: GoldModel, config: SqlConfig): FileMap {
  const files = new Map<string, string>();
  const source = goldSource(model, gold);
  const queries = goldQueries(gold, source);
  const t = goldTableOf(gold);
  const path = `${t.database}/${t.readerName}.sql`;
  const statement = (title: string, description: string, printed: PrintedSql) =>
    sqlFileStatement(title, description, printed.text, printed.params.length ? [describeParams(printed.params)] : []);
  files.set(
    `sql/duckdb/${path}`,
    generatedHeader('sql', [gold, source], 'DuckDB Gold run, what lakec gold executes') +
      statement('month-windows', 'Windows of at most 100 months covering the source.', duckdb.printQuery(queries.monthWindows)) +
      statement('gold', "The Gold rows for months $month_from..$month_to, columns in the Gold table's order, as_of_month last.", duckdb.printQuery(queries.gold)) +
      statement('reconcile', "Rows (check_name, detail) for every disagreement between the run's Gold rows and silver; none when consistent.", duckdb.printQuery(queries.reconciliation)),
  );
  for (const env of config.environments) {
    const run = athenaGoldRun(gold, source, env.buckets, queries);
    files.set(
      `sql/athena/${env.name}/${path}`,
      `${generatedHeader('sql', [gold, source], `Athena Gold run, ${env.name}`)}${sqlComment(`Order: ${run.order.join(' → ')}.`)}` +
        ATHENA_GOLD_STEPS.map((name, i) => statement(`step ${i + 1} of ${ATHENA_GOLD_STEPS.length}: ${name}`, run.steps[name].description, run.steps[name].sql)).join(''),
    );
  }
  return files;
}
