import type { ColumnType } from '../contract/column-type';
import { sqlIdentifier, sqlQualified, sqlString } from '../sql/quote';
import type { PartitionKey, TableDef } from '../tables/table-def';

/** DuckDB spelling of a column type. */
export function duckdbType(t: ColumnType | PartitionKey['type']): string {
  switch (t.kind) {
    case 'string': return 'VARCHAR';
    case 'int': return 'INTEGER';
    case 'bigint': return 'BIGINT';
    case 'double': return 'DOUBLE';
    case 'boolean': return 'BOOLEAN';
    case 'date': return 'DATE';
    case 'timestamp': return 'TIMESTAMP';
    case 'decimal': return `DECIMAL(${t.precision},${t.scale})`;
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as ColumnType).kind}`);
    }
  }
}

/**
 * The DuckDB table equivalent to a Glue table (same columns, types, partition keys as columns, comments),
 * used to prove the definitions are valid and that the comments survive quoting.
 */
export function duckdbCreateTable(t: TableDef): string[] {
  const name = sqlQualified(t.database, t.name);
  const cols = [...t.columns, ...t.partitionKeys].map((c) => `${sqlIdentifier(c.name)} ${duckdbType(c.type)}`);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(t.database)}`,
    `CREATE TABLE ${name} (${cols.join(', ')})`,
    `COMMENT ON TABLE ${name} IS ${sqlString(t.description)}`,
    ...[...t.columns, ...t.partitionKeys].map((c) => `COMMENT ON COLUMN ${name}.${sqlIdentifier(c.name)} IS ${sqlString(c.comment)}`),
  ];
}
