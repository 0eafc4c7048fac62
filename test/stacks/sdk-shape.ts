/**
 * Checks a Step Functions task's Parameters against the input shape of the AWS SDK operation it calls,
 * read from the SDK's own schema (`StartQueryExecutionInput$` in @aws-sdk/client-athena, …): every key
 * is a member, required members are present, literal values have the member's type. Keys ending in `.$`
 * are computed at run time: their name is checked, their value is a path or intrinsic.
 */
type Schema = unknown;

const STRING = 0;
const NUMERIC = 1;
const BOOLEAN = 2;
const LIST = 64;
const MAP = 128;

function resolve(schema: Schema): Schema {
  return typeof schema === 'function' ? (schema as () => Schema)() : schema;
}

function typeCode(schema: Schema): number | undefined {
  const s = resolve(schema);
  if (typeof s === 'number') return s;
  if (Array.isArray(s) && typeof s[0] === 'number' && s.length === 2) return s[0];
  return undefined;
}

function isStruct(schema: Schema): schema is [number, string, string, unknown, string[], Schema[], number?] {
  const s = resolve(schema);
  return Array.isArray(s) && s[0] === 3 && Array.isArray(s[4]);
}

export function shapeProblems(schema: Schema, value: unknown, path = 'Parameters'): string[] {
  const s = resolve(schema);
  if (isStruct(s)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object (${s[2]})`];
    const members = s[4];
    const memberSchemas = s[5];
    const required = typeof s[6] === 'number' ? members.slice(0, s[6]) : [];
    const problems: string[] = [];
    const given = Object.keys(value);
    for (const key of given) {
      const name = key.endsWith('.$') ? key.slice(0, -2) : key;
      const i = members.indexOf(name);
      if (i < 0) {
        problems.push(`${path}.${name}: not a member of ${s[2]} (members: ${members.join(', ')})`);
        continue;
      }
      if (key.endsWith('.$')) {
        const v = (value as Record<string, unknown>)[key];
        if (typeof v !== 'string' || !(v.startsWith('$') || v.startsWith('States.'))) problems.push(`${path}.${key}: not a path or intrinsic`);
        continue;
      }
      problems.push(...shapeProblems(memberSchemas[i], (value as Record<string, unknown>)[key], `${path}.${name}`));
    }
    for (const r of required) if (!given.includes(r) && !given.includes(`${r}.$`)) problems.push(`${path}.${r}: required by ${s[2]}`);
    return problems;
  }
  const code = typeCode(s);
  if (code === undefined) return [];
  if (code === STRING) return typeof value === 'string' ? [] : [`${path}: expected a string`];
  if (code === NUMERIC) return typeof value === 'number' ? [] : [`${path}: expected a number`];
  if (code === BOOLEAN) return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
  if ((code & LIST) === LIST) return Array.isArray(value) ? [] : [`${path}: expected a list`];
  if ((code & MAP) === MAP) return value && typeof value === 'object' ? [] : [`${path}: expected a map`];
  return [];
}
