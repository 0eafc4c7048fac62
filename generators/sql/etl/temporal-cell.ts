import type { FormatToken, TemporalField, TemporalFormat } from '../../../runtime/cells/temporal-format';
import type { PortablePattern } from '../../contract/portable-pattern';
import { and, call, cmp, int, or, str, type SqlExpr } from '../sql-node';

/**
 * A date or timestamp cell in its contract format, judged in SQL as runtime/cells/temporal-format.ts judges
 * it. Engines' own casts are lenient (DuckDB reads `24:00:00` as the next day and drops a `+02:00` offset),
 * so a cell is first matched against a pattern generated from the format's tokens, its fields are cut out
 * at their fixed positions, the ranges DESIGN.md requires are checked (year from 1, hours to 23, minutes and
 * seconds to 59, offsets to ±18:59), and only then is a canonical `yyyy-MM-dd HH:mm:ss.SSS` text cast —
 * which leaves the calendar (no 2024-02-30) to the engine, whose TRY_CAST gives NULL for impossible dates.
 * Offsets are subtracted after the cast: the value is UTC.
 */
export interface TemporalCell {
  /** The cell is a valid value of the format (the cell is not NULL). */
  readonly valid: SqlExpr;
  /** The value (DATE, or TIMESTAMP in UTC), NULL when the cell is not a valid value. */
  readonly value: SqlExpr;
}

type Field = TemporalField;

/** Code points, as SQL's substr and length count. */
const width = (text: string): number => [...text].length;

