import { isNumericType, type ColumnType } from '../contract/column-type';
import { datasetKey, schemaVNumber } from '../contract/dataset-id';
import type { ColumnModel, DatasetModel } from '../contract/dataset-model';
import type { GoldModel } from '../contract/gold-model';
import type { ContractModel } from '../contract/lake-model';
import { hiveType } from '../ddl/athena-ddl';
import { lakeTables } from '../tables/lake-tables';
import { DEFAULT_DATE_FORMAT, DEFAULT_TIMESTAMP_FORMAT } from '../../runtime/cells/temporal-format';
import { NumberText, toYaml } from './odcs-yaml';

/** The ODCS release lakec writes (and the v3.0.x / v3.1.0 releases it reads). */
export const ODCS_API_VERSION = 'v3.0.2';

/** customProperties lakec writes for what ODCS has no field of its own; import reads them back. */
export const LAKEC_PROPERTY = {
  kind: 'lakecKind',
  file: 'lakecFile',
  classification: 'lakecClassification',
  source: 'lakecSource',
  quality: 'lakecQuality',
  deprecated: 'lakecDeprecated',
  from: 'lakecFrom',
  time: 'lakecTime',
  filter: 'lakecFilter',
  restatement: 'lakecRestatement',
  sourceName: 'lakecSourceName',
  role: 'lakecRole',
  running: 'lakecRunning',
} as const;

type Json = NumberText | string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

function custom(entries: readonly (readonly [string, Json | undefined])[]): Json[] | undefined {
  const list = entries.filter(([, v]) => v !== undefined).map(([property, value]) => ({ property, value: value! }));
  return list.length ? list : undefined;
}

/** ODCS logical type of a column type (v3.0 has no timestamp: a timestamp is a date with physicalType timestamp). */
export function logicalTypeOf(t: ColumnType): { logicalType: string; format?: string } {
  switch (t.kind) {
    case 'string':
      return { logicalType: 'string' };
    case 'int':
      return { logicalType: 'integer', format: 'i32' };
    case 'bigint':
      return { logicalType: 'integer', format: 'i64' };
    case 'double':
      return { logicalType: 'number', format: 'f64' };
    case 'decimal':
      return { logicalType: 'number' };
    case 'boolean':
      return { logicalType: 'boolean' };
    case 'date':
    case 'timestamp':
      return { logicalType: 'date' };
    default: {
      const never: never = t;
      return never;
    }
  }
}

/** The file name a contract gets by convention: `transactions.yaml` for v1, `transactions.v2.yaml` after. */
export function conventionalFile(c: { id: { domain: string; name: string; schemaV: string } }): string {
  return `${c.id.domain}/${c.id.name}${c.id.schemaV === 'v1' ? '' : `.${c.id.schemaV}`}.yaml`;
}

function bound(c: ColumnModel, text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  return isNumericType(c.type) ? new NumberText(text) : text;
}

function isDefaultFormat(c: ColumnModel): boolean {
  const d = c.type.kind === 'date' ? DEFAULT_DATE_FORMAT : DEFAULT_TIMESTAMP_FORMAT;
  return !!c.format && c.format.text === d.text && JSON.stringify(c.format.tokens) === JSON.stringify(d.tokens);
}

function columnProperty(c: ColumnModel): Json {
  const { logicalType, format } = logicalTypeOf(c.type);
  const temporal = c.type.kind === 'date' || c.type.kind === 'timestamp';
  const options: Record<string, Json | undefined> = {
    format: temporal ? (isDefaultFormat(c) ? undefined : c.format?.text) : format,
    pattern: c.pattern?.source,
    minLength: c.minLength,
    maxLength: c.maxLength,
    minimum: bound(c, c.min),
    maximum: bound(c, c.max),
  };
  const hasOptions = Object.values(options).some((v) => v !== undefined);
  return {
    name: c.name,
    logicalType,
    physicalType: hiveType(c.type),
    description: c.description || undefined,
    required: c.required,
    unique: c.unique,
    logicalTypeOptions: hasOptions ? options : undefined,
    quality: c.allowed
      ? [{ name: `${c.name}_allowed`, type: 'library', rule: 'validValues', validValues: c.allowed.map((v) => (isNumericType(c.type) ? new NumberText(v) : v)), dimension: 'conformity', severity: 'error' }]
      : undefined,
    customProperties: custom([[LAKEC_PROPERTY.sourceName, c.sourceName !== c.name ? c.sourceName : undefined]]),
  };
}

function datasetSchema(d: DatasetModel, physicalName: string): Json {
  return {
    name: `${d.id.name}_${d.id.schemaV}`,
    physicalName,
    physicalType: 'table',
    logicalType: 'object',
    description: d.description || undefined,
    properties: [
      ...d.columns.map(columnProperty),
      ...d.partitions.map((p, i) => ({
        name: p.name,
        logicalType: 'integer',
        physicalType: 'int',
        description: `${p.transform} of ${p.from} (UTC)`,
        required: true,
        partitioned: true,
        partitionKeyPosition: i + 1,
        transformSourceObjects: [p.from],
        transformLogic: `${p.transform}(${p.from})`,
      })),
    ],
  };
}

