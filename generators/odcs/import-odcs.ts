import { CLASSIFICATIONS } from '../contract/contract-base';
import { parseColumnType } from '../contract/column-type';
import { NAME_PATTERN, SCHEMA_V_PATTERN } from '../contract/dataset-id';
import { DiagnosticSink, type Diagnostic } from '../contract/diagnostic';
import { asArray, asBoolean, asInteger, asObject, asString, type Raw } from '../contract/raw-access';
import { snakeCase } from '../contract/schema-check';
import { parseYamlSource, type ValuePath, type YamlSource } from '../contract/yaml-source';
import { conventionalFile, LAKEC_PROPERTY } from './export-odcs';
import { NumberText, toYaml } from './odcs-yaml';

export interface ImportedContract {
  /** Path relative to the specs directory. */
  readonly relPath: string;
  readonly text: string;
  /** `domain.name@vN`. */
  readonly key: string;
}

export interface ImportResult {
  readonly contracts: readonly ImportedContract[];
  /** Problems positioned in the ODCS file; any error means nothing of that file is imported. */
  readonly diagnostics: readonly Diagnostic[];
}

const PARTITION_LOGIC = /^\s*(year|month|day)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/;
const SAFE_REL_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.ya?ml$/;

/**
 * An ODCS v3 document → lakec contract files, one per schema object. Documents lakec exported come back as
 * the same contract (lakec's own fields travel in `customProperties`); other ODCS documents are mapped from
 * the standard's fields — physicalType or logicalType to a column type, `required`, `unique`,
 * logicalTypeOptions (pattern, minimum, maximum, lengths, date format), `validValues` quality rules, team
 * roles to owners — and what lakec cannot express is an error that names the field.
 */
export function importOdcs(path: string, bytes: Uint8Array): ImportResult {
  const sink = new DiagnosticSink(path);
  const parsed = parseYamlSource(path, bytes);
  if (!parsed.ok) {
    for (const p of parsed.problems) sink.error(p.at, p.message, p.hint);
    return { contracts: [], diagnostics: sink.diagnostics };
  }
  const reader = new OdcsReader(parsed.source, sink);
  const contracts = reader.read();
  return { contracts: sink.errorCount ? [] : contracts, diagnostics: sink.diagnostics };
}

class OdcsReader {
  private readonly root: Raw;
  private readonly custom: ReadonlyMap<string, { value: unknown; at: ValuePath }>;

  constructor(
    private readonly source: YamlSource,
    private readonly sink: DiagnosticSink,
  ) {
    this.root = asObject(source.value) ?? {};
    this.custom = customProperties(this.root.customProperties, ['customProperties']);
  }

  private error(at: ValuePath, message: string, hint?: string): void {
    this.sink.error(this.source.locate(at), message, hint);
  }

  private warning(at: ValuePath, message: string, hint?: string): void {
    this.sink.warning(this.source.locate(at), message, hint);
  }

  read(): ImportedContract[] {
    if (!asObject(this.source.value)) {
      this.error([], 'an ODCS document is a YAML mapping');
      return [];
    }
    if (this.root.kind !== 'DataContract') this.error(['kind'], `\`kind\` is ${JSON.stringify(this.root.kind ?? null)}; an ODCS data contract has \`kind: DataContract\``);
    const api = asString(this.root.apiVersion);
    if (!api || !/^v3\.[0-9]+\.[0-9]+$/.test(api)) this.error(['apiVersion'], `\`apiVersion\` ${JSON.stringify(this.root.apiVersion ?? null)} is not ODCS v3`, 'lakec reads ODCS v3.0.x and v3.1.x');
    const schema = asArray(this.root.schema);
    if (!schema || schema.length === 0) {
      this.error(['schema'], 'the document has no `schema` objects', 'lakec makes one contract of each schema object (a table)');
      return [];
    }
    const out: ImportedContract[] = [];
    schema.forEach((_, i) => {
      const c = this.readObject(i, schema.length);
      if (c) out.push(c);
    });
    return out;
  }

  private lakec(key: keyof typeof LAKEC_PROPERTY): { value: unknown; at: ValuePath } | undefined {
    return this.custom.get(LAKEC_PROPERTY[key]);
  }

