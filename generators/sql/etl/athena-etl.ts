import { ATHENA_ETL_STEPS, ATHENA_PLAN_FORMAT, type AthenaEtlParam, type AthenaEtlPlan, type AthenaEtlStatement, type AthenaEtlStepName, type AthenaEtlWorkgroup } from '../../../runtime/engine/athena-plan';
import type { ColumnType } from '../../contract/column-type';
import { datasetKey } from '../../contract/dataset-id';
import type { DatasetModel } from '../../contract/dataset-model';
import type { BucketNames } from '../../ddl/athena-ddl';
import { athenaCreateTable, hiveType } from '../../ddl/athena-ddl';
import { hiveIdentifier, hiveString } from '../../ddl/hive-quote';
import { bronzeLinesTable, companionTableName, datasetTables } from '../../tables/lake-tables';
import type { TableDef } from '../../tables/table-def';
import { AthenaPrinter } from '../athena-printer';
import { and, call, cmp, col, int, item, param, str, table, type SqlCte, type SqlExpr, type SqlQuery, type SqlSelectItem } from '../sql-node';
import type { SqlParam } from '../sql-param';
import type { PrintedSql } from '../sql-printer';
import { INGEST_DATE_PARAM, RELATIONS, RUN_ID_PARAM, SOURCE_FILE_PARAM, uniqueColumn, uniqueColumns } from './etl-relations';
import { etlQueries } from './etl-query';
import { recordSplit } from './record-cells';

/**
 * The Athena backfill of one dataset contract (issue 7): the same validation SQL as `lakec run --engine
 * duckdb`, printed for Athena (Trino), over a delivery in bronze read a line per row, then written into the
 * lake through staging tables. Per delivery, in order:
 *
 * 1. drop any staging tables a crashed run left (their files stay);
 * 2. `open-quote`: lines that leave a quoted cell open — any refuses the delivery (a record across lines);
 * 3. `create-routed`: every record and its decision (CTAS into the Athena results bucket, which expires);
 * 4. `counts`: rows per table and error — the circuit breaker decides before anything reaches the lake;
 * 5. external staging tables over silver, quarantine and condemned; `partition-windows` (Athena writes at
 *    most 100 partitions a statement); `insert-*` write the run's files at its keys, in the lake layout;
 * 6. `files-*`: the files written and their rows, for the manifest; the staging tables are dropped.
 *
 * Then the publish (runtime/engine/athena-backfill.ts): manifest, `_SUCCESS`, `_PUBLISHED.json`, reader views.
 *
 * What Athena cannot see is decided before: the delivery is read by Node first (its SHA-256, header, line
 * ends, UTF-8); a lone carriage return (Athena ends a line there), a record that is not UTF-8 or a BOM
 * without a header refuse the delivery with a message. Athena has no record positions: `_source_record`
 * is 0 and the first occurrence of a value in a file is the row with the smallest `_row_hash`
 * (`lakec check --engine athena` says so).
 */
export interface AthenaEtlNames {
  /** The data buckets, and the Athena results bucket the routed rows are staged in. */
  readonly buckets: BucketNames;
  readonly resultsBucket: string;
}

const printer = new AthenaPrinter();
const STRING: ColumnType = { kind: 'string' };
const BIGINT: ColumnType = { kind: 'bigint' };

const SUPERSEDED: SqlParam = { name: 'superseded_runs', type: STRING, format: 'run_id_list' };
const HEADER_HEX: SqlParam = { name: 'header_hex', type: STRING, format: 'hex' };
const WINDOW_FROM: SqlParam = { name: 'window_from', type: STRING, format: 'partition_key' };
const WINDOW_TO: SqlParam = { name: 'window_to', type: STRING, format: 'partition_key' };

