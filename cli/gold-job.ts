import { createHash } from 'node:crypto';
import { datasetKey, parseDatasetRef } from '../generators/contract/dataset-id';
import { closest } from '../generators/contract/diagnostic';
import type { GoldModel } from '../generators/contract/gold-model';
import { goldsOf, resolveContract, type LakeModel } from '../generators/contract/lake-model';
import { duckdbType } from '../generators/ddl/duckdb-ddl';
import { DuckDbPrinter } from '../generators/sql/duckdb-printer';
import { goldQuery, goldTableOf } from '../generators/sql/gold-query';
import { reconciliationQuery } from '../generators/sql/gold-reconciliation';
import { restatementQuery } from '../generators/sql/gold-restatement';
import { goldSource } from '../generators/sql/gold-source';
import { sqlIdentifier, sqlQualified, sqlString } from '../generators/sql/quote';
import type { PrintedSql } from '../generators/sql/sql-printer';
import { duckdbValues } from '../generators/sql/sql-template';
import { datasetTables } from '../generators/tables/lake-tables';
import type { BoundSql, GoldJob, GoldValues, RunRelation } from '../runtime/gold/gold-job';
import { UsageError } from './args';
import { UserError } from './command';
import { readerViewSql } from './lake-views';

/** The DuckDB schema of the relations a Gold run creates for itself (`next`, `previous`). */
const RUN_SCHEMA = 'lakec_run';
/** The temporary table holding the run's rows before they are written. */
const ROWS_TABLE = 'lakec_gold_rows';

/** GOLD_DATASET on the command line: `domain.name` (newest schema_v not deprecated) or `domain.name@vN`, a gold contract. */
export function resolveGold(model: LakeModel, text: string): GoldModel {
  const ref = parseDatasetRef(text);
  if (!ref) throw new UsageError(`\`${text}\` is not a dataset; write domain.name or domain.name@vN, e.g. finance.account_balances`);
  const c = resolveContract(model, ref);
  if (!c) {
    const names = goldsOf(model).map((g) => `${g.id.domain}.${g.id.name}`);
    const near = closest(`${ref.domain}.${ref.name}`, names);
    throw new UserError(`no gold contract ${ref.domain}.${ref.name}${ref.schemaV ? `@${ref.schemaV}` : ''}${near ? ` (did you mean ${near}?)` : ''}`);
  }
  if (c.kind !== 'gold') throw new UserError(`${text} is a dataset contract, not a gold contract; \`lakec run\` takes its deliveries`);
  return c;
}

/**
 * The Gold job of a contract: its DuckDB SQL printed from the one SQL IR (the statements `lakec build`
 * writes under sql/duckdb/), plus the few statements the local run adds around it — the views over the
 * files it reads, the Parquet COPY, and the comparison with the published run. Every identifier and
 * literal goes through generators/sql/quote.ts.
 */
export function goldJob(model: LakeModel, gold: GoldModel): GoldJob {
  const source = goldSource(model, gold);
  const table = goldTableOf(gold);
  const silver = datasetTables(source).find((t) => t.layer === 'silver')!;
  const printer = new DuckDbPrinter();
  const rows = printer.printQuery(goldQuery(gold, source));
  const reconcile = printer.printQuery(reconciliationQuery(gold, source, { goldRows: { schema: RUN_SCHEMA, name: 'next' } }));
  const period = sqlIdentifier(gold.time.as);
  const relation = (r: RunRelation) => sqlQualified(RUN_SCHEMA, r);
  const compared = [...gold.dimensions.map((d) => d.name), ...gold.measures.map((m) => m.name)];
  const emptyRun = `SELECT ${[...table.columns.map((c) => `CAST(NULL AS ${duckdbType(c.type)}) AS ${sqlIdentifier(c.name)}`), `CAST(NULL AS VARCHAR) AS ${period}`].join(', ')} WHERE false`;
  return {
    key: datasetKey(gold.id),
    id: { domain: gold.id.domain, name: gold.id.name, schemaV: gold.id.schemaV },
    contractSha256: createHash('sha256').update(JSON.stringify(gold)).digest('hex'),
    prefix: table.prefix,
    period: gold.time.as,
    openMonths: gold.openMonths,
    source: { key: datasetKey(source.id), publishedKey: `${silver.prefix}schema_v=${source.id.schemaV}/_PUBLISHED.json` },
    sql: {
      sourceView: (paths) => [`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(silver.database)}`, readerViewSql(silver, paths)],
      materialize: bound(`CREATE TEMP TABLE ${sqlIdentifier(ROWS_TABLE)} AS ${rows.text}`, rows),
      copyTo: (dir) => `COPY (SELECT * FROM ${sqlIdentifier(ROWS_TABLE)} ORDER BY ALL) TO ${sqlString(dir)} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (${period}))`,
      monthCounts: `SELECT ${period} AS "month", count(*) AS "rows" FROM ${sqlIdentifier(ROWS_TABLE)} GROUP BY ${period} ORDER BY ${period}`,
      runView: (r, paths) => [
        `CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(RUN_SCHEMA)}`,
        `CREATE OR REPLACE VIEW ${relation(r)} AS ${
          paths.length
            ? `SELECT * FROM read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = true, hive_types = {${sqlString(gold.time.as)}: VARCHAR}, hive_types_autocast = false, union_by_name = true)`
            : emptyRun
        }`,
      ],
      describe: (r) => `SELECT column_name FROM (DESCRIBE ${relation(r)})`,
      reconcile: bound(reconcile.text, reconcile),
      restatement: (columnsOfPrevious) => {
        const present = new Set(columnsOfPrevious);
        const runs = { previous: { schema: RUN_SCHEMA, name: 'previous' }, next: { schema: RUN_SCHEMA, name: 'next' } };
        return printer.printQuery(restatementQuery(gold, { runs, compared: compared.filter((c) => present.has(c)) })).text;
      },
    },
  };
}

/** A printed statement's text with a binder for the parameters it takes (each value checked against its format). */
function bound(text: string, printed: PrintedSql): BoundSql {
  return {
    text,
    bind: (values: GoldValues) => duckdbValues(printed, Object.fromEntries(printed.params.map((p) => [p.name, (values as unknown as Record<string, string>)[p.name]!]))),
  };
}
