import type { ColumnType } from '../contract/column-type';
import type { BucketRole, PartitionKey, Projection, TableDef, TableStorage } from '../tables/table-def';
import { hiveIdentifier, hiveString } from './hive-quote';

/** Bucket name per role in one environment. */
export type BucketNames = Readonly<Record<BucketRole, string>>;

/** An environment as generators see it: its name and its buckets' names. */
export interface BuildEnvironment {
  readonly name: string;
  readonly buckets: BucketNames;
}

/** Hive/Glue spelling of a column type. */
export function hiveType(t: ColumnType | PartitionKey['type']): string {
  switch (t.kind) {
    case 'string': return 'string';
    case 'int': return 'int';
    case 'bigint': return 'bigint';
    case 'double': return 'double';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'timestamp': return 'timestamp';
    case 'decimal': return `decimal(${t.precision},${t.scale})`;
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as ColumnType).kind}`);
    }
  }
}

/** Athena partition projection properties of one key (`projection.<key>.*`). */
export function projectionProperties(key: PartitionKey): [string, string][] {
  const p: Projection = key.projection;
  const prefix = `projection.${key.name}`;
  switch (p.kind) {
    case 'integer':
      return [
        [`${prefix}.type`, 'integer'],
        [`${prefix}.range`, `${p.min},${p.max}`],
        ...(p.digits ? ([[`${prefix}.digits`, String(p.digits)]] as [string, string][]) : []),
      ];
    case 'date':
      return [
        [`${prefix}.type`, 'date'],
        [`${prefix}.format`, p.format],
        [`${prefix}.range`, `${p.rangeStart},NOW`],
        [`${prefix}.interval`, String(p.interval)],
        [`${prefix}.interval.unit`, p.unit],
      ];
    case 'injected':
      return [[`${prefix}.type`, 'injected']];
  }
}

/** Every table property Athena needs: projection on, each key's projection, the location template, format. */
export function tableProperties(t: TableDef, buckets: BucketNames): [string, string][] {
  return [
    ...(t.storage.kind !== 'parquet' && t.storage.skipHeaderLines > 0 ? ([['skip.header.line.count', String(t.storage.skipHeaderLines)]] as [string, string][]) : []),
    ...(t.storage.kind === 'parquet' ? ([['parquet.compression', 'SNAPPY']] as [string, string][]) : []),
    ['projection.enabled', 'true'],
    ...t.partitionKeys.flatMap(projectionProperties),
    ['storage.location.template', `s3://${buckets[t.bucket]}/${t.locationTemplate}`],
  ];
}

/** The SerDe and file formats a table's storage means, as the Glue catalog records them (stacks/ writes them). */
export interface StorageFormat {
  readonly serde: string;
  readonly serdeParameters: readonly [string, string][];
  readonly inputFormat: string;
  readonly outputFormat: string;
}

export function storageFormat(s: TableStorage): StorageFormat {
  switch (s.kind) {
    case 'csv':
      return {
        serde: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
        serdeParameters: [['separatorChar', s.delimiter], ['quoteChar', s.quote], ['escapeChar', '\\']],
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      };
    case 'lines':
      // A regex SerDe whose one group is the whole line, whatever it holds (`(?s)`: even U+2028).
      return {
        serde: 'org.apache.hadoop.hive.serde2.RegexSerDe',
        serdeParameters: [['input.regex', '(?s)(.*)']],
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      };
    case 'parquet':
      return {
        serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
        serdeParameters: [],
        inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      };
  }
}

/** CREATE EXTERNAL TABLE for Athena, with partition projection so no partition is ever registered. */
export function athenaCreateTable(t: TableDef, buckets: BucketNames): string {
  const columnLines = t.columns.map((c) => `  ${hiveIdentifier(c.name)} ${hiveType(c.type)} COMMENT ${hiveString(c.comment)}`);
  const keyLines = t.partitionKeys.map((k) => `  ${hiveIdentifier(k.name)} ${hiveType(k.type)} COMMENT ${hiveString(k.comment)}`);
  const storage =
    t.storage.kind !== 'parquet'
      ? [
          `ROW FORMAT SERDE ${hiveString(storageFormat(t.storage).serde)}`,
          `WITH SERDEPROPERTIES (${storageFormat(t.storage).serdeParameters.map(([k, v]) => `${hiveString(k)}=${hiveString(v)}`).join(', ')})`,
          'STORED AS TEXTFILE',
        ]
      : ['STORED AS PARQUET'];
  const props = tableProperties(t, buckets).map(([k, v]) => `  ${hiveString(k)}=${hiveString(v)}`);
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${hiveIdentifier(t.database)}.${hiveIdentifier(t.name)} (`,
    columnLines.join(',\n'),
    ')',
    `COMMENT ${hiveString(t.description)}`,
    ...(keyLines.length ? ['PARTITIONED BY (', keyLines.join(',\n'), ')'] : []),
    ...storage,
    `LOCATION ${hiveString(`s3://${buckets[t.bucket]}/${t.prefix}`)}`,
    'TBLPROPERTIES (',
    props.join(',\n'),
    ');',
    '',
  ].join('\n');
}
