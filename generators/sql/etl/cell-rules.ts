import { formatUnscaled, parseBooleanCell, parseDecimalCell, parseDoubleCell, parseIntegerCell } from '../../../runtime/cells/numeric';
import { civilFromDays, parseTemporal } from '../../../runtime/cells/temporal-format';
import type { ColumnType } from '../../contract/column-type';
import type { ColumnModel } from '../../contract/dataset-model';
import type { PortablePattern } from '../../contract/portable-pattern';
import { columnRules, type ColumnRule } from '../../validator/dataset-descriptor';
import { and, call, cmp, int, or, str, type SqlExpr } from '../sql-node';
import { temporalCell } from './temporal-cell';

/**
 * One column's checks in SQL — the twin of generators/validator/column-checks.ts, in the same order
 * (DESIGN.md: required, type, pattern, allowed, min_length, max_length, min, max), with the same cell
 * semantics (runtime/cells). Engines' casts are lenient (DuckDB's TRY_CAST rounds `12.345` into a
 * DECIMAL(18,2) and reads `1e5`, `12.`, `+5` and ` 5` as decimals), so every cast is guarded by a pattern of
 * exactly what the contract accepts and by explicit range checks; the cast then only converts.
 */
export interface ColumnSql {
  /** The cell (a string, NULL when the file lacks the column) is null: NULL or one of the null values. */
  readonly isNull: SqlExpr;
  /** The typed value, NULL when the cell is not a valid value of the type (the cell itself for strings). */
  readonly value: SqlExpr;
  /** Rules after `required`, in checking order: the condition under which each fails, for a non-null cell. */
  readonly rules: readonly { readonly rule: Exclude<ColumnRule, 'required'>; readonly fails: SqlExpr }[];
}

const INTEGER: PortablePattern = { source: '(internal) integer', canonical: '-?[0-9]+' };
const DOUBLE: PortablePattern = { source: '(internal) double', canonical: '-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?' };

/** `decimal(p,s)`: at most p − s significant integer digits (leading zeros are free) and 1–s fraction digits. */
function decimalPattern(precision: number, scale: number): PortablePattern {
  const whole = precision - scale;
  const integer = whole === 0 ? '0+' : `(?:0+|0*[1-9][0-9]{0,${whole - 1}})`;
  return { source: `(internal) decimal(${precision},${scale})`, canonical: `-?${integer}${scale > 0 ? `(?:\\.[0-9]{1,${scale}})?` : ''}` };
}

export function columnSql(c: ColumnModel, cell: SqlExpr, value: SqlExpr, nullValues: readonly string[]): ColumnSql {
  const t = c.type;
  const isNull: SqlExpr =
    nullValues.length === 0
      ? { kind: 'is_null', operand: cell, negated: false }
      : or({ kind: 'is_null', operand: cell, negated: false }, { kind: 'in', operand: cell, list: nullValues.map(str), negated: false });
  const rules: { rule: Exclude<ColumnRule, 'required'>; fails: SqlExpr }[] = [];
  for (const rule of columnRules(c)) {
    switch (rule) {
      case 'required':
        break;
      case 'type':
        rules.push({ rule, fails: { kind: 'is_null', operand: value, negated: false } });
        break;
      case 'pattern':
        rules.push({ rule, fails: { kind: 'not', operand: { kind: 'regex_match', operand: cell, pattern: c.pattern! } } });
        break;
      case 'allowed':
        rules.push({ rule, fails: { kind: 'in', operand: t.kind === 'string' ? cell : value, list: c.allowed!.map((a) => literalOf(c, a)), negated: true } });
        break;
      case 'min_length':
        rules.push({ rule, fails: cmp('<', call('length', [cell], { kind: 'bigint' }), int(c.minLength!)) });
        break;
      case 'max_length':
        rules.push({ rule, fails: cmp('>', call('length', [cell], { kind: 'bigint' }), int(c.maxLength!)) });
        break;
      case 'min':
        rules.push({ rule, fails: cmp('<', value, literalOf(c, c.min!)) });
        break;
      case 'max':
        rules.push({ rule, fails: cmp('>', value, literalOf(c, c.max!)) });
        break;
      default: {
        const never: never = rule;
        throw new Error(`unknown rule ${String(never)}`);
      }
    }
  }
  return { isNull, value: typedValue(c, cell), rules };
}

