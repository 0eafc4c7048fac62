import { parseBooleanCell, parseDecimalCell, parseDoubleCell, parseIntegerCell } from '../../runtime/cells/numeric';
import { parseTemporal } from '../../runtime/cells/temporal-format';
import { formatColumnType, type ColumnType } from '../contract/column-type';
import type { ColumnModel } from '../contract/dataset-model';
import type { ColumnRule } from './dataset-descriptor';
import { tsBigint, tsComment, tsNumber, tsString } from './ts-quote';

/** What the checks of one column need from the module around them. */
export interface CheckContext {
  /** The error number of `rule:column`. */
  code(rule: ColumnRule): number;
  /** The parser function for the column's type (registered once per module). */
  parser(): string;
  /** A module-level constant (pattern, allowed set); returns its name. */
  constant(hint: string, source: string): string;
}

const MAX_EXACT = 2n ** 53n - 1n;

/** A value of the column's type as a literal: a number where exact, else a bigint. */
interface Bound {
  readonly num?: string;
  readonly big: string;
}

function bound(c: ColumnModel, cell: string): Bound {
  const t = c.type;
  switch (t.kind) {
    case 'int':
    case 'bigint': {
      const v = parseIntegerCell(cell, t.kind)!;
      return exactOrBig(v);
    }
    case 'decimal': {
      const v = parseDecimalCell(cell, t.precision, t.scale)!;
      return exactOrBig(v);
    }
    case 'double':
      return { num: tsNumber(parseDoubleCell(cell)!), big: '' };
    case 'boolean':
      return { num: parseBooleanCell(cell) ? '1' : '0', big: '' };
    case 'date':
    case 'timestamp':
      return { num: tsNumber(parseTemporal(cell, c.format!, t.kind)!), big: '' };
    case 'string':
      return { num: tsString(Buffer.from(cell, 'utf8').toString('latin1')), big: '' };
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as ColumnType).kind}`);
    }
  }
}

function exactOrBig(v: bigint): Bound {
  const big = tsBigint(v);
  return v >= -MAX_EXACT && v <= MAX_EXACT ? { num: tsNumber(Number(v)), big } : { big };
}

function hasBigPath(t: ColumnType): boolean {
  return t.kind === 'bigint' || (t.kind === 'decimal' && t.precision > 15);
}

/** One column's checks, as statements of the generated `validate` (`s`/`e` bound to the cell). */
export function columnChecks(c: ColumnModel, index: number, ctx: CheckContext): string[] {
  const t = c.type;
  const fail = (rule: ColumnRule) => `return ${ctx.code(rule)}; // ${tsComment(`${rule}:${c.name}`)}`;
  const out: string[] = [];
  switch (t.kind) {
    case 'string': {
      if (c.pattern) {
        const re = ctx.constant('pattern', `new RegExp(${tsString(`^(?:${c.pattern.canonical})$`)}, 'u'); // ${tsComment(c.pattern.source)}`);
        out.push(`if (!${re}.test(rec.ascii ? text.slice(s, e) : utf8(text.slice(s, e)))) ${fail('pattern')}`);
      }
      if (c.allowed) out.push(...allowedStrings(c.allowed, fail('allowed'), ctx));
      if (c.minLength !== undefined || c.maxLength !== undefined) {
        out.push('const length = rec.ascii ? e - s : codePoints(text, s, e);');
        if (c.minLength !== undefined) out.push(`if (length < ${c.minLength}) ${fail('min_length')}`);
        if (c.maxLength !== undefined) out.push(`if (length > ${c.maxLength}) ${fail('max_length')}`);
      }
      return out;
    }
    case 'boolean': {
      out.push(
        'let v: number;',
        "if (e - s === 4 && text.startsWith('true', s)) v = 1;",
        "else if (e - s === 5 && text.startsWith('false', s)) v = 0;",
        `else ${fail('type')}`,
      );
      if (c.allowed) out.push(`if (${c.allowed.map((a) => `v !== ${bound(c, a).num}`).join(' && ')}) ${fail('allowed')}`);
      out.push(`num[base + ${index}] = v;`);
      return out;
    }
    case 'int':
    case 'double':
    case 'date':
    case 'timestamp':
    case 'decimal':
    case 'bigint': {
      out.push(`const v = ${ctx.parser()}(text, s, e);`, `if (v !== v) ${fail('type')}`);
      const numChecks = valueChecks(c, 'v', 'num', fail);
      if (!hasBigPath(t)) {
        out.push(...numChecks, `num[base + ${index}] = v;`);
        return out;
      }
      const parseBig =
        t.kind === 'decimal' ? `parseDecimalCell(text.slice(s, e), ${t.precision}, ${t.scale})` : `parseIntegerCell(text.slice(s, e), 'bigint')`;
      out.push(
        'if (v === BIG) {',
        `  const b = ${parseBig};`,
        `  if (b === undefined) ${fail('type')}`,
        ...valueChecks(c, 'b', 'big', fail).map((l) => `  ${l}`),
        `  big[${index}] = b;`,
        '} else {',
        ...numChecks.map((l) => `  ${l}`),
        `  num[base + ${index}] = v;`,
        `  big[${index}] = null;`,
        '}',
      );
      return out;
    }
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as ColumnType).kind} of ${formatColumnType(never)}`);
    }
  }
}

/**
 * `allowed` on a string cell, compared in place (no copy): by length, then the bytes of each value of that
 * length; a long list goes through a Set.
 */
function allowedStrings(values: readonly string[], fail: string, ctx: CheckContext): string[] {
  const bytes = values.map((v) => Buffer.from(v, 'utf8').toString('latin1'));
  if (bytes.length > 16) {
    const set = ctx.constant('allowed', `new Set<string>([${bytes.map(tsString).join(', ')}]);`);
    return [`if (!${set}.has(text.slice(s, e))) ${fail}`];
  }
  const byLength = new Map<number, string[]>();
  for (const b of bytes) byLength.set(b.length, [...(byLength.get(b.length) ?? []), b]);
  const out = ['switch (e - s) {'];
  for (const [length, group] of [...byLength].sort((a, b) => a[0] - b[0])) {
    out.push(`  case ${length}:`);
    if (length === 0) out.push('    break;');
    else out.push(`    if (${group.map((b) => `text.startsWith(${tsString(b)}, s)`).join(' || ')}) break;`, `    ${fail}`);
  }
  out.push('  default:', `    ${fail}`, '}');
  return out;
}

/** allowed, min and max on a parsed value held in `v` (a number) or `b` (a bigint). */
function valueChecks(c: ColumnModel, v: string, kind: 'num' | 'big', fail: (r: ColumnRule) => string): string[] {
  const lit = (cell: string): string | undefined => {
    const b = bound(c, cell);
    return kind === 'num' ? b.num : b.big;
  };
  const out: string[] = [];
  if (c.allowed) {
    // A bigint value can only equal an allowed value that is itself beyond 2^53, and vice versa.
    const values = c.allowed.map(lit).filter((x): x is string => x !== undefined && x !== '');
    out.push(values.length ? `if (${values.map((x) => `${v} !== ${x}`).join(' && ')}) ${fail('allowed')}` : fail('allowed'));
  }
  if (c.min !== undefined) {
    const b = bound(c, c.min);
    // A value on the other path is beyond 2^53 in magnitude: compare it exactly as a bigint.
    out.push(`if (${v} < ${kind === 'num' ? b.num ?? `${b.big.replace(/n$/, '')}` : b.big}) ${fail('min')}`);
  }
  if (c.max !== undefined) {
    const b = bound(c, c.max);
    out.push(`if (${v} > ${kind === 'num' ? b.num ?? `${b.big.replace(/n$/, '')}` : b.big}) ${fail('max')}`);
  }
  return out;
}
