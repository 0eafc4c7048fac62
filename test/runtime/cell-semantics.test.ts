import fc from 'fast-check';
import { compareDecimalText, parseBooleanCell, parseDecimalCell, parseDoubleCell, parseIntegerCell } from '../../runtime/cells/numeric';
import { parseTemporal } from '../../runtime/cells/temporal-format';
import type { CsvRecord, DatasetModule, RowValues } from '../../runtime/dataset-module';
import { VALIDATOR_RUNTIME } from '../../runtime/validator-runtime';
import type { ColumnModel } from '../../generators/contract/dataset-model';
import { contract, dataset, model, moduleOf } from './support/lake';

/**
 * The generated straight-line checks agree with the reference cell semantics of runtime/cells (DESIGN.md,
 * contract format) — a differential property test over valid, near-valid and random cells, per type and
 * rule, with fixed seeds. Each case is a one-column contract; the reference below is written from the
 * rules (null first, then type, pattern, allowed, lengths, min, max), using only runtime/cells.
 */
type Outcome = { error: string } | { value: string | null };

function validatorFor(columnYaml: string, nullValues = '[""]'): { module: DatasetModule; column: ColumnModel; validate: (cell: string) => Outcome } {
  const m = model({ 'demo/cells.yaml': contract({ name: 'cells', columns: `  - ${columnYaml}`, source: `{ format: csv, delimiter: ",", header: true, null_values: ${nullValues} }` }) });
  const d = dataset(m);
  const module = moduleOf(d);
  const validate = module.createValidator(VALIDATOR_RUNTIME, Int32Array.of(0));
  const row: RowValues = { num: new Float64Array(1), big: [null], start: new Int32Array(1), end: new Int32Array(1), isNull: new Uint8Array(1) };
  const kind = d.columns[0]!.type.kind;
  return {
    module,
    column: d.columns[0]!,
    validate(cell) {
      const text = Buffer.from(cell, 'utf8').toString('latin1');
      const rec: CsvRecord = { text, bytes: Buffer.from(text, 'latin1'), starts: Int32Array.of(0), ends: Int32Array.of(text.length), cellCount: 1, ascii: /^[\x00-\x7f]*$/.test(text) };
      row.big[0] = null;
      const code = validate(rec, row, 0);
      if (code !== 0) return { error: module.descriptor.errorCodes[code]! };
      if (row.isNull[0] === 1) return { value: null };
      if (kind === 'string') return { value: Buffer.from(text.slice(row.start[0], row.end[0]), 'latin1').toString('utf8') };
      return { value: row.big[0] !== null ? String(row.big[0]) : String(row.num[0]) };
    },
  };
}

/** A cell's value under the column's type (runtime/cells), as text; undefined when it is not one. */
function parsed(c: ColumnModel, cell: string): string | undefined {
  const t = c.type;
  switch (t.kind) {
    case 'string':
      return cell;
    case 'int':
    case 'bigint':
      return parseIntegerCell(cell, t.kind)?.toString();
    case 'decimal':
      return parseDecimalCell(cell, t.precision, t.scale)?.toString();
    case 'double': {
      const v = parseDoubleCell(cell);
      return v === undefined ? undefined : String(v);
    }
    case 'boolean': {
      const v = parseBooleanCell(cell);
      return v === undefined ? undefined : v ? '1' : '0';
    }
    case 'date':
    case 'timestamp': {
      const v = parseTemporal(cell, c.format!, t.kind);
      return v === undefined ? undefined : String(v);
    }
  }
}

/** The reference: DESIGN.md's rules with runtime/cells, independent of the generator. */
function reference(c: ColumnModel, nullValues: readonly string[], cell: string): Outcome {
  const name = c.name;
  if (nullValues.includes(cell)) return c.required ? { error: `required:${name}` } : { value: null };
  const value = parsed(c, cell);
  if (value === undefined) return { error: `type:${name}` };
  const exact = ['int', 'bigint', 'decimal'].includes(c.type.kind);
  const cmp = (a: string, b: string) => (exact ? compareDecimalText(a, b) : c.type.kind === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : Number(a) - Number(b));
  if (c.pattern && !new RegExp(`^(?:${c.pattern.canonical})$`, 'u').test(cell)) return { error: `pattern:${name}` };
  if (c.allowed && !c.allowed.some((a) => cmp(parsed(c, a)!, value) === 0)) return { error: `allowed:${name}` };
  const length = [...cell].length;
  if (c.minLength !== undefined && length < c.minLength) return { error: `min_length:${name}` };
  if (c.maxLength !== undefined && length > c.maxLength) return { error: `max_length:${name}` };
  if (c.min !== undefined && cmp(value, parsed(c, c.min)!) < 0) return { error: `min:${name}` };
  if (c.max !== undefined && cmp(value, parsed(c, c.max)!) > 0) return { error: `max:${name}` };
  // Numbers as the validator holds them: -0 and 0 are one value.
  return { value: exact ? BigInt(value).toString() : c.type.kind === 'double' ? String(Number(value) + 0) : value };
}

