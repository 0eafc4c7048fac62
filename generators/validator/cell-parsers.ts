import type { ColumnType } from '../contract/column-type';
import type { FormatToken, TemporalFormat } from '../../runtime/cells/temporal-format';
import { tsComment, tsString } from './ts-quote';

/**
 * Straight-line cell parsers, printed into each generated module once per distinct need (a decimal's
 * precision and scale, a date format). Each reads `text` between `s` and `e` without slicing and returns
 * the value, NaN when the cell is not a valid value of the type, or BIG when the value is valid-looking but
 * not exact as a double (the caller then asks the reference semantics for a bigint). They implement
 * DESIGN.md's cell semantics exactly as runtime/cells does; test/runtime proves it differentially.
 */
export interface CellParser {
  /** Function name in the generated module. */
  readonly name: string;
  readonly source: string;
  /** The digit readers (DIGIT_READERS) it calls. */
  readonly digitReaders?: readonly (2 | 3 | 4)[];
}

/** The digit readers the temporal parsers use (each -1 when a character is not a digit); digits2 is always needed. */
export const DIGIT_READERS: Readonly<Record<2 | 3 | 4, string>> = {
  2: `function digits2(text: string, p: number): number {
  const a = text.charCodeAt(p) - 48;
  const b = text.charCodeAt(p + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}`,
  3: `function digits3(text: string, p: number): number {
  const a = digits2(text, p);
  const c = text.charCodeAt(p + 2) - 48;
  return a >= 0 && c >= 0 && c <= 9 ? a * 10 + c : -1;
}`,
  4: `function digits4(text: string, p: number): number {
  const a = digits2(text, p);
  const b = digits2(text, p + 2);
  return a >= 0 && b >= 0 ? a * 100 + b : -1;
}`,
};

export function int32Parser(): CellParser {
  return {
    name: 'parseInt32',
    source: `/** int: a base-10 integer from -2147483648 to 2147483647 (leading zeros allowed, no sign but \`-\`). */
function parseInt32(text: string, s: number, e: number): number {
  let p = s;
  const negative = p < e && text.charCodeAt(p) === 45;
  if (negative) p++;
  if (p === e) return NaN;
  let value = 0;
  for (; p < e; p++) {
    const d = text.charCodeAt(p) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
    if (value > 2147483648) return NaN;
  }
  if (negative) return -value;
  return value > 2147483647 ? NaN : value;
}`,
  };
}

export function int64Parser(): CellParser {
  return {
    name: 'parseInt64',
    source: `/** bigint: a base-10 integer; BIG when it is beyond 2^53 (the caller checks the int64 range exactly). */
function parseInt64(text: string, s: number, e: number): number {
  let p = s;
  const negative = p < e && text.charCodeAt(p) === 45;
  if (negative) p++;
  if (p === e) return NaN;
  let value = 0;
  for (; p < e; p++) {
    const d = text.charCodeAt(p) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  if (value > 9007199254740991) return BIG;
  return negative ? -value : value;
}`,
  };
}

export function doubleParser(): CellParser {
  return {
    name: 'parseDouble',
    source: `/** double: \`-?[0-9]+(.[0-9]+)?([eE][-+]?[0-9]+)?\`, finite. */
function parseDouble(text: string, s: number, e: number): number {
  let p = s;
  if (p < e && text.charCodeAt(p) === 45) p++;
  const intStart = p;
  while (p < e && isDigit(text.charCodeAt(p))) p++;
  if (p === intStart) return NaN;
  if (p < e && text.charCodeAt(p) === 46) {
    const fractionStart = ++p;
    while (p < e && isDigit(text.charCodeAt(p))) p++;
    if (p === fractionStart) return NaN;
  }
  if (p < e && (text.charCodeAt(p) === 101 || text.charCodeAt(p) === 69)) {
    p++;
    if (p < e && (text.charCodeAt(p) === 43 || text.charCodeAt(p) === 45)) p++;
    const exponentStart = p;
    while (p < e && isDigit(text.charCodeAt(p))) p++;
    if (p === exponentStart) return NaN;
  }
  if (p !== e) return NaN;
  const value = +text.slice(s, e);
  return value === Infinity || value === -Infinity ? NaN : value;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}`,
  };
}