  private readObject(index: number, count: number): ImportedContract | undefined {
    const at = (...rest: (string | number)[]): ValuePath => ['schema', index, ...rest];
    const object = asObject((this.root.schema as unknown[])[index]);
    if (!object) {
      this.error(at(), 'a schema object is a mapping');
      return undefined;
    }
    const fromLakec = this.lakec('kind') !== undefined;
    const kind = asString(this.lakec('kind')?.value) ?? 'dataset';
    if (kind !== 'dataset' && kind !== 'gold') {
      this.error(this.lakec('kind')!.at, `${LAKEC_PROPERTY.kind} must be dataset or gold`);
      return undefined;
    }
    if (fromLakec && count > 1) this.warning(['schema'], 'a lakec export has one schema object; each object becomes its own contract');

    const domain = this.identifier(asString(this.root.domain), ['domain'], 'domain', 'add `domain:` (the lakec domain, lowercase snake_case)');
    const rawName = fromLakec && count === 1 ? asString(this.root.name) : asString(object.name);
    const name = this.identifier(rawName, fromLakec && count === 1 ? ['name'] : at('name'), 'name', 'give the schema object a `name:`');
    const version = asString(this.root.version);
    const major = version && /^v?([1-9][0-9]*)(?:\.[0-9]+)*$/.exec(version)?.[1];
    if (version !== undefined && !major) this.warning(['version'], `version ${JSON.stringify(version)} has no major number; imported as schema_v v1`);
    const schemaV = `v${major ?? '1'}`;
    if (!SCHEMA_V_PATTERN.test(schemaV)) this.error(['version'], `cannot make a schema_v of version ${JSON.stringify(version)}`);

    const purpose = asString(asObject(this.root.description)?.purpose);
    const description = fromLakec ? purpose ?? '' : asString(object.description) ?? purpose ?? '';
    const owners = this.owners();
    const classification = this.classification();
    const deprecated = this.deprecated();
    // Read everything before giving up, so that one run reports every problem of the document.
    const body = kind === 'dataset' ? this.dataset(object, at) : this.gold(object, at);
    if (!domain || !name || !owners || !body) return undefined;

    const head: Record<string, unknown> = { kind, domain, name, schema_v: schemaV };
    if (description) head.description = description;
    head.owners = owners;
    head.classification = classification;
    const contract = { ...head, ...body, ...(deprecated ? { deprecated } : {}) };

    const fileProp = this.lakec('file');
    let relPath = conventionalFile({ id: { domain, name, schemaV } });
    if (fileProp) {
      const f = asString(fileProp.value);
      if (f && SAFE_REL_PATH.test(f) && !f.split('/').some((s) => s === '..')) relPath = f;
      else this.error(fileProp.at, `${LAKEC_PROPERTY.file} ${JSON.stringify(fileProp.value)} is not a safe relative path to a .yaml file`);
    }
    const depth = relPath.split('/').length - 1;
    const header = [
      `# yaml-language-server: $schema=${'../'.repeat(depth)}_schema/contract.schema.json`,
      `# Imported from an ODCS ${asString(this.root.apiVersion) ?? ''} document (id ${JSON.stringify(asString(this.root.id) ?? '')}) by \`lakec import odcs\`.`,
    ]
      .map((l) => l.replace(/[\r\n]/g, ' '))
      .join('\n');
    return { relPath, key: `${domain}.${name}@${schemaV}`, text: `${header}\n${toYaml(contract)}` };
  }

  private identifier(value: string | undefined, at: ValuePath, what: string, hint: string): string | undefined {
    if (value === undefined || value.trim() === '') {
      this.error(at, `no ${what}`, hint);
      return undefined;
    }
    const name = NAME_PATTERN.test(value) ? value : snakeCase(value).replace(/^[^a-z]+/, '');
    if (!NAME_PATTERN.test(name) || name.length > 64) {
      this.error(at, `${what} ${JSON.stringify(value)} cannot be made a lakec name (lowercase snake_case)`);
      return undefined;
    }
    if (name !== value) this.warning(at, `${what} ${JSON.stringify(value)} imported as \`${name}\``);
    return name;
  }

