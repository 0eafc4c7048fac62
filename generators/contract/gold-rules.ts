import { formatColumnType, isTemporalType } from './column-type';
import type { Classification } from './contract-base';
import { CLASSIFICATIONS } from './contract-base';
import { readContractBase } from './contract-rules';
import { RESERVED_NAMES } from './dataset-rules';
import { closest, type DiagnosticSink } from './diagnostic';
import { parseDatasetRef } from './dataset-id';
import type { DatasetModel } from './dataset-model';
import { parseExpression, type Expr } from './expression';
import { checkExpression, type ExprColumn, type ValueType } from './expression-type';
import type { GoldDimension, GoldFilter, GoldModel, MeasureModel } from './gold-model';
import { asArray, asBoolean, asInteger, asObject, asString } from './raw-access';
import { RESERVED_WORDS } from './reserved-words';
import type { ValuePath, YamlSource } from './yaml-source';

/** Every dataset contract by `domain.name@vN`; `broken` when its file has errors (checked there). */
export type DatasetIndex = ReadonlyMap<string, DatasetModel | 'broken'>;


/** Semantic rules of a `kind: gold` contract against its source dataset; returns the model when the file has no errors. */
export function checkGold(source: YamlSource, file: string, datasets: DatasetIndex, sink: DiagnosticSink): GoldModel | undefined {
  const raw = asObject(source.value) ?? {};
  const errorsBefore = sink.errorCount;
  const base = readContractBase(source, file, sink);
  const fromText = asString(raw.from);
  if (fromText === undefined) return undefined;
  const ref = parseDatasetRef(fromText);
  if (!ref?.schemaV) return undefined;
  const key = `${ref.domain}.${ref.name}@${ref.schemaV}`;
  const target = datasets.get(key);
  if (target === undefined) {
    const versions = [...datasets.keys()].filter((k) => k.startsWith(`${ref.domain}.${ref.name}@`)).map((k) => k.split('@')[1]);
    const names = [...new Set([...datasets.keys()].map((k) => k.split('@')[0]!))];
    const near = closest(`${ref.domain}.${ref.name}`, names);
    sink.error(
      source.locate(['from']),
      `\`from\` names no dataset contract: \`${key}\``,
      versions.length ? `versions of ${ref.domain}.${ref.name}: ${versions.join(', ')}` : near ? `did you mean \`${near}@${ref.schemaV}\`?` : 'a Gold contract aggregates a `kind: dataset` contract',
    );
    return undefined;
  }
  if (target === 'broken') return undefined;
  if (target.deprecated) {
    sink.warning(source.locate(['from']), `source \`${key}\` is deprecated since ${target.deprecated.since}`, `move to ${target.id.domain}.${target.id.name}@${target.deprecated.replacedBy} in a new schema_v of this Gold contract`);
  }

  const columns = new Map<string, ExprColumn>(target.columns.map((c) => [c.name, { type: c.type, ...(c.allowed ? { allowed: c.allowed } : {}) }]));
  const columnNames = target.columns.map((c) => c.name);

  const t = asObject(raw.time) ?? {};
  const timeColumn = asString(t.column);
  const timeAs = asString(t.as) ?? 'as_of_month';
  if (RESERVED_NAMES.has(timeAs)) sink.error(source.locate(['time', 'as']), `\`${timeAs}\` is a name the lake adds itself`, 'the default is as_of_month');
  if (timeColumn !== undefined) {
    const col = target.columns.find((c) => c.name === timeColumn);
    if (!col) {
      const near = closest(timeColumn, columnNames);
      sink.error(source.locate(['time', 'column']), `\`time.column\` names no column of ${key}: \`${timeColumn}\``, near ? `did you mean \`${near}\`?` : undefined);
    } else if (!isTemporalType(col.type)) {
      sink.error(source.locate(['time', 'column']), `\`time.column\` must be a date or timestamp column; \`${timeColumn}\` is ${formatColumnType(col.type)}`);
    } else if (!col.required) {
      sink.warning(source.locate(['time', 'column']), `\`${timeColumn}\` is optional in ${key}; rows without it fall in no month and are left out`);
    }
  }

  const dimensions: GoldDimension[] = [];
  (asArray(raw.dimensions) ?? []).forEach((d, i) => {
    if (typeof d !== 'string') return;
    const at: ValuePath = ['dimensions', i];
    if (!columns.has(d)) {
      const near = closest(d, columnNames);
      sink.error(source.locate(at), `dimension \`${d}\` is not a column of ${key}`, near ? `did you mean \`${near}\`?` : `columns: ${columnNames.join(', ')}`);
      return;
    }
    if (dimensions.some((x) => x.name === d)) sink.error(source.locate(at), `dimension \`${d}\` is listed twice`);
    else if (d === timeColumn) sink.error(source.locate(at), `\`${d}\` is the time column; it is grouped by \`${timeAs}\` already`);
    else {
      const type = columns.get(d)!.type;
      if (type.kind === 'double' || type.kind === 'timestamp') sink.warning(source.locate(at), `grouping by ${formatColumnType(type)} column \`${d}\` makes a group per distinct value`);
      const column = target.columns.find((c) => c.name === d)!;
      dimensions.push({ name: d, type, description: column.description });
    }
  });

  let filter: GoldFilter | undefined;
  const filterText = asString(raw.filter);
  if (filterText !== undefined) {
    const checked = parseChecked(source, ['filter'], filterText, columns, 'filter', new Set(), sink);
    if (checked) filter = { text: filterText, expr: checked.expr };
  }

  const measures: MeasureModel[] = [];
  const taken = new Map<string, string>([[timeAs, '`time.as`'], ...dimensions.map((d): [string, string] => [d.name, 'a dimension'])]);
  (asArray(raw.measures) ?? []).forEach((item, i) => {
    const m = asObject(item);
    if (!m) return;
    const at = (k: string): ValuePath => ['measures', i, k];
    const name = asString(m.name);
    if (name !== undefined) {
      const clash = taken.get(name);
      if (clash) sink.error(source.locate(at('name')), `measure \`${name}\` has the name of ${clash}`);
      if (RESERVED_NAMES.has(name)) sink.error(source.locate(at('name')), `\`${name}\` is a name the lake adds itself`, 'choose another measure name');
      if (RESERVED_WORDS.has(name)) sink.warning(source.locate(at('name')), `\`${name}\` is a reserved word in SQL`, `lakec quotes it everywhere; hand-written queries must write "${name}"`);
      taken.set(name, 'another measure');
    }
    const text = asString(m.expr);
    if (text === undefined || name === undefined) return;
    const dimSet = new Set(dimensions.map((d) => d.name));
    const checked = parseChecked(source, at('expr'), text, columns, 'measure', dimSet, sink);
    if (!checked) return;
    const { expr, type } = checked;
    const running = asBoolean(m.running) ?? false;
    if (running && !(expr.kind === 'aggregate' && (expr.fn === 'sum' || expr.fn === 'count') && !expr.distinct)) {
      sink.error(source.locate(at('running')), '`running` needs a measure that adds up over time: a single sum(…) or count(…)', 'a running max, average or distinct count is not the cumulative of monthly values');
    }
    if (type.kind === 'null') {
      sink.error(source.locate(at('expr')), `measure \`${name}\` is always null`);
      return;
    }
    measures.push({ name, text, expr, description: asString(m.description) ?? '', running, type });
  });

  if (base && !classificationCovers(base.classification, target.classification)) {
    sink.warning(source.locate(['classification']), `Gold is classified ${base.classification} but its source ${key} is ${target.classification}`, `aggregates can still reveal source rows; consider classification: ${target.classification}`);
  }

  const r = asObject(raw.restatement) ?? {};
  if (sink.errorCount > errorsBefore || !base || timeColumn === undefined) return undefined;
  return {
    kind: 'gold',
    ...base,
    from: target.id,
    time: { column: timeColumn, grain: 'month', as: timeAs },
    dimensions,
    ...(filter ? { filter } : {}),
    measures,
    openMonths: asInteger(r.open_months) ?? 2,
  };
}

function parseChecked(
  source: YamlSource,
  path: ValuePath,
  text: string,
  columns: ReadonlyMap<string, ExprColumn>,
  context: 'measure' | 'filter',
  dimensions: ReadonlySet<string>,
  sink: DiagnosticSink,
): { expr: Expr; type: ValueType } | undefined {
  const parsed = parseExpression(text);
  if (!parsed.ok) {
    sink.error(source.locateInString(path, parsed.offset), `cannot read expression: ${parsed.message}`, parsed.hint);
    return undefined;
  }
  const checked = checkExpression(parsed.expr, columns, context, dimensions);
  let ok = true;
  for (const p of checked.problems) {
    const at = source.locateInString(path, p.offset);
    if (p.severity === 'error') {
      sink.error(at, p.message, p.hint);
      ok = false;
    } else {
      sink.warning(at, p.message, p.hint);
    }
  }
  return ok ? { expr: parsed.expr, type: checked.type } : undefined;
}

function classificationCovers(gold: Classification, source: Classification): boolean {
  return CLASSIFICATIONS.indexOf(gold) >= CLASSIFICATIONS.indexOf(source);
}