export function athenaEtlPlan(d: DatasetModel, names: AthenaEtlNames): AthenaEtlPlan {
  const tables = datasetTables(d);
  const tableOf = (layer: TableDef['layer']) => tables.find((t) => t.layer === layer)!;
  const silver = tableOf('silver');
  const quarantine = tableOf('quarantine');
  const condemned = tableOf('condemned');
  const linesTable = bronzeLinesTable(d);
  const lines = { database: linesTable.database, name: linesTable.name };
  const { routed, stages, routedPrefix } = athenaEtlStaging(d);

  // The delivery's data records, from the lines table: Athena's text reader has skipped the header line.
  const deliveryLines = and(
    cmp('=', col('ingest_date'), INGEST_DATE_TEXT),
    cmp('=', col('$path'), call('concat', [str(`s3://${names.buckets.bronze}/`), param(SOURCE_FILE_PARAM)], STRING)),
  )!;
  const lineOf = col('line', STRING);
  const valid = cmp('=', call('utf8_lossy', [lineOf], STRING), lineOf);
  const inputs: SqlCte[] = [
    {
      name: RELATIONS.lines,
      query: {
        kind: 'select',
        items: [
          item({ kind: 'cast', operand: int(0), type: BIGINT, safe: false }, 'record'),
          item({ kind: 'case', whens: [{ when: valid, then: lineOf }], type: STRING }, 'line'),
          item({ kind: 'case', whens: [{ when: { kind: 'not', operand: valid }, then: call('utf8_hex', [lineOf], STRING) }], type: STRING }, 'raw_hex'),
        ],
        from: table(lines.name, lines.database),
        where: deliveryLines,
      },
    },
    // The header, read by the backfill's first step (BOM removed), given as hex so that nothing in it reaches the SQL text.
    { name: RELATIONS.header, query: { kind: 'select', items: [item(call('from_hex_utf8', [param(HEADER_HEX)], STRING), 'line')] } },
    {
      name: RELATIONS.published,
      query: {
        kind: 'select',
        items: [item(col('_row_hash')), ...uniqueColumns(d).map(({ column }, k) => item(col(column.name), uniqueColumn(k)))],
        // Published runs (the reader view), but those of this delivery, which the run replaces.
        from: table(silver.readerName, silver.database),
        where: { kind: 'not', operand: call('list_contains', [call('split', [param(SUPERSEDED), str(',')]), col('run_id')], { kind: 'boolean' }) },
      },
    },
  ];
  const queries = etlQueries(d, { order: 'hash', inputs, routedTable: routed });
  const split = recordSplit(d.source);

  const steps = {} as Record<AthenaEtlStepName, AthenaEtlStatement>;
  const add = (name: AthenaEtlStepName, description: string, printed: PrintedSql | string, workgroup: AthenaEtlWorkgroup, database: string) => {
    const p = typeof printed === 'string' ? { text: printed, params: [] } : printed;
    steps[name] = { name, description, sql: p.text, params: p.params.map((x) => x.name as AthenaEtlParam), workgroup, database };
  };
  const drop = (s: { schema: string; name: string }) => printer.print({ kind: 'drop_table', schema: s.schema, name: s.name, ifExists: true });
  add('drop-routed', "Drop the routed rows' staging table (its files stay in the results bucket, which expires them).", drop(routed), 'platform', routed.schema);
  add('drop-silver-stage', 'Drop the silver staging table (its files are the lake\'s).', drop(stages.silver), 'platform', stages.silver.schema);
  add('drop-quarantine-stage', 'Drop the quarantine staging table.', drop(stages.quarantine), 'platform', stages.quarantine.schema);
  add('drop-condemned-stage', 'Drop the condemned staging table.', drop(stages.condemned), 'platform', stages.condemned.schema);

  add(
    'open-quote',
    'Lines of the delivery that leave a quoted cell open: any refuses the delivery (a record across lines).',
    printer.printQuery({
      kind: 'select',
      items: [item({ kind: 'aggregate', fn: 'count', args: [], distinct: false, type: BIGINT }, 'open_lines')],
      from: table(lines.name, lines.database),
      where: and(
        deliveryLines,
        call('contains', [lineOf, str(d.source.quote)], { kind: 'boolean' }),
        { kind: 'regex_match', operand: call('concat', [str(d.source.delimiter), lineOf], STRING), pattern: split.openQuotePattern },
      )!,
    }),
    'platform',
    lines.database,
  );
  add(
    'create-routed',
    'Every record of the delivery and its decision, staged in the results bucket.',
    printer.print({
      kind: 'create_table_as',
      schema: routed.schema,
      name: routed.name,
      location: [`s3://${names.resultsBucket}/${routedPrefix}run_id=`, RUN_ID_PARAM, '/'],
      partitionedBy: [],
      withData: true,
      query: queries.routed,
    }),
    'platform',
    routed.schema,
  );
  add('counts', 'Rows per table, error and condemned reason: the circuit breaker decides before anything is written to the lake.', printer.printQuery(queries.counts), 'platform', routed.schema);

  // Staging tables over the lake's prefixes: INSERT INTO writes the run's files below their partition folders.
  const silverKeys = [...d.partitions.map((p) => p.name), 'schema_v', 'run_id'];
  add('create-silver-stage', "Silver's staging table over the silver prefix, partitioned as silver keys are laid out.", stageDdl(stages.silver, silver, silverKeys, names.buckets.silver), 'platform', stages.silver.schema);
  add('create-quarantine-stage', "Quarantine's staging table over the quarantine prefix.", stageDdl(stages.quarantine, quarantine, ['ingest_date', 'run_id'], names.buckets.quarantine), 'platform', stages.quarantine.schema);
  add('create-condemned-stage', "Condemned's staging table over the condemned prefix.", stageDdl(stages.condemned, condemned, ['ingest_date', 'run_id'], names.buckets.quarantine), 'platform', stages.condemned.schema);

  const partitionKey = silverPartitionKey(d);
  add(
    'partition-windows',
    "Windows of at most 100 of the run's silver partitions (rows window_from, window_to): one INSERT each.",
    printer.printQuery(partitionWindows(partitionKey, routed)),
    'platform',
    routed.schema,
  );
  const silverRows = queries.silver;
  if (silverRows.kind !== 'select') throw new Error('expected a SELECT');
  const silverItems: SqlSelectItem[] = [
    ...silverRows.items.filter((i) => !d.partitions.some((p) => p.name === i.alias)),
    ...d.partitions.map((p) =>
      item(p.transform === 'year' ? { kind: 'cast', operand: col(p.name), type: STRING, safe: false } : call('lpad', [{ kind: 'cast', operand: col(p.name), type: STRING, safe: false }, int(2), str('0')], STRING), p.name),
    ),
    item(str(d.id.schemaV), 'schema_v'),
    item(param(RUN_ID_PARAM), 'run_id'),
  ];
  add(
    'insert-silver',
    "One window of the run's silver rows, into silver/…/{partitions}/schema_v=vN/run_id={run}/.",
    printer.print({
      kind: 'insert',
      schema: stages.silver.schema,
      name: stages.silver.name,
      query: { ...silverRows, items: silverItems, where: and(silverRows.where, { kind: 'between', operand: partitionKey, low: param(WINDOW_FROM), high: param(WINDOW_TO), negated: false }) },
    }),
    'silver',
    stages.silver.schema,
  );
  const rejected = (q: SqlQuery, stage: { schema: string; name: string }) => {
    if (q.kind !== 'select') throw new Error('expected a SELECT');
    return printer.print({ kind: 'insert', schema: stage.schema, name: stage.name, query: { ...q, items: [...q.items, item(INGEST_DATE_TEXT, 'ingest_date'), item(param(RUN_ID_PARAM), 'run_id')] } });
  };
  add('insert-quarantine', "The run's quarantined rows, into quarantine/…/ingest_date=…/run_id={run}/.", rejected(queries.quarantine, stages.quarantine), 'quarantine', stages.quarantine.schema);
  add('insert-condemned', "The run's condemned rows, into condemned/…/ingest_date=…/run_id={run}/.", rejected(queries.condemned, stages.condemned), 'quarantine', stages.condemned.schema);

  const files = (stage: { schema: string; name: string }, byIngestDate: boolean) =>
    printer.printQuery({
      kind: 'select',
      items: [item(col('$path'), 'file'), item({ kind: 'aggregate', fn: 'count', args: [], distinct: false, type: BIGINT }, 'row_count')],
      from: table(stage.name, stage.schema),
      where: and(cmp('=', col('run_id'), param(RUN_ID_PARAM)), byIngestDate ? cmp('=', col('ingest_date'), INGEST_DATE_TEXT) : undefined)!,
      groupBy: [col('$path')],
      orderBy: [{ expr: col('$path') }],
    });
  add('files-silver', "The run's silver files and their rows (for its manifest).", files(stages.silver, false), 'platform', stages.silver.schema);
  add('files-quarantine', "The run's quarantine files and their rows.", files(stages.quarantine, true), 'platform', stages.quarantine.schema);
  add('files-condemned', "The run's condemned files and their rows.", files(stages.condemned, true), 'platform', stages.condemned.schema);

  for (const s of ATHENA_ETL_STEPS) if (!steps[s]) throw new Error(`no statement for ${s}`);
  return { format: ATHENA_PLAN_FORMAT, dataset: datasetKey(d.id), steps, linesTable: lines };
}

