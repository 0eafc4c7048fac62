import { datasetKey } from '../contract/dataset-id';
import type { DatasetModel } from '../contract/dataset-model';
import type { GoldModel } from '../contract/gold-model';
import { goldsOf, type LakeModel } from '../contract/lake-model';
import type { BucketNames } from '../ddl/athena-ddl';
import { companionTableName } from '../tables/lake-tables';
import { AthenaPrinter } from './athena-printer';
import { goldSource } from './gold-source';
import { goldQuery, goldTableOf, type Relation } from './gold-query';
import { reconciliationQuery } from './gold-reconciliation';
import { restatementQuery } from './gold-restatement';
import { monthWindowsQuery } from './month-windows';
import { readerViewTemplate } from './reader-views';
import { ALL_MONTHS, RUN_ID } from './sql-param';
import type { PrintedSql } from './sql-printer';
import { fillParams } from './sql-template';
import type { SqlQuery, SqlTextTemplate } from './sql-node';

/** The statements of one Gold run in Athena, in the order the Gold refresh state machine first runs them. */
export const ATHENA_GOLD_STEPS = ['drop-stage', 'create-stage', 'month-windows', 'insert-window', 'reconcile', 'restatement', 'publish-view'] as const;
export type AthenaGoldStepName = (typeof ATHENA_GOLD_STEPS)[number];

export interface AthenaGoldStep {
  readonly name: AthenaGoldStepName;
  readonly description: string;
  readonly sql: PrintedSql;
}

export interface AthenaGoldRun {
  /** The staging table a run writes through (a Glue table in the Gold database, dropped after the run). */
  readonly stage: Relation;
  /** The run's prefix: the Gold table (all runs) reads it as partition `run_id`. */
  readonly location: string;
  readonly steps: Readonly<Record<AthenaGoldStepName, AthenaGoldStep>>;
  /**
   * The state machine's order: drop-stage (a crashed run's leftover), create-stage, month-windows, then
   * insert-window once per window row (`month_from`, `month_to`), drop-stage, reconcile (stop when it
   * returns any row), write `_LATEST.json` (runtime), publish-view.
   */
  readonly order: readonly AthenaGoldStepName[];
}

const printer = new AthenaPrinter();

/**
 * Every Athena statement a Gold run needs, for the stacks' Gold refresh state machine and named queries.
 * Parameters are `{{name}}` placeholders (fill with `renderTemplate`, or `statesFormat` in a Step Functions
 * task): `run_id`, `published_at` (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), `month_from`/`month_to` (`YYYY-MM`).
 *
 * Why a staging table: Athena writes files only through CREATE TABLE AS / INSERT INTO a table, and each may
 * write at most 100 partitions. The stage is created empty (WITH NO DATA) with its location at the run's
 * prefix `gold/{domain}/{name}/schema_v=vN/run_id={RUN}/`, filled window by window — each INSERT writes
 * `as_of_month=YYYY-MM/` folders there — and dropped (dropping a table never deletes its files). The Gold
 * table's injected `run_id` projection then reads the run from its prefix; finance sees it only once
 * `publish-view` points the reader view at it.
 */
export function athenaGoldRun(gold: GoldModel, source: DatasetModel, buckets: BucketNames, queries: GoldQueries = goldQueries(gold, source)): AthenaGoldRun {
  const goldTable = goldTableOf(gold);
  const stage: Relation = { schema: goldTable.database, name: stageName(goldTable.readerName) };
  const location = runLocation(goldTable.locationTemplate, buckets.gold);
  const query = queries.gold;
  const step = (name: AthenaGoldStepName, description: string, sql: PrintedSql): AthenaGoldStep => ({ name, description, sql });
  const drop = printer.print({ kind: 'drop_table', schema: stage.schema, name: stage.name, ifExists: true });
  const steps: Record<AthenaGoldStepName, AthenaGoldStep> = {
    'drop-stage': step('drop-stage', 'Drop the staging table (its files stay): before a run, the leftover of a crashed one; after the inserts, the run\'s own.', drop),
    'create-stage': step(
      'create-stage',
      "Create the empty staging table over the run's prefix (Parquet, Snappy, partitioned by month).",
      // WITH NO DATA never runs the query: only the run id (in the location) is left to fill.
      fillParams(printer.print({ kind: 'create_table_as', schema: stage.schema, name: stage.name, location: location.template, partitionedBy: [gold.time.as], withData: false, query }), {
        ...ALL_MONTHS,
        published_at: '1970-01-01 00:00:00.000',
      }),
    ),
    'month-windows': step('month-windows', 'The windows of at most 100 months the inserts cover (rows month_from, month_to).', printer.printQuery(queries.monthWindows)),
    'insert-window': step('insert-window', "Compute one window's Gold rows into the run's prefix.", printer.print({ kind: 'insert', schema: stage.schema, name: stage.name, query })),
    reconcile: step('reconcile', 'Reconcile the run with silver: any row returned is a disagreement and stops the publish.', printer.printQuery(queries.reconciliation)),
    restatement: step(
      'restatement',
      'Closed months of the published run (previous_run_id) that the run changes (month, changed_rows, closed): any row stops the publish unless the refresh was started with allow_restatement.',
      printer.printQuery(queries.closedRestatements),
    ),
    'publish-view': step('publish-view', 'Point the finance reader view at the run (after _LATEST.json is written).', printer.print(readerViewTemplate(goldTable))),
  };
  return {
    stage,
    location: location.text,
    steps,
    order: ['drop-stage', 'create-stage', 'month-windows', 'insert-window', 'drop-stage', 'reconcile', 'restatement', 'publish-view'],
  };
}

/** The IR of a Gold contract's three queries, built once and printed for every dialect and environment. */
export interface GoldQueries {
  readonly gold: SqlQuery;
  readonly reconciliation: SqlQuery;
  readonly monthWindows: SqlQuery;
  /** The closed months a run changes, against the published run (gold-restatement.ts). */
  readonly closedRestatements: SqlQuery;
}

export function goldQueries(gold: GoldModel, source: DatasetModel): GoldQueries {
  return { gold: goldQuery(gold, source), reconciliation: reconciliationQuery(gold, source), monthWindows: monthWindowsQuery(gold, source), closedRestatements: restatementQuery(gold, { closedOnly: true }) };
}

/** The Athena Gold run of every Gold contract of the model, by `domain.name@vN` (for the stacks). */
export function athenaGoldRuns(model: LakeModel, buckets: BucketNames): ReadonlyMap<string, AthenaGoldRun> {
  return new Map(goldsOf(model).map((gold) => [datasetKey(gold.id), athenaGoldRun(gold, goldSource(model, gold), buckets)]));
}

/** `{name}_{v}__gold_run`, shortened with a hash where a long name would pass Glue's 128 characters. */
export function stageName(readerName: string): string {
  return companionTableName(readerName, 'gold_run');
}

/** `s3://{bucket}/{prefix}run_id={{run_id}}/`, cut from the Gold table's storage.location.template. */
function runLocation(locationTemplate: string, bucket: string): { template: SqlTextTemplate; text: string } {
  const [before, after] = locationTemplate.split('${run_id}');
  if (before === undefined || after === undefined || !after.startsWith('/')) throw new Error(`Gold location template without a run_id segment: ${locationTemplate}`);
  const head = `s3://${bucket}/${before}`;
  return { template: [head, RUN_ID, '/'], text: `${head}{{run_id}}/` };
}
