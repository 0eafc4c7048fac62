import { compareDecimalText, parseBooleanCell, parseDecimalCell, parseDoubleCell, parseIntegerCell } from '../../runtime/cells/numeric';
import {
  DEFAULT_DATE_FORMAT,
  DEFAULT_TIMESTAMP_FORMAT,
  parseTemporal,
  parseTemporalFormat,
  type TemporalFormat,
} from '../../runtime/cells/temporal-format';
import { formatColumnType, isNumericType, isTemporalType, parseColumnType, type ColumnType } from './column-type';
import { readContractBase } from './contract-rules';
import { closest, type DiagnosticSink } from './diagnostic';
import {
  DEFAULT_QUALITY,
  type ColumnModel,
  type DatasetModel,
  type Delimiter,
  type PartitionModel,
  type PartitionTransform,
  type SourceModel,
} from './dataset-model';
import { parsePortablePattern, type PortablePattern } from './portable-pattern';
import { asArray, asBoolean, asInteger, asNumber, asObject, asString } from './raw-access';
import { RESERVED_WORDS } from './reserved-words';
import type { ValuePath, YamlSource } from './yaml-source';

/** Names the lake adds itself; a contract may not use them for columns or partition keys. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['schema_v', 'run_id', 'ingest_date', 'validation_error', 'attempt_count']);

/** Semantic rules of a `kind: dataset` contract; returns its model when the file has no errors. */
export function checkDataset(source: YamlSource, file: string, sink: DiagnosticSink): DatasetModel | undefined {
  const raw = asObject(source.value) ?? {};
  const errorsBefore = sink.errorCount;
  const base = readContractBase(source, file, sink);
  const src = readSource(source, sink);
  const columns = readColumns(source, src, sink);
  const partitions = readPartitions(source, columns, sink);
  const q = asObject(raw.quality) ?? {};
  const quality = {
    maxQuarantineRate: asNumber(q.max_quarantine_rate) ?? DEFAULT_QUALITY.maxQuarantineRate,
    maxAttempts: asInteger(q.max_attempts) ?? DEFAULT_QUALITY.maxAttempts,
    circuitBreakerPerHour: asInteger(q.circuit_breaker_per_hour) ?? DEFAULT_QUALITY.circuitBreakerPerHour,
  };
  if (sink.errorCount > errorsBefore || !base || !columns) return undefined;
  return { kind: 'dataset', ...base, source: src, columns: columns.map((c) => c.model), partitions, quality };
}

function readSource(source: YamlSource, sink: DiagnosticSink): SourceModel {
  const s = asObject(asObject(source.value)?.source) ?? {};
  const nullValues = asArray(s.null_values)?.filter((v): v is string => typeof v === 'string') ?? [''];
  const seen = new Set<string>();
  nullValues.forEach((v, i) => {
    if (seen.has(v)) sink.warning(source.locate(['source', 'null_values', i]), `null value ${JSON.stringify(v)} is listed twice`);
    seen.add(v);
  });
  return {
    format: 'csv',
    delimiter: (asString(s.delimiter) as Delimiter | undefined) ?? ',',
    header: asBoolean(s.header) ?? true,
    nullValues,
    quote: '"',
  };
}

interface CheckedColumn {
  readonly model: ColumnModel;
  readonly index: number;
}