  private owners(): { owner: string; steward: string; reviewers: string[] } | undefined {
    const team = asArray(this.root.team);
    if (!team) {
      this.error(['team'], 'no `team`: lakec needs an owner, a steward and reviewers', 'add team members with role owner, steward and reviewer (GitHub @user or @org/team)');
      return undefined;
    }
    let owner: string | undefined;
    let steward: string | undefined;
    const reviewers: string[] = [];
    team.forEach((m, i) => {
      const member = asObject(m);
      const username = asString(member?.username) ?? asString(member?.name);
      const role = (asString(member?.role) ?? '').toLowerCase();
      if (!username) return;
      if (asString(member?.dateOut)) return;
      if (role.includes('steward')) steward ??= username;
      else if (role.includes('owner')) owner ??= username;
      if (role.includes('reviewer') || (/^@/.test(username) && !reviewers.includes(username))) {
        if (!reviewers.includes(username)) reviewers.push(username);
      }
      if (!username.trim()) this.warning(['team', i, 'username'], 'blank username');
    });
    if (!owner) this.error(['team'], 'no team member has the role `owner`');
    if (!steward) this.error(['team'], 'no team member has the role `steward` (who approves changes)');
    if (reviewers.length === 0) this.error(['team'], 'no reviewer: lakec writes CODEOWNERS from them', 'add members with role `reviewer` and a GitHub @user or @org/team as username');
    return owner && steward && reviewers.length ? { owner, steward, reviewers } : undefined;
  }

  private classification(): string {
    const explicit = this.lakec('classification');
    if (explicit) {
      const v = asString(explicit.value);
      if (v && (CLASSIFICATIONS as readonly string[]).includes(v)) return v;
      this.error(explicit.at, `${LAKEC_PROPERTY.classification} must be one of ${CLASSIFICATIONS.join(', ')}`);
      return 'confidential';
    }
    const tags = (asArray(this.root.tags) ?? []).map((t) => asString(t)?.toLowerCase());
    const tagged = CLASSIFICATIONS.filter((c) => tags.includes(c));
    if (tagged.length) return tagged[tagged.length - 1]!;
    this.warning([], 'no classification; imported as `confidential` (encrypted with a customer key)', `set it with a customProperty ${LAKEC_PROPERTY.classification} or a tag (public, internal, confidential, restricted)`);
    return 'confidential';
  }

  private deprecated(): { since: string; replaced_by: string } | undefined {
    const d = this.lakec('deprecated');
    if (!d) return undefined;
    const o = asObject(d.value);
    const since = asString(o?.since);
    const replacedBy = asString(o?.replaced_by);
    if (!since || !replacedBy) {
      this.error(d.at, `${LAKEC_PROPERTY.deprecated} needs since and replaced_by`);
      return undefined;
    }
    return { since, replaced_by: replacedBy };
  }

  private dataset(object: Raw, at: (...rest: (string | number)[]) => ValuePath): Record<string, unknown> | undefined {
    const props = asArray(object.properties) ?? [];
    if (props.length === 0) {
      this.error(at('properties'), 'the schema object has no properties (columns)');
      return undefined;
    }
    const columns: Record<string, unknown>[] = [];
    const partitions: { position: number; value: Record<string, unknown> }[] = [];
    props.forEach((item, i) => {
      const p = asObject(item);
      const pat = (...rest: (string | number)[]) => at('properties', i, ...rest);
      if (!p) return this.error(pat(), 'a property is a mapping');
      const logic = asString(p.transformLogic);
      const partition = asBoolean(p.partitioned) === true && logic ? PARTITION_LOGIC.exec(logic) : null;
      if (partition) {
        partitions.push({ position: asInteger(p.partitionKeyPosition) ?? partitions.length + 1, value: { name: asString(p.name), from: partition[2], transform: partition[1] } });
        return;
      }
      if (asBoolean(p.partitioned) === true) this.warning(pat('partitioned'), 'lakec partitions only by year, month or day of a date column (transformLogic `month(col)`); imported as an ordinary column');
      const column = this.column(p, pat);
      if (column) columns.push(column);
    });
    const out: Record<string, unknown> = {};
    const src = this.lakec('source');
    if (src) {
      const s = asObject(src.value) ?? {};
      out.source = stripUndefined({ format: asString(s.format), delimiter: asString(s.delimiter), header: asBoolean(s.header), null_values: asArray(s.null_values) });
    }
    out.columns = columns;
    if (partitions.length) out.partitions = partitions.sort((a, b) => a.position - b.position).map((p) => p.value);
    const quality = this.lakec('quality');
    if (quality) {
      const q = asObject(quality.value) ?? {};
      const rate = this.source.scalarText([...quality.at, 'max_quarantine_rate']);
      out.quality = stripUndefined({
        max_quarantine_rate: rate !== undefined && /^[0-9.eE+-]+$/.test(rate) ? new NumberText(rate) : q.max_quarantine_rate,
        max_attempts: q.max_attempts,
        circuit_breaker_per_hour: q.circuit_breaker_per_hour,
      });
    }
    return out;
  }