/** decimal(p,s): the unscaled value (`12.3` at scale 2 is 1230). */
export function decimalParser(precision: number, scale: number): CellParser {
  const name = `parseDecimal_${precision}_${scale}`;
  // The unscaled value has at most (significant integer digits + scale) digits; up to 15 it is exact.
  const bigCheck = precision > 15 ? `\n  if (digits + ${scale} > 15) return BIG;` : '';
  const fraction =
    scale === 0
      ? `  if (p !== e) return NaN;`
      : `  let fraction = 0;
  if (p < e) {
    if (text.charCodeAt(p) !== 46) return NaN;
    for (p++; p < e; p++) {
      const d = text.charCodeAt(p) - 48;
      if (d < 0 || d > 9) return NaN;
      value = value * 10 + d;
      fraction++;
    }
    if (fraction === 0 || fraction > ${scale}) return NaN;
  }
  for (; fraction < ${scale}; fraction++) value *= 10;`;
  return {
    name,
    source: `/** decimal(${precision},${scale}): a plain decimal, at most ${scale} fraction and ${precision - scale} integer digits, never rounded; the unscaled value. */
function ${name}(text: string, s: number, e: number): number {
  let p = s;
  const negative = p < e && text.charCodeAt(p) === 45;
  if (negative) p++;
  const intStart = p;
  let value = 0;
  let digits = 0;
  for (; p < e; p++) {
    const d = text.charCodeAt(p) - 48;
    if (d < 0 || d > 9) break;
    if (digits > 0 || d > 0) digits++;
    value = value * 10 + d;
  }
  if (p === intStart || digits > ${precision - scale}) return NaN;${bigCheck}
${fraction}
  return negative ? -value : value;
}`,
  };
}

/** A date or timestamp in one contract format: days since 1970-01-01, or UTC epoch milliseconds. */
export function temporalParser(name: string, format: TemporalFormat, target: 'date' | 'timestamp'): CellParser {
  const lines: string[] = [];
  const fields = new Set<string>();
  for (const t of format.tokens) lines.push(...tokenCode(t, fields));
  const has = (f: string) => fields.has(f);
  const offset = has('X') ? ' - offset' : '';
  const result =
    target === 'date'
      ? ['  return days;']
      : [
          `  if (${has('HH') ? 'hour > 23 || ' : ''}${has('mm') ? 'minute > 59' : 'false'}${has('ss') ? ' || second > 59' : ''}) return NaN;`,
          `  return ((days * 24${has('HH') ? ' + hour' : ''}) * 60${has('mm') ? ' + minute' : ''}${offset}) * 60000${has('ss') ? ' + second * 1000' : ''}${has('SSS') ? ' + milli' : ''};`,
        ];
  const vars = ['year', 'month', 'day', 'hour', 'minute', 'second', 'milli', 'offset'].filter((v) => fields.has(FIELD_OF_VAR[v]!));
  const digitReaders: (2 | 3 | 4)[] = [2];
  if (fields.has('year') && !fields.has('yy')) digitReaders.push(4);
  if (format.tokens.some((t) => t.kind === 'field' && t.field === 'SSS' && !t.optional)) digitReaders.splice(1, 0, 3);
  return {
    name,
    digitReaders,
    source: `/** ${target} in the format ${tsComment(format.text)}: ${target === 'date' ? 'days since 1970-01-01' : 'UTC epoch milliseconds'}, NaN if not a real ${target}. */
function ${name}(text: string, s: number, e: number): number {
  let p = s;
  ${vars.map((v) => `let ${v} = 0;`).join('\n  ')}
${lines.join('\n')}
  if (p !== e) return NaN;
  const days = daysFromCivil(year, month, day);
  if (days === undefined) return NaN;
${result.join('\n')}
}`,
  };
}