/** The value of a cell of the column's type, NULL when it is not one (the cell is assumed not null). */
export function typedValue(c: ColumnModel, cell: SqlExpr): SqlExpr {
  const t = c.type;
  const guarded = (guard: SqlExpr, then: SqlExpr): SqlExpr => ({ kind: 'case', whens: [{ when: guard, then }], type: t });
  const tryCast = (type: ColumnType): SqlExpr => ({ kind: 'cast', operand: cell, type, safe: true });
  switch (t.kind) {
    case 'string':
      return cell;
    case 'int':
    case 'bigint':
      // The pattern admits only base-10 integers; TRY_CAST then fails exactly on those out of range.
      return guarded({ kind: 'regex_match', operand: cell, pattern: INTEGER }, tryCast(t));
    case 'decimal':
      return guarded({ kind: 'regex_match', operand: cell, pattern: decimalPattern(t.precision, t.scale) }, tryCast(t));
    case 'double':
      // Finite only: `1e400` casts to infinity.
      return guarded(and({ kind: 'regex_match', operand: cell, pattern: DOUBLE }, call('is_finite', [tryCast(t)], { kind: 'boolean' }))!, tryCast(t));
    case 'boolean':
      return { kind: 'case', whens: [{ when: cmp('=', cell, str('true')), then: { kind: 'literal', value: { type: 'boolean', value: true } } }, { when: cmp('=', cell, str('false')), then: { kind: 'literal', value: { type: 'boolean', value: false } } }], type: t };
    case 'date':
    case 'timestamp':
      return temporalCell(cell, c.format!, t.kind).value;
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as ColumnType).kind}`);
    }
  }
}

/** A contract value (an allowed value, a bound) as a literal of the column's type, read with the cell semantics. */
export function literalOf(c: ColumnModel, text: string): SqlExpr {
  const t = c.type;
  const signed = (negative: boolean, digits: string, scale: number): SqlExpr => {
    const whole = digits.split('.')[0]!.replace(/^0+/, '').length;
    const lit: SqlExpr = { kind: 'literal', value: { type: 'number', text: digits, precision: Math.max(1, whole + scale), scale } };
    return negative ? { kind: 'negate', operand: lit, type: t } : lit;
  };
  switch (t.kind) {
    case 'string':
      return str(text);
    case 'int':
    case 'bigint': {
      const v = parseIntegerCell(text, t.kind);
      if (v === undefined) throw new Error(`${c.name}: ${text} is not a ${t.kind}`);
      const lit = signed(v < 0n, (v < 0n ? -v : v).toString(), 0);
      return { kind: 'cast', operand: lit, type: t, safe: false };
    }
    case 'decimal': {
      const v = parseDecimalCell(text, t.precision, t.scale);
      if (v === undefined) throw new Error(`${c.name}: ${text} is not a ${t.kind}(${t.precision},${t.scale})`);
      const digits = formatUnscaled(v < 0n ? -v : v, t.scale);
      return { kind: 'cast', operand: signed(v < 0n, digits, t.scale), type: t, safe: false };
    }
    case 'double': {
      if (parseDoubleCell(text) === undefined) throw new Error(`${c.name}: ${text} is not a double`);
      return { kind: 'cast', operand: str(text), type: t, safe: false };
    }
    case 'boolean': {
      const v = parseBooleanCell(text);
      if (v === undefined) throw new Error(`${c.name}: ${text} is not a boolean`);
      return { kind: 'literal', value: { type: 'boolean', value: v } };
    }
    case 'date': {
      const days = parseTemporal(text, c.format!, 'date');
      if (days === undefined) throw new Error(`${c.name}: ${text} is not a date in ${c.format!.text}`);
      return { kind: 'literal', value: { type: 'date', value: isoDate(days) } };
    }
    case 'timestamp': {
      const ms = parseTemporal(text, c.format!, 'timestamp');
      if (ms === undefined) throw new Error(`${c.name}: ${text} is not a timestamp in ${c.format!.text}`);
      const days = Math.floor(ms / 86400000);
      const rest = ms - days * 86400000;
      const hms = [Math.floor(rest / 3600000), Math.floor(rest / 60000) % 60, Math.floor(rest / 1000) % 60].map((n) => String(n).padStart(2, '0')).join(':');
      return { kind: 'literal', value: { type: 'timestamp', value: `${isoDate(days)} ${hms}.${String(rest % 1000).padStart(3, '0')}` } };
    }
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as ColumnType).kind}`);
    }
  }
}

function isoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