function readColumns(source: YamlSource, src: SourceModel, sink: DiagnosticSink): CheckedColumn[] | undefined {
  const list = asArray(asObject(source.value)?.columns);
  if (!list) return undefined;
  const out: CheckedColumn[] = [];
  const byName = new Map<string, number>();
  const bySource = new Map<string, number>();
  let complete = true;
  list.forEach((item, index) => {
    const c = asObject(item);
    if (!c) {
      complete = false;
      return;
    }
    const at = (...rest: (string | number)[]): ValuePath => ['columns', index, ...rest];
    const name = asString(c.name);
    if (name !== undefined) {
      const first = byName.get(name);
      if (first !== undefined) {
        sink.error(source.locate(at('name')), `duplicate column \`${name}\``, `it is already column ${first + 1} (line ${source.locate(['columns', first, 'name']).line})`);
      } else {
        byName.set(name, index);
      }
      if (RESERVED_NAMES.has(name)) sink.error(source.locate(at('name')), `\`${name}\` is a name the lake adds itself`, 'choose another column name');
      else if (RESERVED_WORDS.has(name)) sink.warning(source.locate(at('name')), `\`${name}\` is a reserved word in SQL`, `lakec quotes it everywhere; hand-written queries must write "${name}"`);
    }
    const sourceName = asString(c.source_name) ?? name;
    if (c.source_name !== undefined) {
      if (!src.header) sink.warning(source.locate(at('source_name')), '`source_name` has no effect when `source.header` is false', 'without a header, cells are read by position');
      if (typeof c.source_name === 'string' && /[\u0000-\u001f\u007f]/.test(c.source_name)) {
        sink.error(source.locate(at('source_name')), '`source_name` contains a control character or line break');
      }
    }
    if (sourceName !== undefined && src.header) {
      const first = bySource.get(sourceName);
      if (first !== undefined && first !== index) {
        // Two columns of the same name are reported once, as a duplicate column.
        if (c.source_name !== undefined || asString(asObject(list[first])?.source_name) !== undefined) {
          sink.error(source.locate(at(c.source_name !== undefined ? 'source_name' : 'name')), `two columns read the header cell \`${sourceName}\``);
        }
      } else {
        bySource.set(sourceName, index);
      }
    }
    const typeText = asString(c.type);
    let type: ColumnType | undefined;
    if (typeText !== undefined) {
      const parsed = parseColumnType(typeText);
      if (parsed.ok) type = parsed.type;
      else sink.error(source.locate(at('type')), parsed.message, parsed.hint);
    }
    if (!name || !type || !sourceName) {
      complete = false;
      return;
    }
    const model = readColumnRules(source, at, c, name, sourceName, type, sink);
    out.push({ model, index });
  });
  return complete ? out : undefined;
}

