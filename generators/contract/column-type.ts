/** The column types of the contract format, and the one parser of their spelling (`decimal(18,2)`). */
export type ColumnType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'double' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number };

export type ColumnTypeKind = ColumnType['kind'];

export const COLUMN_TYPE_KINDS: readonly ColumnTypeKind[] = ['string', 'int', 'bigint', 'double', 'boolean', 'date', 'timestamp', 'decimal'];

export const MAX_DECIMAL_PRECISION = 38;

export type ColumnTypeParseResult =
  | { readonly ok: true; readonly type: ColumnType }
  | { readonly ok: false; readonly message: string; readonly hint?: string };

const ALIASES: Record<string, string> = {
  varchar: 'string', text: 'string', char: 'string', str: 'string', uuid: 'string',
  integer: 'int', int32: 'int', smallint: 'int', tinyint: 'int', short: 'int',
  long: 'bigint', int64: 'bigint', biginteger: 'bigint',
  float: 'double', float64: 'double', real: 'double', number: 'decimal(p,s)', numeric: 'decimal(p,s)', money: 'decimal(p,s)',
  bool: 'boolean',
  datetime: 'timestamp', timestamptz: 'timestamp', time: 'timestamp',
};

const SIMPLE = new Set<string>(['string', 'int', 'bigint', 'double', 'boolean', 'date', 'timestamp']);

export function parseColumnType(text: string): ColumnTypeParseResult {
  if (SIMPLE.has(text)) return { ok: true, type: { kind: text } as ColumnType };
  const m = /^decimal\(\s*([0-9]+)\s*,\s*([0-9]+)\s*\)$/.exec(text);
  if (m) {
    const precision = Number(m[1]);
    const scale = Number(m[2]);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
      return { ok: false, message: `decimal precision ${precision} is out of range; it must be 1–${MAX_DECIMAL_PRECISION}` };
    }
    if (scale > precision) {
      return { ok: false, message: `decimal scale ${scale} is larger than its precision ${precision}`, hint: `e.g. \`decimal(${Math.max(precision, scale + 1)},${scale})\`` };
    }
    return { ok: true, type: { kind: 'decimal', precision, scale } };
  }
  if (/^decimal\(\s*[0-9]+\s*$/.test(text)) {
    return { ok: false, message: `type \`${text}\` is cut short at a comma`, hint: 'inside `{ … }` a comma ends the value: quote the type, e.g. `type: "decimal(18,2)"`' };
  }
  const known = 'string, int, bigint, double, boolean, date, timestamp or decimal(p,s)';
  if (/^decimal\s*(\(\s*[0-9]*\s*\))?$/i.test(text)) {
    return { ok: false, message: `\`${text}\` needs a precision and a scale`, hint: 'write e.g. `decimal(18,2)`' };
  }
  const lower = text.toLowerCase();
  if (lower !== text && (SIMPLE.has(lower) || /^decimal\(/.test(lower))) {
    return { ok: false, message: `unknown type \`${text}\`; types are lowercase`, hint: `write \`${lower}\`` };
  }
  const base = lower.replace(/\(.*$/, '').replace(/[0-9]+$/, '');
  const alias = ALIASES[lower] ?? ALIASES[base];
  return {
    ok: false,
    message: `unknown type \`${text}\`; expected ${known}`,
    ...(alias ? { hint: `did you mean \`${alias}\`?` } : {}),
  };
}

export function formatColumnType(t: ColumnType): string {
  return t.kind === 'decimal' ? `decimal(${t.precision},${t.scale})` : t.kind;
}

export function isNumericType(t: ColumnType): boolean {
  return t.kind === 'int' || t.kind === 'bigint' || t.kind === 'double' || t.kind === 'decimal';
}

export function isTemporalType(t: ColumnType): t is { readonly kind: 'date' } | { readonly kind: 'timestamp' } {
  return t.kind === 'date' || t.kind === 'timestamp';
}

export function sameType(a: ColumnType, b: ColumnType): boolean {
  return formatColumnType(a) === formatColumnType(b);
}
