import { goldsOf, type LakeModel } from '../contract/lake-model';
import type { BucketNames } from '../ddl/athena-ddl';
import type { GoldModel } from '../contract/gold-model';
import { generatedHeader, mergeFileMaps, type FileMap } from '../file-map';
import { athenaGoldRun, goldQueries, type AthenaGoldStepName } from './athena-gold-plan';
import { DuckDbPrinter } from './duckdb-printer';
import { goldTableOf } from './gold-query';
import type { PrintedSql } from './sql-printer';
import { describeParams } from './sql-template';
import { goldSource } from './gold-source';

export { goldSource };

export interface SqlConfig {
  /** Athena statements differ per environment only by bucket (the run's location). */
  readonly environments: readonly { readonly name: string; readonly buckets: BucketNames }[];
}

const STEP_FILES: readonly AthenaGoldStepName[] = ['drop-stage', 'create-stage', 'month-windows', 'insert-window', 'reconcile', 'restatement', 'publish-view'];

/**
 * The Gold SQL `lakec build` writes, per Gold contract:
 * - `sql/duckdb/{gold_db}/{name}_{v}/gold.sql`, `reconcile.sql`, `month-windows.sql` — DuckDB, `$name` parameters;
 * - `sql/athena/{env}/{gold_db}/{name}_{v}/{n}-{step}.sql` — the Athena run, `{{name}}` placeholders
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
  const dir = `${t.database}/${t.readerName}`;
  const file = (what: string, description: string, printed: PrintedSql) =>
    `${generatedHeader('sql', [gold, source], what)}${comment(description)}${printed.params.length ? comment(`Parameters: ${describeParams(printed.params)}.`) : ''}\n${printed.text};\n`;
  files.set(`sql/duckdb/${dir}/gold.sql`, file('DuckDB Gold rows', 'The Gold rows for months $month_from..$month_to, columns in the Gold table\'s order, as_of_month last.', duckdb.printQuery(queries.gold)));
  files.set(`sql/duckdb/${dir}/reconcile.sql`, file('DuckDB Gold reconciliation', 'Rows (check_name, detail) for every disagreement between the run\'s Gold rows and silver; none when consistent.', duckdb.printQuery(queries.reconciliation)));
  files.set(`sql/duckdb/${dir}/month-windows.sql`, file('DuckDB Gold month windows', 'Windows of at most 100 months covering the source.', duckdb.printQuery(queries.monthWindows)));
  for (const env of config.environments) {
    const run = athenaGoldRun(gold, source, env.buckets, queries);
    STEP_FILES.forEach((name, i) => {
      const step = run.steps[name];
      const position = `step ${i + 1} of ${STEP_FILES.length}`;
      files.set(
        `sql/athena/${env.name}/${dir}/${i + 1}-${name}.sql`,
        file(`Athena Gold run, ${env.name}, ${position}: ${name}`, `${step.description} Order: ${run.order.join(' → ')}.`, step.sql),
      );
    });
  }
  return files;
}

function comment(text: string): string {
  return `-- ${text.replace(/[\r\n]+/g, ' ')}\n`;
}
