import type { ColumnType } from '../contract/column-type';
import { createHash } from 'node:crypto';
import { datasetKey } from '../contract/dataset-id';
import type { DatasetModel } from '../contract/dataset-model';
import type { GoldModel } from '../contract/gold-model';
import type { ContractModel, LakeModel } from '../contract/lake-model';
import { glueComment } from './glue-comment';
import type { Layer, PartitionKey, TableColumn, TableDef } from './table-def';

const STRING: ColumnType = { kind: 'string' };

/** DESIGN.md's metadata columns on every silver row. */
export const SILVER_METADATA: readonly TableColumn[] = [
  col('_run_id', STRING, 'Run that wrote the row (YYYYMMDDTHHMMSSZ).'),
  col('_ingest_date', { kind: 'date' }, 'UTC date the delivery arrived in bronze.'),
  col('_source_file', STRING, 'Bronze key of the delivered file.'),
  col('_source_record', { kind: 'bigint' }, '1-based record number in the delivered file.'),
  col('_row_hash', STRING, 'Lowercase hex SHA-256 over the raw cells, each as byte length, colon, cell (null as -).'),
];

/** Columns after the original cells in quarantine and condemned rows. */
export const QUARANTINE_METADATA: readonly TableColumn[] = [
  col('_raw_record', STRING, 'The whole record as delivered, when its cells could not be matched to columns (hex when not UTF-8).'),
  col('validation_error', STRING, 'Rule and column that failed, e.g. pattern:account_id.'),
  col('attempt_count', { kind: 'int' }, 'Validations so far: 1 on delivery, +1 per lakec retry.'),
  ...SILVER_METADATA,
];

export const CONDEMNED_METADATA: readonly TableColumn[] = [
  ...QUARANTINE_METADATA,
  col('condemned_reason', STRING, 'duplicate (an exact copy of an accepted row) or max_attempts.'),
];

export const GOLD_METADATA: readonly TableColumn[] = [
  col('_run_id', STRING, 'Gold run that computed the row.'),
  col('_published_at', { kind: 'timestamp' }, 'When that run was published (UTC).'),
];

const RUN_ID: PartitionKey = { name: 'run_id', type: { kind: 'string' }, comment: 'Run isolation: one prefix per run; readers select published runs.', projection: { kind: 'injected' } };
const INGEST_DATE: PartitionKey = {
  name: 'ingest_date',
  type: { kind: 'string' },
  comment: 'UTC date the delivery arrived (YYYY-MM-DD).',
  projection: { kind: 'date', format: 'yyyy-MM-dd', rangeStart: '2000-01-01', interval: 1, unit: 'DAYS' },
};

/** `silver/mortgages/transactions/` and friends: each layer's key prefix for a dataset (DESIGN.md, lake layout). */
export function layerPrefix(layer: Layer, c: ContractModel): string {
  const { domain, name, schemaV } = c.id;
  switch (layer) {
    case 'bronze':
      return `bronze/${domain}/${name}/`;
    case 'silver':
      return `silver/${domain}/${name}/`;
    case 'quarantine':
      return `quarantine/${domain}/${name}/schema_v=${schemaV}/`;
    case 'condemned':
      return `condemned/${domain}/${name}/schema_v=${schemaV}/`;
    case 'gold':
      return `gold/${domain}/${name}/schema_v=${schemaV}/`;
  }
}

/** Every physical table of the lake, in a stable order. */
export function lakeTables(model: LakeModel): TableDef[] {
  return model.contracts.flatMap(contractTables);
}

/** One contract's tables: a dataset's four, a Gold contract's one. */
export function contractTables(c: ContractModel): readonly TableDef[] {
  return c.kind === 'dataset' ? datasetTables(c) : [goldTable(c)];
}

const tablesOf = new WeakMap<DatasetModel, readonly TableDef[]>();

/** A dataset contract's four tables: bronze, silver, quarantine, condemned (built once per model; immutable). */
export function datasetTables(d: DatasetModel): readonly TableDef[] {
  let tables = tablesOf.get(d);
  if (!tables) tablesOf.set(d, (tables = Object.freeze([bronzeTable(d), silverTable(d), quarantineTable(d, 'quarantine'), quarantineTable(d, 'condemned')])));
  return tables;
}

/** Every Glue table of the platform, as Terraform deploys them: the lake's and the backfills' lines tables. */
export function glueTables(model: LakeModel): TableDef[] {
  return [...lakeTables(model), ...backfillTables(model)];
}

/**
 * The tables Athena backfills read besides the lake's own (generators/sql/etl/athena-etl.ts): per dataset
 * contract its bronze deliveries a line per row. Terraform owns them like every other table.
 */
export function backfillTables(model: LakeModel): TableDef[] {
  return model.contracts.flatMap((c) => (c.kind === 'dataset' ? [bronzeLinesTable(c)] : []));
}

/** `bronze_{domain}.{name}_{v}__lines`: the bronze prefix again, one string column holding each line whole. */
export function bronzeLinesTable(d: DatasetModel): TableDef {
  const bronze = datasetTables(d)[0]!;
  const name = companionTableName(bronze.readerName, 'lines');
  return {
    ...bronze,
    name,
    readerName: name,
    description: glueComment(`Bronze deliveries of ${datasetKey(d.id)} a line per row, for Athena backfills: lakec splits and checks the cells.`),
    columns: [col('line', STRING, 'One line of a delivery, exactly as delivered (the line end removed).')],
    storage: { kind: 'lines', skipHeaderLines: d.source.header ? 1 : 0 },
  };
}

