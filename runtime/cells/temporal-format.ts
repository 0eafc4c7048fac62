/**
 * The contract's date/timestamp format language (DESIGN.md, cell semantics): yyyy yy MM dd HH mm ss SSS X
 * and '-quoted literals; any other non-letter character stands for itself. Parsing a format never throws:
 * problems come back with the offset of the offending character.
 */
export type TemporalField = 'yyyy' | 'yy' | 'MM' | 'dd' | 'HH' | 'mm' | 'ss' | 'SSS' | 'X';

export type FormatToken =
  | { readonly kind: 'field'; readonly field: TemporalField; readonly optional?: boolean }
  | { readonly kind: 'literal'; readonly text: string };

export interface TemporalFormat {
  /** The pattern as written in the contract, or the default's description. */
  readonly text: string;
  readonly tokens: readonly FormatToken[];
}

export type FormatParseResult =
  | { readonly ok: true; readonly format: TemporalFormat }
  | { readonly ok: false; readonly offset: number; readonly message: string; readonly hint?: string };

const FIELDS: readonly TemporalField[] = ['yyyy', 'yy', 'MM', 'dd', 'HH', 'mm', 'ss', 'SSS', 'X'];
const DATE_FIELDS = new Set<TemporalField>(['yyyy', 'yy', 'MM', 'dd']);

const LETTER_HINTS: Record<string, string> = {
  Y: 'use `yyyy` for the calendar year (`YYYY` is a week-based year elsewhere)',
  D: 'use `dd` for the day of the month (`D` is the day of the year elsewhere)',
  h: 'use `HH` (00–23); 12-hour clocks are not supported',
  m: 'use `mm` for minutes (two digits)',
  M: 'use `MM` for the month (two digits)',
  d: 'use `dd` for the day (two digits)',
  H: 'use `HH` for the hour (two digits)',
  s: 'use `ss` for seconds (two digits)',
  S: 'use `SSS` for milliseconds (three digits)',
  y: 'use `yyyy` (four digits) or `yy` (two digits, 2000–2099)',
  T: "quote letters that stand for themselves: `'T'`",
  Z: 'use `X` for a UTC offset (`Z` or `+01:00`)',
  x: 'use `X` for a UTC offset (`Z` or `+01:00`)',
  a: 'AM/PM markers are not supported; use `HH`',
};

/** ISO-8601 defaults: `yyyy-MM-dd`, and `yyyy-MM-dd'T'HH:mm:ss` with optional `.SSS` and optional offset. */
export const DEFAULT_DATE_FORMAT: TemporalFormat = {
  text: 'yyyy-MM-dd',
  tokens: [field('yyyy'), lit('-'), field('MM'), lit('-'), field('dd')],
};

export const DEFAULT_TIMESTAMP_FORMAT: TemporalFormat = {
  text: "yyyy-MM-dd'T'HH:mm:ss[.SSS][X]",
  tokens: [
    field('yyyy'), lit('-'), field('MM'), lit('-'), field('dd'), lit('T'),
    field('HH'), lit(':'), field('mm'), lit(':'), field('ss'),
    { kind: 'field', field: 'SSS', optional: true },
    { kind: 'field', field: 'X', optional: true },
  ],
};

export function parseTemporalFormat(text: string, target: 'date' | 'timestamp'): FormatParseResult {
  const tokens: FormatToken[] = [];
  const seen = new Set<TemporalField>();
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { ok: false, offset: i, message: 'unterminated quoted literal in format', hint: "close it with `'`" };
      if (end === i + 1) {
        pushLiteral(tokens, "'");
      } else {
        pushLiteral(tokens, text.slice(i + 1, end));
      }
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      // Like Java's patterns: a run of one repeated letter is one field (`yyMMdd` is yy, MM, dd).
      let end = i;
      while (text[end] === c) end++;
      const run = text.slice(i, end);
      const chosen = FIELDS.find((name) => name === run);
      if (!chosen) {
        const hint = LETTER_HINTS[c] ?? "quote letters that stand for themselves, e.g. `'T'`";
        return { ok: false, offset: i, message: `unknown format field \`${run}\``, hint };
      }
      if (seen.has(chosen) || (chosen === 'yy' && seen.has('yyyy')) || (chosen === 'yyyy' && seen.has('yy'))) {
        return { ok: false, offset: i, message: `format field \`${chosen}\` appears twice` };
      }
      seen.add(chosen);
      tokens.push(field(chosen));
      i += chosen.length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      return { ok: false, offset: i, message: 'digits in a format must be quoted', hint: `write \`'${c}'\`` };
    }
    pushLiteral(tokens, c);
    i++;
  }
  const has = (f: TemporalField) => seen.has(f);
  if (!(has('yyyy') || has('yy')) || !has('MM') || !has('dd')) {
    return { ok: false, offset: 0, message: 'format must contain a year (`yyyy` or `yy`), `MM` and `dd`' };
  }
  if (target === 'date') {
    const timeField = [...seen].find((f) => !DATE_FIELDS.has(f));
    if (timeField) return { ok: false, offset: text.indexOf(timeField), message: `a date format cannot contain \`${timeField}\``, hint: 'use type `timestamp` for values with a time of day' };
  } else {
    if (!has('HH') || !has('mm')) return { ok: false, offset: 0, message: 'a timestamp format must contain `HH` and `mm`' };
    if (has('SSS') && !has('ss')) return { ok: false, offset: text.indexOf('SSS'), message: '`SSS` needs `ss`' };
  }
  // Adjacent numeric fields without a separator are fine (fixed widths), but an offset must end the value.
  const xIndex = tokens.findIndex((t) => t.kind === 'field' && t.field === 'X');
  if (xIndex >= 0 && xIndex !== tokens.length - 1) {
    return { ok: false, offset: text.indexOf('X'), message: '`X` (the UTC offset) must come last in a format' };
  }
  return { ok: true, format: { text, tokens } };
}

