import { createHash } from 'node:crypto';
import type { CellType, DatasetDescriptor, TableLayout } from '../../runtime/dataset-module';
import { RUNTIME_ERRORS } from '../../runtime/dataset-module';
import type { ColumnModel, DatasetModel } from '../contract/dataset-model';
import { datasetKey } from '../contract/dataset-id';
import { datasetTables } from '../tables/lake-tables';
import type { TableDef } from '../tables/table-def';

/** The order a column's rules are checked in; the first failing rule names the row's error. */
export const RULE_ORDER = ['required', 'type', 'pattern', 'allowed', 'min_length', 'max_length', 'min', 'max'] as const;
export type ColumnRule = (typeof RULE_ORDER)[number];

/** The rules a column has, in checking order. */
export function columnRules(c: ColumnModel): ColumnRule[] {
  const has: Record<ColumnRule, boolean> = {
    required: c.required,
    type: c.type.kind !== 'string',
    pattern: c.pattern !== undefined,
    allowed: c.allowed !== undefined,
    min_length: c.minLength !== undefined,
    max_length: c.maxLength !== undefined,
    min: c.min !== undefined,
    max: c.max !== undefined,
  };
  return RULE_ORDER.filter((r) => has[r]);
}

/** Every error code of a dataset, numbered as the generated validator returns them (DatasetDescriptor.errorCodes). */
export function errorCodes(d: DatasetModel): string[] {
  return [
    '',
    ...RUNTIME_ERRORS,
    ...d.columns.flatMap((c) => columnRules(c).map((r) => `${r}:${c.name}`)),
    ...d.columns.filter((c) => c.unique).map((c) => `unique:${c.name}`),
  ];
}

function layout(t: TableDef): TableLayout {
  return {
    database: t.database,
    name: t.name,
    readerName: t.readerName,
    prefix: t.prefix,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type as CellType })),
    partitionKeys: t.partitionKeys.map((k) => ({ name: k.name, type: k.type.kind })),
  };
}

/** The plain-data description of a dataset contract that its generated module exports. */
export function datasetDescriptor(d: DatasetModel): DatasetDescriptor {
  const tables = datasetTables(d);
  const table = (layer: TableDef['layer']) => layout(tables.find((t) => t.layer === layer)!);
  return {
    format: 'lakec.dataset/1',
    id: { domain: d.id.domain, name: d.id.name, schemaV: d.id.schemaV },
    key: datasetKey(d.id),
    contractFile: d.file,
    contractSha256: createHash('sha256').update(JSON.stringify(d)).digest('hex'),
    deprecated: d.deprecated !== undefined,
    source: { delimiter: d.source.delimiter, quote: d.source.quote, header: d.source.header, nullValues: [...d.source.nullValues] },
    columns: d.columns.map((c) => ({ name: c.name, sourceName: c.sourceName, type: c.type as CellType, required: c.required, unique: c.unique })),
    partitions: d.partitions.map((p) => ({ name: p.name, column: d.columns.findIndex((c) => c.name === p.from), transform: p.transform })),
    quality: { ...d.quality },
    tables: { bronze: table('bronze'), silver: table('silver'), quarantine: table('quarantine'), condemned: table('condemned') },
    errorCodes: errorCodes(d),
  };
}