const FIELD_OF_VAR: Record<string, string> = { year: 'year', month: 'MM', day: 'dd', hour: 'HH', minute: 'mm', second: 'ss', milli: 'SSS', offset: 'X' };

function tokenCode(t: FormatToken, fields: Set<string>): string[] {
  if (t.kind === 'literal') {
    const bytes = Buffer.from(t.text, 'utf8').toString('latin1');
    if (bytes.length === 1) {
      return [`  if (p >= e || text.charCodeAt(p) !== ${bytes.charCodeAt(0)}) return NaN; // ${tsComment(JSON.stringify(t.text))}`, '  p++;'];
    }
    return [`  if (p + ${bytes.length} > e || !text.startsWith(${tsString(bytes)}, p)) return NaN;`, `  p += ${bytes.length};`];
  }
  const f = t.field;
  fields.add(f === 'yyyy' || f === 'yy' ? 'year' : f);
  if (f === 'yy') fields.add('yy');
  const read = (n: number, target: string, transform = (v: string) => v) => [
    `  if (p + ${n} > e) return NaN;`,
    `  ${target} = ${transform(`digits${n}(text, p)`)};`,
    `  if (${target} < ${transform('0')}) return NaN;`,
    `  p += ${n};`,
  ];
  switch (f) {
    case 'yyyy':
      return read(4, 'year');
    case 'yy':
      return read(2, 'year', (v) => (v === '0' ? '2000' : `2000 + ${v}`));
    case 'MM':
      return read(2, 'month');
    case 'dd':
      return read(2, 'day');
    case 'HH':
      return read(2, 'hour');
    case 'mm':
      return read(2, 'minute');
    case 'ss':
      return read(2, 'second');
    case 'SSS':
      if (!t.optional) return read(3, 'milli');
      // The ISO default: an optional `.` and one to three digits (`.5` is 500 ms).
      return [
        '  if (p < e && text.charCodeAt(p) === 46) {',
        '    const fractionStart = ++p;',
        '    while (p < e && p - fractionStart < 4 && text.charCodeAt(p) >= 48 && text.charCodeAt(p) <= 57) p++;',
        '    const n = p - fractionStart;',
        '    if (n < 1 || n > 3) return NaN;',
        '    milli = +text.slice(fractionStart, p) * (n === 1 ? 100 : n === 2 ? 10 : 1);',
        '  }',
      ];
    case 'X': {
      const body = [
        'if (text.charCodeAt(p) === 90) {',
        '  p++;',
        '} else {',
        '  const sign = text.charCodeAt(p);',
        '  if (sign !== 43 && sign !== 45) return NaN;',
        '  p++;',
        '  if (p + 5 > e || text.charCodeAt(p + 2) !== 58) return NaN;',
        '  const hours = digits2(text, p);',
        '  const minutes = digits2(text, p + 3);',
        '  if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59) return NaN;',
        '  offset = (sign === 45 ? -1 : 1) * (hours * 60 + minutes);',
        '  p += 5;',
        '}',
      ];
      if (t.optional) return ['  if (p < e) {', ...body.map((l) => `    ${l}`), '  }'];
      return ['  if (p >= e) return NaN;', ...body.map((l) => `  ${l}`)];
    }
    default: {
      const never: never = f;
      throw new Error(`unknown format field ${String(never)}`);
    }
  }
}

/** The parser a non-string column needs (one per distinct type and format). */
export function parserKey(type: ColumnType, format: TemporalFormat | undefined): string {
  switch (type.kind) {
    case 'string':
    case 'boolean':
      return '';
    case 'int':
      return 'int32';
    case 'bigint':
      return 'int64';
    case 'double':
      return 'double';
    case 'decimal':
      return `decimal_${type.precision}_${type.scale}`;
    case 'date':
    case 'timestamp':
      return `${type.kind}:${JSON.stringify(format!.tokens)}`;
    default: {
      const never: never = type;
      throw new Error(`unknown type ${(never as ColumnType).kind}`);
    }
  }
}
