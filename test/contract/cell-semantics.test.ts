import { parseBooleanCell, parseDecimalCell, parseDoubleCell, parseIntegerCell, formatUnscaled, compareDecimalText } from '../../runtime/cells/numeric';
import { DEFAULT_DATE_FORMAT, DEFAULT_TIMESTAMP_FORMAT, parseTemporal, parseTemporalFormat } from '../../runtime/cells/temporal-format';

const fmt = (text: string, target: 'date' | 'timestamp') => {
  const r = parseTemporalFormat(text, target);
  if (!r.ok) throw new Error(r.message);
  return r.format;
};
const ts = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('numbers (DESIGN.md: no trimming, no leading +, never rounded)', () => {
  test.each([
    ['0', 0n], ['-0', 0n], ['007', 7n], ['2147483647', 2147483647n], ['-2147483648', -2147483648n],
  ])('int %s', (cell, v) => expect(parseIntegerCell(cell, 'int')).toBe(v));
  test.each(['', ' 1', '1 ', '+1', '1.0', '1e3', '2147483648', '0x10', '١'])('not an int: %j', (cell) => expect(parseIntegerCell(cell, 'int')).toBeUndefined());
  test('bigint range', () => {
    expect(parseIntegerCell('9223372036854775807', 'bigint')).toBe(9223372036854775807n);
    expect(parseIntegerCell('9223372036854775808', 'bigint')).toBeUndefined();
  });
  test.each([
    ['12.34', 1234n], ['-12.3', -1230n], ['12', 1200n], ['0.01', 1n], ['0000012.00', 1200n], ['9999999999999999.99', 999999999999999999n],
  ])('decimal(18,2) %s', (cell, v) => expect(parseDecimalCell(cell, 18, 2)).toBe(v));
  test.each(['12.345', '1.000', '.5', '5.', '1e2', '1,000.00', '+1.00', ' 1.00', '10000000000000000.00', 'NaN', '-'])('not a decimal(18,2): %j', (cell) =>
    expect(parseDecimalCell(cell, 18, 2)).toBeUndefined());
  test('decimal(38,0) and scale 0', () => {
    expect(parseDecimalCell('9'.repeat(38), 38, 0)).toBe(BigInt('9'.repeat(38)));
    expect(parseDecimalCell('1.0', 38, 0)).toBeUndefined();
  });
  test.each([['1', 1], ['-1.5', -1.5], ['1e3', 1000], ['1.5E-2', 0.015]])('double %s', (cell, v) => expect(parseDoubleCell(cell)).toBe(v));
  test.each(['', 'NaN', 'Infinity', '1e999', '.5', '1.', '+1', ' 1'])('not a double: %j', (cell) => expect(parseDoubleCell(cell)).toBeUndefined());
  test('booleans are exactly true or false', () => {
    expect(parseBooleanCell('true')).toBe(true);
    expect(parseBooleanCell('false')).toBe(false);
    for (const c of ['TRUE', 'True', '1', 'yes', 't', ' true']) expect(parseBooleanCell(c)).toBeUndefined();
  });
  test('formatting and comparing exact decimals', () => {
    expect(formatUnscaled(-5n, 2)).toBe('-0.05');
    expect(formatUnscaled(123456n, 0)).toBe('123456');
    expect(compareDecimalText('-1.50', '-1.5')).toBe(0);
    expect(compareDecimalText('10', '9.99')).toBe(1);
  });
});

describe('dates and timestamps', () => {
  test('ISO defaults', () => {
    expect(parseTemporal('2024-02-29', DEFAULT_DATE_FORMAT, 'date')).toBe(ts(2024, 2, 29) / 86400000);
    expect(parseTemporal('2023-02-29', DEFAULT_DATE_FORMAT, 'date')).toBeUndefined();
    expect(parseTemporal('2024-01-10T09:00:00Z', DEFAULT_TIMESTAMP_FORMAT, 'timestamp')).toBe(ts(2024, 1, 10, 9));
    expect(parseTemporal('2024-01-10T09:00:00', DEFAULT_TIMESTAMP_FORMAT, 'timestamp')).toBe(ts(2024, 1, 10, 9));
    expect(parseTemporal('2024-01-10T09:00:00.5+02:00', DEFAULT_TIMESTAMP_FORMAT, 'timestamp')).toBe(ts(2024, 1, 10, 7, 0, 0, 500));
    expect(parseTemporal('2024-01-10T09:00:00.123-01:30', DEFAULT_TIMESTAMP_FORMAT, 'timestamp')).toBe(ts(2024, 1, 10, 10, 30, 0, 123));
  });
  test.each([
    '2024-01-10T24:00:00Z', '2024-01-10 09:00:00Z', '2024-01-10T09:00:60Z', '2024-13-01T00:00:00Z', '2024-04-31T00:00:00Z',
    '2024-01-10T09:00:00.1234Z', '2024-01-10T09:00:00+0200', '2024-01-10T9:00:00Z', ' 2024-01-10T09:00:00Z', '2024-01-10T09:00:00Z ', '0000-01-01T00:00:00Z',
  ])('not an ISO timestamp: %j', (cell) => expect(parseTemporal(cell, DEFAULT_TIMESTAMP_FORMAT, 'timestamp')).toBeUndefined());
  test('contract formats', () => {
    expect(parseTemporal('240229', fmt('yyMMdd', 'date'), 'date')).toBe(ts(2024, 2, 29) / 86400000);
    expect(parseTemporal('31/12/2024 23:59:59.999', fmt('dd/MM/yyyy HH:mm:ss.SSS', 'timestamp'), 'timestamp')).toBe(ts(2024, 12, 31, 23, 59, 59, 999));
    expect(parseTemporal('2024-01-10T09:00:00+01:00', fmt("yyyy-MM-dd'T'HH:mm:ssX", 'timestamp'), 'timestamp')).toBe(ts(2024, 1, 10, 8));
    // With X in the format, the offset is required.
    expect(parseTemporal('2024-01-10T09:00:00', fmt("yyyy-MM-dd'T'HH:mm:ssX", 'timestamp'), 'timestamp')).toBeUndefined();
    expect(parseTemporal("2024-01-10 at 09:00", fmt("yyyy-MM-dd 'at' HH:mm", 'timestamp'), 'timestamp')).toBe(ts(2024, 1, 10, 9));
  });
  test.each([
    ['YYYY-MM-dd', 'date', 'unknown format field `YYYY`'],
    ['yyyy-MM', 'date', 'format must contain a year (`yyyy` or `yy`), `MM` and `dd`'],
    ['yyyy-MM-dd HH', 'timestamp', 'a timestamp format must contain `HH` and `mm`'],
    ['yyyy-MM-dd HH:mm', 'date', 'a date format cannot contain `HH`'],
    ["yyyy-MM-dd'T", 'date', 'unterminated quoted literal in format'],
    ['yyyy-MM-dd-yyyy', 'date', 'format field `yyyy` appears twice'],
    ['Xyyyy-MM-dd HH:mm', 'timestamp', '`X` (the UTC offset) must come last in a format'],
    ['yyyy1MM-dd', 'date', 'digits in a format must be quoted'],
  ])('rejects format %j for %s', (text, target, message) => {
    const r = parseTemporalFormat(text, target as 'date' | 'timestamp');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(message);
  });
});