/** Days since 1970-01-01 for a valid calendar date, or undefined. */
export function daysFromCivil(y: number, m: number, d: number): number | undefined {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1 || y > 9999) return undefined;
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export interface TemporalValue {
  /** Days since epoch (dates) or milliseconds since epoch, UTC (timestamps). */
  readonly value: number;
}

/**
 * Reads `cell` by `format`. Returns days since epoch for dates, UTC epoch milliseconds for timestamps,
 * or undefined when the cell does not match or is not a real calendar value (no 2024-02-30, no 24:00).
 */
export function parseTemporal(cell: string, format: TemporalFormat, target: 'date' | 'timestamp'): number | undefined {
  let pos = 0;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let milli = 0;
  let offsetMinutes = 0;
  const digits = (n: number): number | undefined => {
    if (pos + n > cell.length) return undefined;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const c = cell.charCodeAt(pos + k) - 48;
      if (c < 0 || c > 9) return undefined;
      v = v * 10 + c;
    }
    pos += n;
    return v;
  };
  for (const t of format.tokens) {
    if (t.kind === 'literal') {
      if (!cell.startsWith(t.text, pos)) return undefined;
      pos += t.text.length;
      continue;
    }
    if (t.optional) {
      if (t.field === 'SSS' && cell[pos] !== '.') continue;
      if (t.field === 'X' && pos >= cell.length) continue;
    }
    let v: number | undefined;
    switch (t.field) {
      case 'yyyy': v = digits(4); if (v !== undefined) year = v; break;
      case 'yy': v = digits(2); if (v !== undefined) year = 2000 + v; break;
      case 'MM': v = digits(2); if (v !== undefined) month = v; break;
      case 'dd': v = digits(2); if (v !== undefined) day = v; break;
      case 'HH': v = digits(2); if (v !== undefined) hour = v; break;
      case 'mm': v = digits(2); if (v !== undefined) minute = v; break;
      case 'ss': v = digits(2); if (v !== undefined) second = v; break;
      case 'SSS': {
        if (t.optional) {
          // Default ISO form: a dot and one to three digits.
          pos++;
          const start = pos;
          while (pos < cell.length && pos - start < 4 && cell.charCodeAt(pos) >= 48 && cell.charCodeAt(pos) <= 57) pos++;
          const n = pos - start;
          if (n < 1 || n > 3) return undefined;
          v = Number(cell.slice(start, pos)) * (n === 1 ? 100 : n === 2 ? 10 : 1);
        } else {
          v = digits(3);
        }
        if (v !== undefined) milli = v;
        break;
      }
      case 'X': {
        const c = cell[pos];
        if (c === 'Z') { pos++; v = 0; offsetMinutes = 0; break; }
        if (c !== '+' && c !== '-') return undefined;
        pos++;
        const oh = digits(2);
        if (oh === undefined || cell[pos] !== ':') return undefined;
        pos++;
        const om = digits(2);
        if (om === undefined || oh > 18 || om > 59) return undefined;
        offsetMinutes = (c === '-' ? -1 : 1) * (oh * 60 + om);
        v = 0;
        break;
      }
    }
    if (v === undefined) return undefined;
  }
  if (pos !== cell.length) return undefined;
  const days = daysFromCivil(year, month, day);
  if (days === undefined) return undefined;
  if (target === 'date') return days;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60000 + second * 1000 + milli;
}

function field(f: TemporalField): FormatToken {
  return { kind: 'field', field: f };
}

function lit(text: string): FormatToken {
  return { kind: 'literal', text };
}

function pushLiteral(tokens: FormatToken[], text: string): void {
  const last = tokens[tokens.length - 1];
  if (last?.kind === 'literal') tokens[tokens.length - 1] = { kind: 'literal', text: last.text + text };
  else tokens.push({ kind: 'literal', text });
}

/** The calendar date (UTC) of a day number since 1970-01-01: the inverse of daysFromCivil. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