function readColumnRules(
  source: YamlSource,
  at: (...rest: (string | number)[]) => ValuePath,
  c: Record<string, unknown>,
  name: string,
  sourceName: string,
  type: ColumnType,
  sink: DiagnosticSink,
): ColumnModel {
  const typeLabel = formatColumnType(type);

  let format: TemporalFormat | undefined;
  if (isTemporalType(type)) format = type.kind === 'date' ? DEFAULT_DATE_FORMAT : DEFAULT_TIMESTAMP_FORMAT;
  const formatText = asString(c.format);
  if (formatText !== undefined) {
    if (!isTemporalType(type)) {
      sink.error(source.locate(at('format')), `\`format\` applies to date and timestamp columns; \`${name}\` is ${typeLabel}`);
    } else {
      const parsed = parseTemporalFormat(formatText, type.kind);
      if (parsed.ok) format = parsed.format;
      else sink.error(source.locateInString(at('format'), parsed.offset), `invalid ${type.kind} format: ${parsed.message}`, parsed.hint);
    }
  }

  let pattern: PortablePattern | undefined;
  const patternText = asString(c.pattern);
  if (patternText !== undefined) {
    if (type.kind !== 'string') {
      sink.error(source.locate(at('pattern')), `\`pattern\` applies to string columns; \`${name}\` is ${typeLabel}`, isNumericType(type) ? 'use min and max for numbers' : undefined);
    } else {
      const parsed = parsePortablePattern(patternText);
      if (parsed.ok) pattern = parsed.pattern;
      else sink.error(source.locateInString(at('pattern'), parsed.offset), `pattern is not portable: ${parsed.message}`, parsed.hint);
    }
  }

  const minLength = asInteger(c.min_length);
  const maxLength = asInteger(c.max_length);
  for (const key of ['min_length', 'max_length'] as const) {
    if (c[key] !== undefined && type.kind !== 'string') {
      sink.error(source.locate(at(key)), `\`${key}\` applies to string columns; \`${name}\` is ${typeLabel}`, isNumericType(type) || isTemporalType(type) ? 'use min and max' : undefined);
    }
  }
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
    sink.error(source.locate(at('min_length')), `min_length ${minLength} is greater than max_length ${maxLength}`);
  }

  /** The cell text of a contract literal, and whether it is a valid cell of this column. */
  const cellOf = (path: ValuePath, v: unknown): string | undefined => {
    const text = typeof v === 'number' ? source.scalarText(path) ?? String(v) : typeof v === 'boolean' ? String(v) : asString(v);
    if (text === undefined) return undefined;
    const problem = cellProblem(text, type, format);
    if (problem) {
      sink.error(source.locate(path), `${show(text)} is not a valid ${typeLabel} value for \`${name}\`: ${problem}`);
      return undefined;
    }
    return text;
  };

  let allowed: string[] | undefined;
  const allowedRaw = asArray(c.allowed);
  if (allowedRaw) {
    if (type.kind === 'boolean') sink.warning(source.locate(at('allowed')), '`allowed` on a boolean column; a boolean is already true or false');
    allowed = [];
    const seen = new Set<string>();
    allowedRaw.forEach((v, i) => {
      const text = cellOf(at('allowed', i), v);
      if (text === undefined) return;
      if (seen.has(text)) sink.warning(source.locate(at('allowed', i)), `allowed value ${show(text)} is listed twice`);
      seen.add(text);
      allowed!.push(text);
      if (type.kind === 'string') {
        const len = [...text].length;
        if (pattern && !new RegExp(`^(?:${pattern.canonical})$`, 'u').test(text)) {
          sink.error(source.locate(at('allowed', i)), `allowed value ${show(text)} does not match the column's pattern`, 'no cell could ever hold it');
        }
        if ((minLength !== undefined && len < minLength) || (maxLength !== undefined && len > maxLength)) {
          sink.error(source.locate(at('allowed', i)), `allowed value ${show(text)} breaks the column's length limits`);
        }
      }
    });
  }

  let min: string | undefined;
  let max: string | undefined;
  for (const key of ['min', 'max'] as const) {
    if (c[key] === undefined) continue;
    if (!isNumericType(type) && !isTemporalType(type)) {
      sink.error(source.locate(at(key)), `\`${key}\` applies to numbers, dates and timestamps; \`${name}\` is ${typeLabel}`, type.kind === 'string' ? `use ${key}_length for string length` : undefined);
      continue;
    }
    const text = cellOf(at(key), c[key]);
    if (key === 'min') min = text;
    else max = text;
  }
  if (min !== undefined && max !== undefined && compareCells(min, max, type, format) > 0) {
    sink.error(source.locate(at('min')), `min ${show(min)} is greater than max ${show(max)}`, 'swap them');
  }
  if (allowed && (min !== undefined || max !== undefined)) {
    for (const [i, v] of allowed.entries()) {
      if ((min !== undefined && compareCells(v, min, type, format) < 0) || (max !== undefined && compareCells(v, max, type, format) > 0)) {
        sink.error(source.locate(at('allowed', i)), `allowed value ${show(v)} is outside min/max`);
      }
    }
  }

  return {
    name,
    sourceName,
    type,
    description: asString(c.description) ?? '',
    required: asBoolean(c.required) ?? false,
    unique: asBoolean(c.unique) ?? false,
    ...(pattern ? { pattern } : {}),
    ...(allowed ? { allowed } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(minLength !== undefined ? { minLength } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(format ? { format } : {}),
  };
}

/** Why `text` is not a valid cell of `type` (DESIGN.md's cell semantics), or undefined when it is. */
export function cellProblem(text: string, type: ColumnType, format: TemporalFormat | undefined): string | undefined {
  switch (type.kind) {
    case 'string':
      return undefined;
    case 'int':
    case 'bigint':
      return parseIntegerCell(text, type.kind) === undefined ? `expected a base-10 whole number in ${type.kind} range` : undefined;
    case 'decimal':
      return parseDecimalCell(text, type.precision, type.scale) === undefined
        ? `expected a plain decimal with at most ${type.scale} fraction digits and ${type.precision - type.scale} integer digits`
        : undefined;
    case 'double':
      return parseDoubleCell(text) === undefined ? 'expected a finite number' : undefined;
    case 'boolean':
      return parseBooleanCell(text) === undefined ? 'expected true or false' : undefined;
    case 'date':
    case 'timestamp':
      return parseTemporal(text, format!, type.kind) === undefined ? `expected a real ${type.kind} in the format ${format!.text}` : undefined;
    default: {
      const never: never = type;
      return `unknown type ${(never as ColumnType).kind}`;
    }
  }
}

function compareCells(a: string, b: string, type: ColumnType, format: TemporalFormat | undefined): number {
  switch (type.kind) {
    case 'int':
    case 'bigint':
    case 'decimal':
      return compareDecimalText(a, b);
    case 'double':
      return Number(a) - Number(b);
    case 'date':
    case 'timestamp':
      return parseTemporal(a, format!, type.kind)! - parseTemporal(b, format!, type.kind)!;
    default:
      return a < b ? -1 : a > b ? 1 : 0;
  }
}

const TRANSFORM_ORDER: Record<PartitionTransform, number> = { year: 0, month: 1, day: 2 };

function readPartitions(source: YamlSource, columns: CheckedColumn[] | undefined, sink: DiagnosticSink): PartitionModel[] {
  const list = asArray(asObject(source.value)?.partitions) ?? [];
  const out: PartitionModel[] = [];
  const names = new Set<string>();
  const transforms = new Map<string, PartitionTransform[]>();
  list.forEach((item, index) => {
    const p = asObject(item);
    if (!p) return;
    const at = (k: string): ValuePath => ['partitions', index, k];
    const name = asString(p.name);
    const from = asString(p.from);
    const transform = asString(p.transform) as PartitionTransform | undefined;
    if (name !== undefined) {
      if (names.has(name)) sink.error(source.locate(at('name')), `duplicate partition key \`${name}\``);
      names.add(name);
      if (columns?.some((c) => c.model.name === name)) {
        sink.error(source.locate(at('name')), `partition key \`${name}\` has the name of a column`, 'partition keys are added to the silver table beside the columns; choose another name');
      }
      if (RESERVED_NAMES.has(name)) sink.error(source.locate(at('name')), `\`${name}\` is a name the lake adds itself`, 'choose another partition key');
    }
    if (from !== undefined && columns) {
      const col = columns.find((c) => c.model.name === from);
      if (!col) {
        const temporal = columns.filter((c) => isTemporalType(c.model.type)).map((c) => c.model.name);
        const near = closest(from, columns.map((c) => c.model.name));
        sink.error(source.locate(at('from')), `partition \`from\` names no column: \`${from}\``, near ? `did you mean \`${near}\`?` : temporal.length ? `date/timestamp columns: ${temporal.join(', ')}` : 'add a date or timestamp column');
      } else if (!isTemporalType(col.model.type)) {
        sink.error(source.locate(at('from')), `partition \`from\` must be a date or timestamp column; \`${from}\` is ${formatColumnType(col.model.type)}`);
      } else if (!col.model.required) {
        sink.error(source.locate(at('from')), `partition column \`${from}\` must be required`, `a null cannot be placed in a partition; add \`required: true\` to column \`${from}\``);
      }
    }
    if (from !== undefined && transform !== undefined && TRANSFORM_ORDER[transform] !== undefined) {
      const list = transforms.get(from) ?? [];
      if (list.includes(transform)) sink.error(source.locate(at('transform')), `\`${from}\` is partitioned by ${transform} twice`);
      const previous = list[list.length - 1];
      if (previous !== undefined && TRANSFORM_ORDER[previous] > TRANSFORM_ORDER[transform]) {
        sink.error(source.locate(at('transform')), `partition by ${transform} comes after ${previous}`, 'order partitions year, month, day');
      }
      if (transform !== 'year' && !list.includes(transform === 'month' ? 'year' : 'month')) {
        sink.error(source.locate(at('transform')), `partition by ${transform} without ${transform === 'month' ? 'year' : 'month'} before it`, transform === 'month' ? 'add `{ name: year, from: …, transform: year }` first' : 'partition by year and month first');
      }
      list.push(transform);
      transforms.set(from, list);
    }
    if (name && from && transform) out.push({ name, from, transform });
  });
  if (transforms.size > 1) sink.error(source.locate(['partitions']), 'partitions must all come from one date or timestamp column');
  return out;
}

function show(text: string): string {
  const clipped = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `\`${clipped}\``;
}