function escapeLiteral(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (/[\\^$.|?*+()[\]{}\-/]/.test(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

const FIELD_WIDTH: Readonly<Record<Exclude<Field, 'X' | 'SSS'>, number>> = { yyyy: 4, yy: 2, MM: 2, dd: 2, HH: 2, mm: 2, ss: 2 };
const OFFSET = '(?:Z|[-+][0-9]{2}:[0-9]{2})';

/** The whole-cell pattern of a format. */
export function temporalPattern(format: TemporalFormat): PortablePattern {
  let body = '';
  for (const t of format.tokens) {
    if (t.kind === 'literal') {
      body += escapeLiteral(t.text);
      continue;
    }
    switch (t.field) {
      case 'SSS':
        body += t.optional ? '(?:\\.[0-9]{1,3})?' : '[0-9]{3}';
        break;
      case 'X':
        body += t.optional ? `${OFFSET}?` : OFFSET;
        break;
      default:
        body += `[0-9]{${FIELD_WIDTH[t.field]}}`;
    }
  }
  return { source: `(internal) format ${format.text}`, canonical: body };
}

export function temporalCell(c: SqlExpr, format: TemporalFormat, target: 'date' | 'timestamp'): TemporalCell {
  const bigint = { kind: 'bigint' } as const;
  const len = call('length', [c], bigint);
  const minus = (a: SqlExpr, n: number): SqlExpr => ({ kind: 'arithmetic', op: '-', left: a, right: int(n), type: bigint });
  const sub = (from: SqlExpr, n: number): SqlExpr => call('substr', [c, from, int(n)]);
  const at = (pos: number, n: number): SqlExpr => sub(int(pos), n);
  const fromEnd = (back: number, n: number): SqlExpr => sub(minus(len, back), n);

  // Positions (1-based, code points) of the fields before any variable-width token. In contract formats every
  // field has a fixed width; only the ISO default has an optional fraction (after the seconds) and, like
  // formats ending in X, an offset at the end.
  const pos = new Map<Field, number>();
  let p = 1;
  type FieldToken = Extract<FormatToken, { kind: 'field' }>;
  let fraction: FieldToken | undefined;
  let offset: FieldToken | undefined;
  for (const t of format.tokens) {
    if (t.kind === 'literal') {
      p += width(t.text);
      continue;
    }
    if (t.field === 'X') {
      offset = t;
      continue;
    }
    if (t.field === 'SSS' && t.optional) {
      fraction = t;
      continue;
    }
    if (fraction) throw new Error(`format ${format.text}: a field after an optional fraction`);
    pos.set(t.field, p);
    p += t.field === 'SSS' ? 3 : FIELD_WIDTH[t.field];
  }
  const fixedLength = p - 1;

  const year = pos.has('yyyy') ? at(pos.get('yyyy')!, 4) : call('concat', [str('20'), at(pos.get('yy')!, 2)]);
  const two = (f: Field): SqlExpr => (pos.has(f) ? at(pos.get(f)!, 2) : str('00'));
  const checks: SqlExpr[] = [{ kind: 'regex_match', operand: c, pattern: temporalPattern(format) }];
  if (pos.has('yyyy')) checks.push(cmp('<>', year, str('0000')));

  // The offset's length at the end of the cell: `Z` (1) or `±HH:MM` (6); 0 when an optional one is absent.
  let offsetLength: SqlExpr = int(0);
  if (offset) {
    const sign = fromEnd(5, 1);
    const signed = and(cmp('>=', len, int(fixedLength + 6)), { kind: 'in', operand: sign, list: [str('+'), str('-')], negated: false })!;
    offsetLength = {
      kind: 'case',
      whens: [
        { when: cmp('=', fromEnd(0, 1), str('Z')), then: int(1) },
        ...(offset.optional ? [{ when: signed, then: int(6) }] : []),
      ],
      else: int(offset.optional ? 0 : 6),
      type: bigint,
    };
  }

  let canonical: SqlExpr;
  if (target === 'date') {
    canonical = call('concat', [year, str('-'), two('MM'), str('-'), two('dd')]);
  } else {
    let millis: SqlExpr = pos.has('SSS') ? at(pos.get('SSS')!, 3) : str('000');
    // The ISO default: `.5` is 500 ms (the digits between the seconds and the offset).
    if (fraction) millis = fractionDigits(c, fixedLength, offsetLength);
    canonical = call('concat', [year, str('-'), two('MM'), str('-'), two('dd'), str(' '), two('HH'), str(':'), two('mm'), str(':'), two('ss'), str('.'), millis]);
    if (pos.has('HH')) checks.push(cmp('<=', two('HH'), str('23')));
    if (pos.has('mm')) checks.push(cmp('<=', two('mm'), str('59')));
    if (pos.has('ss')) checks.push(cmp('<=', two('ss'), str('59')));
  }
  if (offset) {
    // ±HH:MM within ±18:59 (a `Z` passes: its "hours" are not looked at).
    const hours = fromEnd(4, 2);
    const minutes = fromEnd(1, 2);
    checks.push(or(cmp('<>', offsetLength, int(6)), and(cmp('<=', hours, str('18')), cmp('<=', minutes, str('59')))!));
  }
  const guard = and(...checks)!;
  const cast = (e: SqlExpr): SqlExpr => ({ kind: 'cast', operand: e, type: { kind: target }, safe: true });
  let value: SqlExpr = cast(canonical);
  if (target === 'timestamp' && offset) {
    const sign: SqlExpr = { kind: 'case', whens: [{ when: cmp('=', fromEnd(5, 1), str('-')), then: int(1) }], else: { kind: 'negate', operand: int(1), type: bigint }, type: bigint };
    const asInt = (e: SqlExpr): SqlExpr => ({ kind: 'cast', operand: e, type: bigint, safe: false });
    const minutesTotal: SqlExpr = {
      kind: 'arithmetic',
      op: '+',
      left: { kind: 'arithmetic', op: '*', left: asInt(fromEnd(4, 2)), right: int(60), type: bigint },
      right: asInt(fromEnd(1, 2)),
      type: bigint,
    };
    // UTC = local − offset: add +minutes for a `-hh:mm` offset, −minutes for `+hh:mm`.
    const shift: SqlExpr = { kind: 'case', whens: [{ when: cmp('=', offsetLength, int(6)), then: { kind: 'arithmetic', op: '*', left: sign, right: minutesTotal, type: bigint } }], else: int(0), type: bigint };
    value = call('add_minutes', [value, shift], { kind: 'timestamp' });
  }
  // Only cells that passed the guard are cut and cast, so no engine ever sees a malformed substring.
  const guarded: SqlExpr = { kind: 'case', whens: [{ when: guard, then: value }], type: { kind: target } };
  return { valid: { kind: 'is_null', operand: guarded, negated: true }, value: guarded };
}

/**
 * The ISO default's optional fraction as three digits: `.5` → `500`, `.25` → `250`, `.123` → `123`, none →
 * `000`. The digits sit between the fixed part and the offset.
 */
function fractionDigits(c: SqlExpr, fixedLength: number, offsetLength: SqlExpr): SqlExpr {
  const bigint = { kind: 'bigint' } as const;
  const len = call('length', [c], bigint);
  // Number of fraction digits = length − offset − fixed − 1 (the dot).
  const n: SqlExpr = {
    kind: 'arithmetic',
    op: '-',
    left: { kind: 'arithmetic', op: '-', left: len, right: offsetLength, type: bigint },
    right: int(fixedLength + 1),
    type: bigint,
  };
  const digits = call('substr', [c, int(fixedLength + 2), n]);
  return {
    kind: 'case',
    whens: [{ when: cmp('=', call('substr', [c, int(fixedLength + 1), int(1)]), str('.')), then: call('substr', [call('concat', [digits, str('00')]), int(1), int(3)]) }],
    else: str('000'),
  };
}