  private column(p: Raw, at: (...rest: (string | number)[]) => ValuePath): Record<string, unknown> | undefined {
    const name = this.identifier(asString(p.name), at('name'), 'property name', 'every property needs a `name`');
    const type = this.columnType(p, at);
    if (!name || !type) return undefined;
    const options = asObject(p.logicalTypeOptions) ?? {};
    const numeric = /^(int|bigint|double|decimal)/.test(type);
    const exact = (key: string): unknown => {
      if (options[key] === undefined) return undefined;
      const text = this.source.scalarText(at('logicalTypeOptions', key));
      return numeric && text !== undefined && /^-?[0-9]+(\.[0-9]+)?$/.test(text) ? new NumberText(text) : typeof options[key] === 'number' ? new NumberText(String(options[key])) : options[key];
    };
    for (const key of ['exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const) {
      if (options[key] !== undefined && options[key] !== false) this.error(at('logicalTypeOptions', key), `\`${key}\` has no lakec equivalent`, 'lakec bounds are inclusive: use minimum/maximum');
    }
    const column: Record<string, unknown> = { name, type };
    const description = asString(p.description);
    if (description) column.description = description;
    if (asBoolean(p.required)) column.required = true;
    if (asBoolean(p.unique)) column.unique = true;
    const pattern = asString(options.pattern);
    if (pattern !== undefined) column.pattern = pattern;
    const allowed = this.validValues(p, at, numeric);
    if (allowed) column.allowed = allowed;
    if (options.minimum !== undefined) column.min = exact('minimum');
    if (options.maximum !== undefined) column.max = exact('maximum');
    if (options.minLength !== undefined) column.min_length = options.minLength;
    if (options.maxLength !== undefined) column.max_length = options.maxLength;
    const format = asString(options.format);
    if (format !== undefined && (type === 'date' || type === 'timestamp')) column.format = format;
    const sourceName = customProperties(p.customProperties, at('customProperties')).get(LAKEC_PROPERTY.sourceName);
    if (sourceName && asString(sourceName.value)) column.source_name = asString(sourceName.value);
    return column;
  }

  private columnType(p: Raw, at: (...rest: (string | number)[]) => ValuePath): string | undefined {
    const physical = asString(p.physicalType)?.trim().toLowerCase();
    if (physical) {
      const normalized = physical
        .replace(/^(integer|int32|int4|smallint|tinyint)$/, 'int')
        .replace(/^(long|int64|int8)$/, 'bigint')
        .replace(/^(float|float8|float64|real|double precision)$/, 'double')
        .replace(/^(varchar|char|character varying|text|nvarchar)(\s*\([0-9]+\))?$/, 'string')
        .replace(/^(numeric|number)\s*\(/, 'decimal(')
        .replace(/^(datetime|timestamp_ntz|timestamp_tz|timestamptz|timestamp\s*\([0-9]\))$/, 'timestamp')
        .replace(/^bool$/, 'boolean')
        .replace(/\s+/g, '');
      const parsed = parseColumnType(normalized);
      if (parsed.ok) return normalized;
    }
    const logical = asString(p.logicalType);
    const format = asString(asObject(p.logicalTypeOptions)?.format);
    switch (logical) {
      case 'string':
        return 'string';
      case 'boolean':
        return 'boolean';
      case 'integer':
        return format && /^[iu](8|16)$|^i32$/.test(format) ? 'int' : 'bigint';
      case 'number':
        this.warning(at('logicalType'), 'a number without a decimal physicalType is imported as double', 'for money, give physicalType decimal(p,s)');
        return 'double';
      case 'date':
        return format && /[Hms]/.test(format) ? 'timestamp' : 'date';
      case 'timestamp':
        return 'timestamp';
      case 'object':
      case 'array':
      case 'map':
        this.error(at('logicalType'), `logicalType ${logical} is not supported: lakec datasets are flat CSV columns`);
        return undefined;
      default:
        this.error(at(physical ? 'physicalType' : 'logicalType'), `no lakec column type for physicalType ${JSON.stringify(p.physicalType ?? null)} / logicalType ${JSON.stringify(p.logicalType ?? null)}`, 'types: string, int, bigint, double, boolean, date, timestamp, decimal(p,s)');
        return undefined;
    }
  }

  /** `validValues` from a v3.0 library rule (`rule: validValues`) or a v3.1 metric (`invalidValues` with arguments). */
  private validValues(p: Raw, at: (...rest: (string | number)[]) => ValuePath, numeric: boolean): unknown[] | undefined {
    const rules = asArray(p.quality) ?? [];
    for (const [i, item] of rules.entries()) {
      const q = asObject(item) ?? {};
      const list = q.rule === 'validValues' ? { v: q.validValues, path: ['validValues'] } : q.metric === 'invalidValues' ? { v: asObject(q.arguments)?.validValues, path: ['arguments', 'validValues'] } : undefined;
      const values = list && asArray(list.v);
      if (!values) continue;
      return values.map((v, j) => {
        const text = this.source.scalarText(at('quality', i, ...list.path, j));
        return numeric && typeof v === 'number' && text !== undefined ? new NumberText(text) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
      });
    }
    return undefined;
  }

  private gold(object: Raw, at: (...rest: (string | number)[]) => ValuePath): Record<string, unknown> | undefined {
    const from = this.lakec('from');
    const time = this.lakec('time');
    if (!from || !time) {
      this.error(['customProperties'], `a Gold contract needs ${LAKEC_PROPERTY.from} and ${LAKEC_PROPERTY.time}`);
      return undefined;
    }
    const t = asObject(time.value) ?? {};
    const dimensions: string[] = [];
    const measures: Record<string, unknown>[] = [];
    (asArray(object.properties) ?? []).forEach((item, i) => {
      const p = asObject(item) ?? {};
      const role = asString(customProperties(p.customProperties, at('properties', i, 'customProperties')).get(LAKEC_PROPERTY.role)?.value);
      const name = asString(p.name);
      if (role === 'dimension' && name) dimensions.push(name);
      else if (role === 'measure' && name) {
        const running = asBoolean(customProperties(p.customProperties, []).get(LAKEC_PROPERTY.running)?.value);
        const m: Record<string, unknown> = { name, expr: asString(p.transformLogic) };
        if (asString(p.description)) m.description = asString(p.description);
        if (running) m.running = true;
        measures.push(m);
      } else if (role !== 'period') this.error(at('properties', i), `property ${JSON.stringify(name ?? null)} of a Gold contract has no ${LAKEC_PROPERTY.role} (dimension, period or measure)`);
    });
    const out: Record<string, unknown> = {
      from: asString(from.value),
      time: stripUndefined({ column: asString(t.column), grain: asString(t.grain), as: asString(t.as) }),
      dimensions,
    };
    const filter = this.lakec('filter');
    if (filter && asString(filter.value)) out.filter = asString(filter.value);
    out.measures = measures;
    const restatement = this.lakec('restatement');
    if (restatement) out.restatement = { open_months: asInteger(asObject(restatement.value)?.open_months) };
    return out;
  }
}

function customProperties(value: unknown, at: ValuePath): Map<string, { value: unknown; at: ValuePath }> {
  const out = new Map<string, { value: unknown; at: ValuePath }>();
  (asArray(value) ?? []).forEach((item, i) => {
    const o = asObject(item);
    const property = asString(o?.property);
    if (property && !out.has(property)) out.set(property, { value: o!.value, at: [...at, i, 'value'] });
  });
  return out;
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