const DIGITS = '0123456789';
const sign = fc.constantFrom('', '-', '+', ' ');
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...DIGITS.split('')), minLength: min, maxLength: max });
const noise = fc.string({ unit: fc.constantFrom(...'0123456789.-+eE ,:TZ/_x'.split('')), maxLength: 30 });

function check(columnYaml: string, cells: fc.Arbitrary<string>, examples: string[], nullValues: string[] = ['']) {
  const { column, validate } = validatorFor(columnYaml, JSON.stringify(nullValues));
  for (const cell of examples) expect({ cell, got: validate(cell) }).toEqual({ cell, got: reference(column, nullValues, cell) });
  fc.assert(
    fc.property(cells, (cell) => {
      expect({ cell, got: validate(cell) }).toEqual({ cell, got: reference(column, nullValues, cell) });
    }),
    { seed: 20260101, numRuns: 1500 },
  );
}

test('int: base-10 in range, leading zeros allowed, no + or spaces, min/max', () => {
  check(
    '{ name: n, type: int, required: true, min: -100, max: 2147483647 }',
    fc.oneof(fc.tuple(sign, digits(0, 12)).map(([s, d]) => s + d), fc.integer().map(String), noise),
    ['0', '-0', '007', '2147483647', '2147483648', '-2147483648', '-101', '-100', '+1', ' 1', '1 ', '', '1.0', '1e3', '00000000000000000000001'],
  );
});

test('bigint: the full int64 range exactly, beyond 2^53', () => {
  check(
    '{ name: n, type: bigint, min: -9223372036854775808, max: 9000000000000000001 }',
    fc.oneof(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), fc.tuple(sign, digits(0, 22)).map(([s, d]) => s + d), noise),
    ['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '9000000000000000001', '9000000000000000002', '9007199254740993', ''],
  );
});

test('decimal(18,2): plain, at most 2 fraction and 16 integer digits, never rounded; values beyond 2^53 exact', () => {
  check(
    '{ name: d, type: "decimal(18,2)", required: true, min: -10000000, max: 9999999999999999.99 }',
    fc.oneof(
      fc.tuple(sign, digits(0, 19), fc.constantFrom('', '.'), digits(0, 4)).map(([s, i, dot, f]) => `${s}${i}${dot}${f}`),
      fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }).map((v) => (v < 0n ? '-' : '') + ((v < 0n ? -v : v) / 100n).toString() + '.' + ((v < 0n ? -v : v) % 100n).toString().padStart(2, '0')),
      noise,
    ),
    ['1.000', '1.00', '1.0', '1.', '.5', '0.5', '-0', '-0.00', '10000000.00', '-10000000.01', '9999999999999999.99', '99999999999999999', '1e2', '1,000.00', '12.345'],
  );
});

test('decimal(38,10) and decimal(5,0): big precision through bigints, scale 0 takes no fraction', () => {
  check(
    '{ name: d, type: "decimal(38,10)", min: -5, allowed: ["1", "2.5", "1234567890123456789012345678.0123456789"] }',
    fc.oneof(fc.tuple(sign, digits(0, 30), fc.constantFrom('', '.'), digits(0, 12)).map(([s, i, dot, f]) => `${s}${i}${dot}${f}`), fc.constantFrom('1', '1.0', '2.50', '1234567890123456789012345678.0123456789'), noise),
    ['1', '01.0000000000', '2.5', '2.500', '1234567890123456789012345678.0123456789', '12345678901234567890123456789'],
  );
  check('{ name: d, type: "decimal(5,0)" }', fc.oneof(fc.tuple(sign, digits(0, 7), fc.constantFrom('', '.'), digits(0, 2)).map(([s, i, dot, f]) => `${s}${i}${dot}${f}`), noise), ['99999', '100000', '1.', '1.0', '0']);
});

test('double: finite decimal or exponent numbers', () => {
  check(
    '{ name: x, type: double, min: -1.5, max: 1e300 }',
    fc.oneof(fc.double({ noNaN: true }).map(String), fc.tuple(sign, digits(0, 5), fc.constantFrom('', '.'), digits(0, 3), fc.constantFrom('', 'e', 'E', 'e-', 'e+'), digits(0, 4)).map((p) => p.join('')), noise),
    ['1e400', '-1e400', '1.5e300', '1e301', '-1.5', '-1.6', '.5', '5.', '1e', 'NaN', 'Infinity', '-0', '0.0000001'],
  );
});

