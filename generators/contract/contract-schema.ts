import { CLASSIFICATIONS } from './contract-base';
import { PARTITION_TRANSFORMS } from './dataset-model';

/**
 * The JSON Schema (draft 2020-12) of contract files: the structural half of `lakec check` (ajv) and what
 * editors use for completion through `# yaml-language-server: $schema=…`. Semantic rules (types, patterns,
 * references between contracts) live in the checker. The committed copy under dataset-specs/_schema/ is
 * kept equal to this object by a test.
 */
export const CONTRACT_SCHEMA_ID = 'https://lakec.dev/schema/contract.schema.json';

const name = (what: string) => ({
  type: 'string',
  pattern: '^[a-z][a-z0-9_]*$',
  maxLength: 64,
  description: `${what}: lowercase snake_case (a letter, then letters, digits or _), at most 64 characters.`,
});

const description = {
  type: 'string',
  description: 'Plain-words description. Shown in the catalog; the first 255 characters of one line become the Glue comment.',
};

const owners = {
  type: 'object',
  description: 'Who is accountable for the contract and who approves changes to it.',
  additionalProperties: false,
  required: ['owner', 'steward', 'reviewers'],
  properties: {
    owner: { type: 'string', minLength: 1, description: 'Accountable team (e.g. data-platform).' },
    steward: { type: 'string', minLength: 1, description: 'Approves changes to this contract (e.g. mortgages-analysts).' },
    reviewers: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', description: 'A GitHub user (@name) or team (@org/team).' },
      description: 'GitHub users or teams that must review changes; written to CODEOWNERS.',
    },
  },
};

const classification = {
  enum: [...CLASSIFICATIONS],
  description: 'Data classification. confidential and restricted data are encrypted with a customer key; restricted silver is never readable by the finance role.',
};

const deprecated = {
  type: 'object',
  description: 'Marks this schema_v as deprecated; required on the base branch before the version may be removed.',
  additionalProperties: false,
  required: ['since', 'replaced_by'],
  properties: {
    since: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'ISO date (YYYY-MM-DD) from which the version is deprecated.' },
    replaced_by: { type: 'string', pattern: '^v[1-9][0-9]*$', description: 'The schema_v that replaces this one.' },
  },
};

const literal = {
  type: ['string', 'number', 'boolean'],
  description: 'A value written as a cell of the column would be (numbers plain, dates in the column format).',
};

const column = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: {
    name: name('Column name'),
    type: {
      type: 'string',
      description: 'string | int | bigint | double | boolean | date | timestamp | decimal(p,s) (precision 1–38, scale ≤ precision).',
      examples: ['string', 'int', 'bigint', 'double', 'boolean', 'date', 'timestamp', 'decimal(18,2)'],
    },
    description,
    required: { type: 'boolean', description: 'A null cell is a quarantine error (`required`). Default false.' },
    unique: { type: 'boolean', description: 'A value already accepted (in the run or in published silver of this schema_v) with different cells is a quarantine error (`unique`). Default false.' },
    pattern: { type: 'string', description: 'Portable regular expression the whole cell must match (RE2 subset: no \\d \\w \\s \\b, look-around or flags). String columns only.' },
    allowed: { type: 'array', minItems: 1, items: literal, description: 'The only values a cell may hold.' },
    min: { ...literal, description: 'Inclusive lower bound (numbers, dates, timestamps).' },
    max: { ...literal, description: 'Inclusive upper bound (numbers, dates, timestamps).' },
    min_length: { type: 'integer', minimum: 0, description: 'Minimum length in characters (string columns).' },
    max_length: { type: 'integer', minimum: 1, description: 'Maximum length in characters (string columns).' },
    format: { type: 'string', description: "Date/timestamp format: yyyy yy MM dd HH mm ss SSS X and '-quoted literals. Default ISO-8601." },
    source_name: { type: 'string', minLength: 1, description: "The file's header cell for this column, where it differs from name." },
  },
};

const source = {
  type: 'object',
  description: 'How delivered files are read.',
  additionalProperties: false,
  properties: {
    format: { enum: ['csv'], description: 'csv (gzip when the file name ends in .gz).' },
    delimiter: { enum: [',', ';', '\t', '|'], description: 'Cell delimiter. Default ",".' },
    header: { type: 'boolean', description: 'The first record names the columns; cells are matched by name. Default true.' },
    null_values: { type: 'array', items: { type: 'string' }, description: 'Cells read as null. Default [""].' },
    quote: { enum: ['"'], description: 'Quote character (RFC 4180: a quote inside a quoted cell is doubled). Default ".' },
  },
};

