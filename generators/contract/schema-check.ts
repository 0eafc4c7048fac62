import type { ErrorObject, ValidateFunction } from 'ajv';
import { validate as compiledValidate } from './contract-schema-validator';
import { closest, type DiagnosticSink } from './diagnostic';
import type { ValuePath, YamlSource } from './yaml-source';

/** The contract JSON Schema, compiled by ajv ahead of time (generators/contract/schema-validator-source.ts). */
const validate = compiledValidate as unknown as ValidateFunction;

/** Structural check of one contract against the JSON Schema; each ajv error becomes a positioned, plain-words diagnostic. */
export function checkSchema(source: YamlSource, sink: DiagnosticSink): void {
  if (validate(source.value)) return;
  const errors = validate.errors ?? [];
  // A misspelt field shows up twice (unknown `colums`, missing `columns`): report the misspelling only.
  const misspelt = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const near = closest(String((e.params as { additionalProperty: string }).additionalProperty), known);
    if (near) misspelt.add(`${e.instancePath}/${near}`);
  }
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    if (e.keyword === 'required' && misspelt.has(`${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`)) continue;
    const d = describeError(e, source);
    if (!d) continue;
    const key = `${d.at.line}:${d.at.col}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sink.error(d.at, d.message, d.hint);
  }
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

function fieldName(path: ValuePath): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const p = path[i]!;
    if (typeof p === 'string') {
      const index = path[i + 1];
      return typeof index === 'number' ? `${p}[${index}]` : p;
    }
  }
  return 'contract';
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const s = typeof value === 'string' ? value : String(value);
  const clipped = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `\`${clipped.replace(/\n/g, '\\n')}\``;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${show(value)}`;
  if (typeof value === 'number') return `the number ${show(value)}`;
  if (typeof value === 'boolean') return `\`${value}\``;
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list',
  object: 'a mapping of fields',
};

/** snake_case suggestion for a name that is not: `AccountID` → `account_id`. */
export function snakeCase(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
    .replace(/^([0-9])/, 'n_$1');
}

function describeError(e: ErrorObject, source: YamlSource): { at: { line: number; col: number }; message: string; hint?: string } | undefined {
  const path = pathOf(e.instancePath);
  const field = fieldName(path);
  const parent = e.parentSchema as { properties?: Record<string, { description?: string }>; description?: string } | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const near = closest(prop, known);
      return {
        at: source.locate([...path, prop], 'key'),
        message: `unknown field \`${prop}\`${path.length ? ` in \`${field}\`` : ''}`,
        hint: near ? `did you mean \`${near}\`?` : `known fields: ${known.join(', ')}`,
      };
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      const about = parent?.properties?.[prop]?.description;
      return {
        at: path.length ? source.locate(path, 'key') : { line: 1, col: 1 },
        message: `missing field \`${prop}\`${path.length ? ` in \`${field}\`` : ''}`,
        ...(about ? { hint: `${prop}: ${about}` } : {}),
      };
    }
    case 'type': {
      const expected = String((e.params as { type: string | string[] }).type)
        .split(',')
        .map((t) => EXPECTED[t] ?? t)
        .join(' or ');
      return { at: source.locate(path), message: `\`${field}\` must be ${expected}; found ${typeName(e.data)}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      const near = typeof e.data === 'string' ? closest(e.data, (e.params as { allowedValues: unknown[] }).allowedValues.map(String)) : undefined;
      return {
        at: source.locate(path),
        message: `\`${field}\` must be one of ${allowed.join(', ')}; found ${show(e.data)}`,
        ...(near ? { hint: `did you mean ${JSON.stringify(near)}?` } : {}),
      };
    }
    case 'const':
      return { at: source.locate(path), message: `\`${field}\` must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}; found ${show(e.data)}` };
    case 'discriminator': {
      const p = e.params as { error: string; tag: string; tagValue: unknown };
      if (p.error === 'mapping') {
        const near = typeof p.tagValue === 'string' ? closest(p.tagValue, ['dataset', 'gold']) : undefined;
        return {
          at: source.locate(['kind']),
          message: `unknown kind ${show(p.tagValue)}; a contract is \`kind: dataset\` or \`kind: gold\``,
          ...(near ? { hint: `did you mean \`${near}\`?` } : {}),
        };
      }
      return { at: source.locate(['kind']), message: '`kind` must be `dataset` or `gold`', hint: 'start the contract with `kind: dataset` (bronze → silver) or `kind: gold` (an aggregation)' };
    }
    case 'pattern': {
      const pattern = String((e.params as { pattern: string }).pattern);
      const value = String(e.data);
      if (pattern === '^[a-z][a-z0-9_]*$') {
        if (value.startsWith('_')) {
          return { at: source.locate(path), message: `\`${field}\` ${show(value)} is not lowercase snake_case`, hint: 'names start with a letter; names starting with `_` are the lake\'s own metadata columns' };
        }
        const suggestion = snakeCase(value);
        return {
          at: source.locate(path),
          message: `\`${field}\` ${show(value)} is not lowercase snake_case`,
          ...(suggestion && suggestion !== value ? { hint: `write \`${suggestion}\`` } : { hint: 'start with a letter; use only a-z, 0-9 and _' }),
        };
      }
      if (pattern.startsWith('^v[1-9]')) return { at: source.locate(path), message: `\`${field}\` ${show(value)} is not a schema version`, hint: 'write v1, v2, …' };
      if (pattern.includes('@v')) return { at: source.locate(path), message: `\`${field}\` ${show(value)} does not name a dataset version`, hint: 'write domain.name@vN, e.g. mortgages.transactions@v1' };
      if (pattern.includes('[0-9]{4}')) return { at: source.locate(path), message: `\`${field}\` ${show(value)} is not a date`, hint: 'write YYYY-MM-DD' };
      return { at: source.locate(path), message: `\`${field}\` ${show(value)} does not match ${pattern}` };
    }
    case 'minItems':
      return { at: source.locate(path), message: `\`${field}\` must not be empty` };
    case 'minLength':
      return { at: source.locate(path), message: `\`${field}\` must not be empty` };
    case 'maxLength':
      return { at: source.locate(path), message: `\`${field}\` is longer than ${(e.params as { limit: number }).limit} characters` };
    case 'minimum':
    case 'maximum':
      return { at: source.locate(path), message: `\`${field}\` must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${(e.params as { limit: number }).limit}; found ${show(e.data)}` };
    default:
      return { at: source.locate(path), message: `\`${field}\`: ${e.message ?? 'is invalid'}` };
  }
}