function goldSchema(g: GoldModel, physicalName: string, sourceTable: string): Json {
  return {
    name: `${g.id.name}_${g.id.schemaV}`,
    physicalName,
    physicalType: 'view',
    logicalType: 'object',
    description: g.description || undefined,
    dataGranularityDescription: `One row per ${[...g.dimensions.map((d) => d.name), g.time.as].join(', ')}`,
    properties: [
      ...g.dimensions.map((d) => ({
        name: d.name,
        ...logicalTypeOnly(d.type),
        physicalType: hiveType(d.type),
        description: d.description || undefined,
        transformSourceObjects: [sourceTable],
        transformLogic: d.name,
        customProperties: custom([[LAKEC_PROPERTY.role, 'dimension']]),
      })),
      {
        name: g.time.as,
        logicalType: 'string',
        physicalType: 'string',
        description: `The ${g.time.grain} (YYYY-MM, UTC) of ${g.time.column}`,
        required: true,
        partitioned: true,
        partitionKeyPosition: 1,
        transformSourceObjects: [sourceTable],
        transformLogic: `${g.time.grain}(${g.time.column})`,
        customProperties: custom([[LAKEC_PROPERTY.role, 'period']]),
      },
      ...g.measures.map((m) => ({
        name: m.name,
        ...logicalTypeOnly(m.type),
        physicalType: hiveType(m.type),
        description: m.description || undefined,
        transformSourceObjects: [sourceTable],
        transformLogic: m.text,
        customProperties: custom([
          [LAKEC_PROPERTY.role, 'measure'],
          [LAKEC_PROPERTY.running, m.running ? true : undefined],
        ]),
      })),
    ],
  };
}

function logicalTypeOnly(t: ColumnType): Record<string, Json> {
  const { logicalType, format } = logicalTypeOf(t);
  return format ? { logicalType, logicalTypeOptions: { format } } : { logicalType };
}

/** One ODCS v3 document for one contract (one schema_v): the reader table as its one schema object. */
export function exportOdcs(c: ContractModel): string {
  const tables = lakeTables({ contracts: [c] });
  const reader = tables.find((t) => t.layer === (c.kind === 'dataset' ? 'silver' : 'gold'))!;
  const physicalName = `${reader.database}.${reader.readerName}`;
  const base = {
    apiVersion: ODCS_API_VERSION,
    kind: 'DataContract',
    id: datasetKey(c.id),
    name: c.id.name,
    version: `${schemaVNumber(c.id.schemaV)}.0.0`,
    status: c.deprecated ? 'deprecated' : 'active',
    domain: c.id.domain,
    dataProduct: `${c.id.domain}.${c.id.name}`,
    description: c.description ? { purpose: c.description } : undefined,
    tags: ['lakec', c.kind === 'dataset' ? 'silver' : 'gold', c.classification],
  };
  const schema =
    c.kind === 'dataset'
      ? datasetSchema(c, physicalName)
      : goldSchema(c, physicalName, `silver_${c.from.domain}.${c.from.name}_${c.from.schemaV}`);
  const doc = {
    ...base,
    schema: [schema],
    team: [
      { username: c.owners.owner, role: 'owner' },
      { username: c.owners.steward, role: 'steward' },
      ...c.owners.reviewers.map((r) => ({ username: r, role: 'reviewer' })),
    ],
    customProperties: custom([
      [LAKEC_PROPERTY.kind, c.kind],
      [LAKEC_PROPERTY.file, c.file !== conventionalFile(c) ? c.file : undefined],
      [LAKEC_PROPERTY.classification, c.classification],
      [LAKEC_PROPERTY.deprecated, c.deprecated ? { since: c.deprecated.since, replaced_by: c.deprecated.replacedBy } : undefined],
      ...(c.kind === 'dataset'
        ? ([
            [LAKEC_PROPERTY.source, { format: c.source.format, delimiter: c.source.delimiter, header: c.source.header, null_values: [...c.source.nullValues] }],
            [LAKEC_PROPERTY.quality, { max_quarantine_rate: new NumberText(String(c.quality.maxQuarantineRate)), max_attempts: c.quality.maxAttempts, circuit_breaker_per_hour: c.quality.circuitBreakerPerHour }],
          ] as const)
        : ([
            [LAKEC_PROPERTY.from, datasetKey(c.from)],
            [LAKEC_PROPERTY.time, { column: c.time.column, grain: c.time.grain, as: c.time.as }],
            [LAKEC_PROPERTY.filter, c.filter?.text],
            [LAKEC_PROPERTY.restatement, { open_months: c.openMonths }],
          ] as const)),
    ]),
  };
  return toYaml(stripUndefined(doc));
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (value && typeof value === 'object' && !(value instanceof NumberText)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)]));
  }
  return value;
}

/** `mortgages.transactions.v1.odcs.yaml`: the export's file name per contract. */
export function odcsFileName(c: ContractModel): string {
  return `${c.id.domain}.${c.id.name}.${c.id.schemaV}.odcs.yaml`;
}