test('boolean: true or false, nothing else', () => {
  check('{ name: b, type: boolean }', fc.oneof(fc.constantFrom('true', 'false', 'True', 'TRUE', '1', '0', 't', 'yes', ' true'), noise), ['true', 'false', 'TRUE', '']);
});

const dateParts = fc.tuple(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 1000 }));
const p2 = (n: number) => String(n).padStart(2, '0');

test('date (default yyyy-MM-dd) and yyMMdd: real calendar dates only', () => {
  check(
    '{ name: d, type: date, min: "1900-01-01" }',
    fc.oneof(dateParts.map(([y, m, d]) => `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}`), noise),
    ['2024-02-29', '2023-02-29', '2024-02-30', '1900-02-29', '2000-02-29', '0000-01-01', '9999-12-31', '1899-12-31', '2024-1-01', '2024-01-01T00:00:00'],
  );
  check('{ name: d, type: date, format: yyMMdd }', fc.oneof(dateParts.map(([y, m, d]) => `${p2(y % 100)}${p2(m)}${p2(d)}`), noise), ['240229', '230229', '991231', '000101', '2402291']);
});

test("timestamp: the ISO default (optional .S–.SSS and offset), an explicit offset format, and dd/MM/yyyy HH:mm:ss.SSS", () => {
  const iso = dateParts.chain(([y, m, d, h, mi, s, ms]) =>
    fc.tuple(fc.constantFrom('', `.${ms % 10}`, `.${p2(ms % 100)}`, `.${String(ms).padStart(3, '0')}`, '.', '.1234'), fc.constantFrom('', 'Z', '+01:00', '-05:30', '+19:00', '+01:60', '+0100', 'z')).map(
      ([f, z]) => `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}${f}${z}`,
    ),
  );
  check('{ name: t, type: timestamp, max: "2100-01-01T00:00:00Z" }', fc.oneof(iso, noise), ['2024-01-10T09:00:00Z', '2024-01-10T24:00:00Z', '2024-01-10T09:00:00.5', '2024-01-10T09:00:00+18:59', '2100-01-01T00:00:00.001Z', '2024-01-10 09:00:00']);
  check("{ name: t, type: timestamp, format: \"yyyy-MM-dd'T'HH:mm:ssX\", min: \"2000-01-01T00:00:00Z\" }", fc.oneof(iso, noise), ['2024-01-10T09:00:00Z', '2024-01-10T09:00:00', '1999-12-31T23:59:59-01:00', '2000-01-01T01:00:00+02:00']);
  check('{ name: t, type: timestamp, format: "dd/MM/yyyy HH:mm:ss.SSS" }', fc.oneof(dateParts.map(([y, m, d, h, mi, s, ms]) => `${p2(d)}/${p2(m)}/${String(y).padStart(4, '0')} ${p2(h)}:${p2(mi)}:${p2(s)}.${String(ms).padStart(3, '0')}`), noise), ['29/02/2024 23:59:59.999', '30/02/2024 00:00:00.000', '01/01/2024 00:00:00.00']);
});

test('strings: pattern on the whole cell (Unicode), allowed values exactly, lengths in code points, null values', () => {
  const unicode = fc.string({ unit: fc.constantFrom('A', 'B', 'C', 'a', '1', '-', 'é', '💳', '\n', ' ', '"', "'", '\\'), maxLength: 8 });
  check('{ name: s, type: string, pattern: "^[A-C][A-Za-z0-9é💳-]{0,4}$", min_length: 2, max_length: 4 }', unicode, ['A', 'AB', 'Aé💳', 'AB\n', 'a', 'ABCDE', 'A💳💳💳', 'A💳💳💳💳'], ['', 'NA']);
  check("{ name: s, type: string, required: true, allowed: [\"A'B\", 'C\"D', \"E\\\\F\", 'é', '💳', 'NA'] }", fc.oneof(unicode, fc.constantFrom("A'B", 'C"D', 'E\\F', 'é', '💳')), ["A'B", 'C"D', 'E\\F', 'é', '💳', 'NA', ''], ['', 'NA']);
});

test('numbers with allowed values compare by value ("01" is 1)', () => {
  check('{ name: n, type: int, allowed: [1, 20, -3] }', fc.oneof(fc.integer({ min: -30, max: 30 }).map(String), fc.constantFrom('01', '020', '-03', '-0', '+1')), ['01', '020', '-03', '2']);
});