/** A table an Athena backfill creates and drops (`schema` is its Glue database). */
export interface StagingTable {
  readonly schema: string;
  readonly name: string;
}

/**
 * What an Athena backfill of `d` stages: the routed rows' table, written under `routedPrefix` of the Athena
 * results bucket, and a staging table over each of silver, quarantine and condemned.
 */
export function athenaEtlStaging(d: DatasetModel): { routed: StagingTable; stages: Record<'silver' | 'quarantine' | 'condemned', StagingTable>; routedPrefix: string } {
  const tables = datasetTables(d);
  const tableOf = (layer: TableDef['layer']) => tables.find((t) => t.layer === layer)!;
  const stage = (layer: 'silver' | 'quarantine' | 'condemned', what: string) => ({ schema: tableOf(layer).database, name: companionTableName(tableOf(layer).readerName, what) });
  return {
    routed: stage('silver', 'etl_routed'),
    stages: { silver: stage('silver', 'etl_silver'), quarantine: stage('quarantine', 'etl_quarantine'), condemned: stage('condemned', 'etl_condemned') },
    routedPrefix: `etl/${d.id.domain}/${d.id.name}/${d.id.schemaV}/`,
  };
}

/** The ingest date as the staging tables' string partition value (`2024-01-31`). */
const INGEST_DATE_TEXT: SqlExpr = { kind: 'cast', operand: param(INGEST_DATE_PARAM), type: STRING, safe: false };

