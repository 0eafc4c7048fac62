/**
 * Our own JSON Schema for the part of the Open Data Contract Standard v3 (3.0.x) that lakec writes, written
 * from the standard's field descriptions (the official schema file is not on npm and is not copied here).
 * It is as strict as the standard where lakec writes: unknown keys are refused at every level, types and
 * enumerations are the standard's, and each logical type allows only its own logicalTypeOptions.
 */
const customProperties = {
  type: 'array',
  items: { type: 'object', required: ['property', 'value'], additionalProperties: false, properties: { property: { type: 'string' }, value: {} } },
};

const tags = { type: 'array', items: { type: 'string' } };

const quality = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      description: { type: 'string' },
      type: { enum: ['text', 'library', 'sql', 'custom'] },
      dimension: { enum: ['accuracy', 'completeness', 'conformity', 'consistency', 'coverage', 'timeliness', 'uniqueness'] },
      severity: { type: 'string' },
      businessImpact: { type: 'string' },
      rule: { type: 'string' },
      validValues: { type: 'array' },
      mustBe: {},
      query: { type: 'string' },
      engine: { type: 'string' },
      implementation: {},
      customProperties,
      tags,
    },
    allOf: [
      { if: { properties: { type: { const: 'library' } }, required: ['type'] }, then: { required: ['rule'] } },
      { if: { properties: { type: { const: 'sql' } }, required: ['type'] }, then: { required: ['query'] } },
      { if: { properties: { type: { const: 'custom' } }, required: ['type'] }, then: { required: ['engine', 'implementation'] } },
    ],
  },
};

const options = (props: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, properties: props });
const numberOptions = (formats: string[]) =>
  options({ minimum: { type: 'number' }, maximum: { type: 'number' }, exclusiveMinimum: { type: 'boolean' }, exclusiveMaximum: { type: 'boolean' }, multipleOf: { type: 'number' }, format: { enum: formats } });

const schemaProperty = {
  type: 'object',
  required: ['name'],
  unevaluatedProperties: false,
  properties: {
    name: { type: 'string' },
    businessName: { type: 'string' },
    description: { type: 'string' },
    logicalType: { enum: ['string', 'date', 'number', 'integer', 'object', 'array', 'boolean'] },
    logicalTypeOptions: { type: 'object' },
    physicalType: { type: 'string' },
    required: { type: 'boolean' },
    unique: { type: 'boolean' },
    primaryKey: { type: 'boolean' },
    primaryKeyPosition: { type: 'integer' },
    partitioned: { type: 'boolean' },
    partitionKeyPosition: { type: 'integer' },
    classification: { type: 'string' },
    encryptedName: { type: 'string' },
    transformSourceObjects: { type: 'array', items: { type: 'string' } },
    transformLogic: { type: 'string' },
    transformDescription: { type: 'string' },
    examples: { type: 'array' },
    criticalDataElement: { type: 'boolean' },
    quality,
    tags,
    customProperties,
  },
  allOf: [
    { if: { properties: { logicalType: { const: 'string' } }, required: ['logicalType'] }, then: { properties: { logicalTypeOptions: options({ minLength: { type: 'integer', minimum: 0 }, maxLength: { type: 'integer', minimum: 0 }, pattern: { type: 'string' }, format: { type: 'string' } }) } } },
    { if: { properties: { logicalType: { const: 'date' } }, required: ['logicalType'] }, then: { properties: { logicalTypeOptions: options({ format: { type: 'string' }, minimum: { type: 'string' }, maximum: { type: 'string' }, exclusiveMinimum: { type: 'boolean' }, exclusiveMaximum: { type: 'boolean' } }) } } },
    { if: { properties: { logicalType: { const: 'integer' } }, required: ['logicalType'] }, then: { properties: { logicalTypeOptions: numberOptions(['i8', 'i16', 'i32', 'i64', 'i128', 'u8', 'u16', 'u32', 'u64', 'u128']) } } },
    { if: { properties: { logicalType: { const: 'number' } }, required: ['logicalType'] }, then: { properties: { logicalTypeOptions: numberOptions(['f32', 'f64']) } } },
    { if: { properties: { logicalType: { const: 'boolean' } }, required: ['logicalType'] }, then: { not: { required: ['logicalTypeOptions'] } } },
  ],
};

const schemaObject = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    physicalName: { type: 'string' },
    physicalType: { type: 'string' },
    logicalType: { const: 'object' },
    description: { type: 'string' },
    businessName: { type: 'string' },
    dataGranularityDescription: { type: 'string' },
    properties: { type: 'array', items: schemaProperty },
    quality,
    tags,
    customProperties,
  },
};

export const ODCS_V3_SUBSET_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  title: 'ODCS v3.0.x, the part lakec writes (our own subset)',
  type: 'object',
  required: ['version', 'apiVersion', 'kind', 'id', 'status'],
  additionalProperties: false,
  properties: {
    version: { type: 'string' },
    apiVersion: { enum: ['v3.0.0', 'v3.0.1', 'v3.0.2'] },
    kind: { const: 'DataContract' },
    id: { type: 'string' },
    name: { type: 'string' },
    tenant: { type: 'string' },
    status: { type: 'string' },
    domain: { type: 'string' },
    dataProduct: { type: 'string' },
    description: { type: 'object', additionalProperties: false, properties: { usage: { type: 'string' }, purpose: { type: 'string' }, limitations: { type: 'string' }, customProperties } },
    tags,
    schema: { type: 'array', items: schemaObject },
    team: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, properties: { username: { type: 'string' }, role: { type: 'string' }, dateIn: { type: 'string' }, dateOut: { type: 'string' }, replacedByUsername: { type: 'string' } } },
    },
    roles: { type: 'array' },
    servers: { type: 'array' },
    slaProperties: { type: 'array' },
    support: { type: 'array' },
    price: { type: 'object' },
    customProperties,
    contractCreatedTs: { type: 'string' },
  },
} as const;