/** `{reader}__{what}`, shortened with a hash where a long name would pass Glue's 128 characters. */
export function companionTableName(readerName: string, what: string): string {
  const name = `${readerName}__${what}`;
  if (name.length <= 128) return name;
  return `${readerName.slice(0, 100 - what.length)}_${createHash('sha256').update(readerName).digest('hex').slice(0, 12)}__${what}`;
}

function base(c: ContractModel, layer: Layer) {
  const readerName = `${c.id.name}_${c.id.schemaV}${layer === 'condemned' ? '_condemned' : ''}`;
  return {
    layer,
    contract: c.id,
    database: `${layer === 'condemned' ? 'quarantine' : layer}_${c.id.domain}`,
    readerName,
    name: layer === 'bronze' ? readerName : `${readerName}_all_runs`,
    prefix: layerPrefix(layer, c),
  };
}

function bronzeTable(d: DatasetModel): TableDef {
  const b = base(d, 'bronze');
  // Bronze is read positionally by Athena's CSV SerDe: all strings, in file order (header names are not checked here).
  return {
    ...b,
    description: glueComment(`Raw deliveries of ${datasetKey(d.id)} as strings, exactly as received. ${d.description}`),
    columns: d.columns.map((c) => col(c.name, STRING, c.sourceName === c.name ? c.description : `${c.description} (header: ${c.sourceName})`)),
    partitionKeys: [INGEST_DATE],
    storage: { kind: 'csv', delimiter: d.source.delimiter, quote: d.source.quote, skipHeaderLines: d.source.header ? 1 : 0 },
    bucket: 'bronze',
    // Files sit below run_id=…/ inside each ingest_date partition; Athena reads the partition recursively.
    locationTemplate: `${b.prefix}ingest_date=\${ingest_date}/`,
  };
}

function silverTable(d: DatasetModel): TableDef {
  const b = base(d, 'silver');
  const keys: PartitionKey[] = d.partitions.map((p) => ({
    name: p.name,
    type: { kind: 'int' },
    comment: glueComment(`${p.transform} of ${p.from} (UTC)`),
    projection:
      p.transform === 'year'
        ? { kind: 'integer', min: 1900, max: 2100 }
        : { kind: 'integer', min: 1, max: p.transform === 'month' ? 12 : 31, digits: 2 },
  }));
  const path = d.partitions.map((p) => `${p.name}=\${${p.name}}/`).join('');
  return {
    ...b,
    description: glueComment(`Validated ${datasetKey(d.id)}, all runs. ${d.description}`),
    columns: [...d.columns.map((c) => col(c.name, c.type, c.description)), ...SILVER_METADATA],
    partitionKeys: [...keys, RUN_ID],
    storage: { kind: 'parquet' },
    bucket: 'silver',
    locationTemplate: `${b.prefix}${path}schema_v=${d.id.schemaV}/run_id=\${run_id}/`,
  };
}

function quarantineTable(d: DatasetModel, layer: 'quarantine' | 'condemned'): TableDef {
  const b = base(d, layer);
  const what = layer === 'quarantine' ? 'Rows of' : 'Condemned rows (duplicates, or failed at max_attempts) of';
  return {
    ...b,
    description: glueComment(`${what} ${datasetKey(d.id)} with their original cells and the reason, all runs.`),
    columns: [
      ...d.columns.map((c) => col(c.name, STRING, `Original cell: ${c.description}`)),
      ...(layer === 'quarantine' ? QUARANTINE_METADATA : CONDEMNED_METADATA),
    ],
    partitionKeys: [INGEST_DATE, RUN_ID],
    storage: { kind: 'parquet' },
    bucket: 'quarantine',
    locationTemplate: `${b.prefix}ingest_date=\${ingest_date}/run_id=\${run_id}/`,
  };
}

function goldTable(g: GoldModel): TableDef {
  const b = base(g, 'gold');
  return {
    ...b,
    description: glueComment(`${datasetKey(g.id)}, all runs. ${g.description}`),
    columns: [
      ...g.dimensions.map((d) => col(d.name, d.type, d.description || `Dimension from ${datasetKey(g.from)}.`)),
      ...g.measures.map((m) => col(m.name, m.type, m.description || m.text)),
      ...GOLD_METADATA,
    ],
    partitionKeys: [
      RUN_ID,
      {
        name: g.time.as,
        type: { kind: 'string' },
        comment: 'Month (YYYY-MM, UTC) the row reports on.',
        projection: { kind: 'date', format: 'yyyy-MM', rangeStart: '2000-01', interval: 1, unit: 'MONTHS' },
      },
    ],
    storage: { kind: 'parquet' },
    bucket: 'gold',
    locationTemplate: `${b.prefix}run_id=\${run_id}/${g.time.as}=\${${g.time.as}}/`,
  };
}

function col(name: string, type: ColumnType, description: string): TableColumn {
  return { name, type, comment: glueComment(description) };
}