const partition = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'from', 'transform'],
  properties: {
    name: name('Partition key'),
    from: { type: 'string', description: 'The date or timestamp column the key is computed from (UTC).' },
    transform: { enum: [...PARTITION_TRANSFORMS], description: 'year | month | day: an integer taken from the column.' },
  },
};

const quality = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_quarantine_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Alarm and run flag above this share of quarantined rows. Default 0.05.' },
    max_attempts: { type: 'integer', minimum: 1, maximum: 100, description: 'Validations before a quarantined row is condemned. Default 3.' },
    circuit_breaker_per_hour: { type: 'integer', minimum: 1, description: 'Rows failing the same rule and column within a rolling hour that halt the run. Default 100.' },
  },
};

const common = {
  kind: {},
  domain: name('Domain (business area)'),
  name: name('Dataset name'),
  schema_v: { type: 'string', pattern: '^v[1-9][0-9]*$', description: 'Schema version: v1, v2, … A breaking change is a new schema_v in a new file.' },
  description,
  owners,
  classification,
  deprecated,
};

const dataset = {
  type: 'object',
  description: 'A CSV delivery validated from bronze into silver.',
  additionalProperties: false,
  required: ['kind', 'domain', 'name', 'schema_v', 'owners', 'classification', 'columns'],
  properties: {
    ...common,
    kind: { const: 'dataset' },
    source,
    columns: { type: 'array', minItems: 1, items: column, description: 'The columns, in the order silver stores them.' },
    partitions: { type: 'array', items: partition, description: 'Silver partition keys, computed from date/timestamp columns (e.g. year, month).' },
    quality,
  },
};

const measure = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'expr'],
  properties: {
    name: name('Measure name'),
    expr: { type: 'string', description: "Aggregate expression over source columns, e.g. sum(amount), count(distinct account_id), sum(amount) filter (where amount < 0)." },
    description,
    running: { type: 'boolean', description: 'Cumulative through each month, carried forward over months without rows (sum and count only).' },
  },
};

const gold = {
  type: 'object',
  description: 'An aggregation of one silver dataset, published as a snapshot for finance.',
  additionalProperties: false,
  required: ['kind', 'domain', 'name', 'schema_v', 'owners', 'classification', 'from', 'time', 'measures'],
  properties: {
    ...common,
    kind: { const: 'gold' },
    from: { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*@v[1-9][0-9]*$', description: 'The source dataset and its pinned version: domain.name@vN.' },
    time: {
      type: 'object',
      additionalProperties: false,
      required: ['column'],
      properties: {
        column: { type: 'string', description: 'Source date/timestamp column that places a row in time.' },
        grain: { enum: ['month'], description: 'Time grain. Default month.' },
        as: { ...name('Gold period column'), description: 'Name of the period column (YYYY-MM), also the partition key. Default as_of_month.' },
      },
    },
    dimensions: { type: 'array', items: { type: 'string' }, description: 'Source columns to group by, besides the period.' },
    filter: { type: 'string', description: 'Row filter applied to the source before aggregating, e.g. "currency <> \'XXX\'".' },
    measures: { type: 'array', minItems: 1, items: measure },
    restatement: {
      type: 'object',
      additionalProperties: false,
      properties: {
        open_months: { type: 'integer', minimum: 1, maximum: 120, description: 'Months (counting the latest) that a new run may change without --allow-restatement. Default 2.' },
      },
    },
  },
};

export const CONTRACT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: CONTRACT_SCHEMA_ID,
  title: 'lakec data contract',
  description: 'A lakec contract: kind dataset (bronze → silver) or kind gold (an aggregation of silver).',
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string', description: 'dataset (a CSV delivery validated from bronze into silver) or gold (an aggregation of silver).' } },
  discriminator: { propertyName: 'kind' },
  oneOf: [{ $ref: '#/$defs/dataset' }, { $ref: '#/$defs/gold' }],
  $defs: { dataset, gold },
} as const;

/** Known field names per object kind, for "did you mean" hints. */
export const KNOWN_FIELDS = {
  dataset: Object.keys(dataset.properties),
  gold: Object.keys(gold.properties),
  column: Object.keys(column.properties),
  source: Object.keys(source.properties),
  partition: Object.keys(partition.properties),
  quality: Object.keys(quality.properties),
  owners: Object.keys(owners.properties),
  measure: Object.keys(measure.properties),
};