/** `2024|01` — a silver row's partition values, zero-padded so that they sort as they should. */
function silverPartitionKey(d: DatasetModel): SqlExpr {
  if (d.partitions.length === 0) return str('');
  const parts: SqlExpr[] = [];
  d.partitions.forEach((p, i) => {
    if (i) parts.push(str('|'));
    parts.push(call('lpad', [{ kind: 'cast', operand: col(p.name), type: STRING, safe: false }, int(p.transform === 'year' ? 4 : 2), str('0')], STRING));
  });
  return parts.length === 1 ? parts[0]! : call('concat', parts, STRING);
}

function partitionWindows(key: SqlExpr, routed: { schema: string; name: string }): SqlQuery {
  const keys: SqlQuery = { kind: 'select', items: [item(key, 'k')], from: table(routed.name, routed.schema), where: cmp('=', col('_layer'), str('silver')), groupBy: [key] };
  const numbered: SqlQuery = {
    kind: 'select',
    items: [
      item(col('k')),
      item({ kind: 'arithmetic', op: '/', left: { kind: 'arithmetic', op: '-', left: { kind: 'window', fn: 'row_number', args: [], partitionBy: [], orderBy: [{ expr: col('k') }], type: BIGINT }, right: int(1), type: BIGINT }, right: int(100), type: BIGINT }, 'w'),
    ],
    from: { kind: 'subquery', query: keys, alias: 'keys' },
  };
  return {
    kind: 'select',
    items: [item({ kind: 'aggregate', fn: 'min', args: [col('k')], distinct: false, type: STRING }, 'window_from'), item({ kind: 'aggregate', fn: 'max', args: [col('k')], distinct: false, type: STRING }, 'window_to')],
    from: { kind: 'subquery', query: numbered, alias: 'numbered' },
    groupBy: [col('w')],
    orderBy: [{ expr: col('window_from') }],
  };
}

/**
 * CREATE EXTERNAL TABLE (Hive DDL) of a staging table: the lake table's columns over its prefix, the key
 * segments as string partitions (as the keys spell them), Parquet with Snappy. Dropping it never deletes files.
 */
function stageDdl(stage: { schema: string; name: string }, t: TableDef, keys: readonly string[], bucket: string): string {
  const columns = t.columns.map((c) => `  ${hiveIdentifier(c.name)} ${hiveType(c.type)}`);
  return [
    `CREATE EXTERNAL TABLE ${hiveIdentifier(stage.schema)}.${hiveIdentifier(stage.name)} (`,
    columns.join(',\n'),
    ')',
    `PARTITIONED BY (${keys.map((k) => `${hiveIdentifier(k)} string`).join(', ')})`,
    'STORED AS PARQUET',
    `LOCATION ${hiveString(`s3://${bucket}/${t.prefix}`)}`,
    `TBLPROPERTIES (${hiveString('parquet.compression')}=${hiveString('SNAPPY')})`,
  ].join('\n');
}

/** Hive DDL of the lines table (Terraform creates it; printed by `lakec build` for reference). */
export function linesTableDdl(d: DatasetModel, buckets: BucketNames): string {
  return athenaCreateTable(bronzeLinesTable(d), buckets);
}
