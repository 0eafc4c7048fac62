import { contract, dataset, model, moduleOf, tempDir } from '../runtime/support/lake';
import { closeReader, comparable, deliveryFile, runOn, type Outcome } from './support/engines';
import { EVERY_TYPE_HEADER, everyTypeContract } from './support/every-type';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import type { DatasetModule } from '../../runtime/dataset-module';
import { join } from 'node:path';

/**
 * The TypeScript engine and the DuckDB engine on the same hostile deliveries: every record lands in the same
 * table with the same error, cells, values, `_row_hash` and record number; the summaries and manifests agree.
 * Each file packs many edge cases, one per row, so a run pair checks dozens at once.
 */
jest.setTimeout(120_000);
afterAll(() => closeReader());

const { d, module: itemsModule } = everyTypeContract();

async function both(dd: DatasetModel, mod: DatasetModule, bytes: string | Buffer, name = 'delivery.csv'): Promise<{ ts: Outcome; duck: Outcome }> {
  const t = tempDir('lakec-engine-');
  try {
    const file = deliveryFile(t.dir, bytes, name);
    const ts = await runOn('ts', dd, mod, join(t.dir, 'ts'), { kind: 'file', path: file });
    const duck = await runOn('duckdb', dd, mod, join(t.dir, 'duck'), { kind: 'file', path: file });
    return { ts, duck };
  } finally {
    t.cleanup();
  }
}

async function expectSame(bytes: string | Buffer, dd = d, mod = itemsModule, name?: string): Promise<Outcome> {
  const { ts, duck } = await both(dd, mod, bytes, name);
  expect(comparable(duck)).toEqual(comparable(ts));
  return ts;
}

const HEADER = EVERY_TYPE_HEADER.map((h) => (h.includes(' ') ? `"${h}"` : h)).join(',');
const GOOD: Record<string, string> = {
  at: '2024-02-29T23:59:59.5+01:00',
  id: 'A1',
  'Label Text': 'hello',
  kind: 'A',
  qty: '5',
  big: '-9223372036854775808',
  price: '9999.99',
  wide: '1234567890123456789012345678.0123456789',
  tiny: '0.05',
  ratio: '1e10',
  flag: 'true',
  day: '29.02.2024',
  local: '240229 23:59:59.999Z',
};
let serial = 0;
/** A record with one cell changed (already quoted as it should appear in the file); a fresh id unless given. */
function row(changes: Record<string, string> = {}): string {
  const cells: Record<string, string> = { ...GOOD, id: `R${++serial}`, ...changes };
  return EVERY_TYPE_HEADER.map((h) => cells[h]).join(',');
}

test('every type at its edges, cell by cell', async () => {
  const cases: Record<string, string>[] = [
    {},
    // strings: pattern, allowed (quoted values with delimiters, quotes, non-ASCII, the empty value), lengths in characters
    { id: 'a1' }, { id: 'A123456789' }, { id: '"A_9"' }, { 'Label Text': '""' }, { 'Label Text': 'ééééé' }, { 'Label Text': 'ééééééé' },
    { 'Label Text': '"🦆🦆🦆🦆🦆🦆"' }, { 'Label Text': '"a,b"' }, { kind: '"B,C"' }, { kind: 'é' }, { kind: '"q""q"' }, { kind: 'B' }, { kind: 'a' },
    // int and bigint
    { qty: '-5' }, { qty: '-6' }, { qty: '2147483647' }, { qty: '2147483648' }, { qty: '007' }, { qty: '-0' }, { qty: '+5' }, { qty: ' 5' }, { qty: '5 ' },
    { qty: '1e3' }, { qty: '1.0' }, { qty: '0x10' }, { qty: '٣' }, { qty: '00000000000000000000000000000001' },
    { big: '9223372036854775807' }, { big: '9223372036854775808' }, { big: '-9223372036854775809' }, { big: '12345678901234567890123' },
    // decimals: scale, precision, no rounding, no exponent, no sign but minus
    { price: '1.000' }, { price: '12.345' }, { price: '1e5' }, { price: '12.' }, { price: '.5' }, { price: '+5' }, { price: ' 5' }, { price: '-100' },
    { price: '-100.01' }, { price: '10000' }, { price: '0009999.99' }, { price: '-0.00' }, { price: '1,5' },
    { wide: '9999999999999999999999999999.9999999999' }, { wide: '99999999999999999999999999999' }, { wide: '-0.0000000001' }, { wide: '0.00000000001' },
    { tiny: '0.5' }, { tiny: '0.50' }, { tiny: '-0.99' }, { tiny: '0.99' }, { tiny: '1.00' }, { tiny: '00.05' },
    // doubles
    { ratio: '1e10' }, { ratio: '1.0000000001e10' }, { ratio: '-1.5E-3' }, { ratio: '1e400' }, { ratio: '1e-400' }, { ratio: 'NaN' }, { ratio: 'Infinity' },
    { ratio: '.5' }, { ratio: '5.' }, { ratio: '-0' }, { ratio: '1_000' }, { ratio: '0.1e+2' },
    // booleans
    { flag: 'false' }, { flag: 'TRUE' }, { flag: '1' }, { flag: '' },
    // dates in their own format: leap days, impossible days, the bounds
    { day: '29.02.2023' }, { day: '31.04.2024' }, { day: '00.01.2024' }, { day: '01.13.2024' }, { day: '31.12.2099' }, { day: '01.01.2100' },
    { day: '31.12.1899' }, { day: '1.1.2024' }, { day: '2024-01-01' }, { day: '01.01.0000' },
    // ISO timestamps: fractions, offsets, 23:59:59, 24:00, space separator, bounds, the partition month across an offset
    { at: '2024-01-31T23:59:59Z' }, { at: '2024-01-31T23:30:00-01:00' }, { at: '2024-02-01T00:30:00+01:00' }, { at: '2024-01-01T24:00:00Z' },
    { at: '2024-01-01 10:00:00Z' }, { at: '2024-01-01T10:00:00' }, { at: '2024-01-01T10:00:00.1' }, { at: '2024-01-01T10:00:00.12Z' },
    { at: '2024-01-01T10:00:00.1234Z' }, { at: '2024-01-01T10:00:00.Z' }, { at: '2024-01-01T10:00:00+18:59' }, { at: '2024-01-01T10:00:00+19:00' },
    { at: '2024-01-01T10:00:00+02:60' }, { at: '2024-01-01T10:00:00+0200' }, { at: '2024-01-01T10:00:60Z' }, { at: '2024-01-01T10:60:00Z' },
    { at: '1999-12-31T23:59:59.999Z' }, { at: '2000-01-01T00:30:00+01:00' }, { at: '2000-01-01T00:00:00Z' }, { at: '2024-02-30T00:00:00Z' },
    { at: '9999-12-31T23:59:59-18:00' }, { at: '0001-01-01T00:00:00Z' }, { at: '' },
    // a format with yy, milliseconds and a mandatory offset
    { local: '240229 23:59:59.999+05:30' }, { local: '240229 23:59:59.99Z' }, { local: '240229 23:59:59.999' }, { local: '230229 00:00:00.000Z' },
    { local: '991231 23:59:59.999-00:00' }, { local: '000101 24:00:00.000Z' },
    // several errors at once: the first rule of the first column in contract order wins
    { id: 'x', qty: 'nope', at: 'never' }, { 'Label Text': '', price: '1.234', day: '31.02.2024' }, { kind: 'Z', qty: '-6', ratio: 'x' },
  ];
  const lines = [HEADER, ...cases.map((c) => row(c))];
  const ts = await expectSame(`${lines.join('\n')}\n`);
  expect(ts.summary.rows_in).toBe(cases.length);
  expect(ts.summary.rows_silver).toBeGreaterThan(5);
  expect(Object.keys(ts.summary.errors).length).toBeGreaterThan(15);
});

test('records that cannot be split, and duplicates and unique values in the file', async () => {
  const good = row({ id: 'D1' });
  const lines = [
    HEADER,
    good,
    good, // an exact copy: condemned
    row({ id: 'D1', qty: '6' }), // the same id with other cells: unique
    row({ id: 'D1', qty: 'x' }), // a type error before the unique check
    'A2,too,few', // cell_count
    `${row()},extra`,
    '',
    ',,,,,,,,,,,,',
    `${row({ 'Label Text': 'ab"c' })}`, // a quote inside an unquoted cell
    `${row({ 'Label Text': '"abc"x' })}`, // text after a closing quote
    `${row({ 'Label Text': '"a""b"' })}`,
    `${row({ 'Label Text': '"x"' })}\r`, // CRLF on one line only
    good,
  ];
  await expectSame(`${lines.join('\n')}\n`);
});

describe('whole files', () => {
  test('empty file, header only, BOM, no final line end, blank lines', async () => {
    await expectSame('');
    await expectSame(`${HEADER}\n`);
    await expectSame(`${HEADER}`);
    await expectSame(`\ufeff${HEADER}\n${row()}\n`);
    await expectSame(`\ufeff`);
    await expectSame(`${HEADER}\n${row()}`);
    await expectSame(`${HEADER}\n\n\n${row()}\n\n`);
  });

  test('CRLF everywhere, mixed line ends, a carriage return inside a cell and at the very end', async () => {
    await expectSame(`${[HEADER, row(), row(), ''].join('\r\n')}`);
    await expectSame(`${HEADER}\r\n${row()}\n${row()}\r\n${row()}`);
    await expectSame(`${HEADER}\n${row({ 'Label Text': 'a\rb' })}\n${row({ 'Label Text': '"a\rb"' })}\n${row()}\r`);
    await expectSame(`${HEADER}\n${row({ id: 'Q1', kind: '"B,C' })}\r`);
  });

  test('invalid UTF-8: records kept as hex, cells as bytes, and a header that is not UTF-8', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${HEADER}\n${row()}\n`),
      Buffer.from(row({ 'Label Text': 'x' }).replace('x', 'X\u0000')),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from(`${row()}\n`),
      Buffer.from([0xc3, 0x28, 0x2c, 0x22, 0x78, 0x22, 0x0a]), // well quoted
      Buffer.from([0xc3, 0x28, 0x2c, 0x78, 0x22, 0x79, 0x0a]), // badly quoted, not UTF-8: utf8
      Buffer.from([0x61, 0x22, 0x62, 0xff, 0x0a]),
      Buffer.from(`${row()}\r\n`),
      Buffer.from([0xc3, 0x28, 0x0d]), // a carriage return ending the input
    ]);
    await expectSame(bad);
    await expectSame(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xc3, 0x28, 0x2c, 0x22, 0x78, 0x0d])]));
    await expectSame(Buffer.concat([Buffer.from('at,id,\xff\n', 'latin1'), Buffer.from(`${row()}\n`)]));
  });

  test('header: another order, a missing optional column, an extra column, a missing required one, a name twice', async () => {
    await expectSame(`id,at,qty\nH1,2024-01-01T00:00:00Z,5\nH2,2024-01-01T00:00:00Z,x\n`);
    await expectSame(`id,at,qty,surplus\nH1,2024-01-01T00:00:00Z,5,whatever\n`);
    await expectSame(`id,qty\nH1,5\n`);
    await expectSame(`id,at,id\nH1,2024-01-01T00:00:00Z,H2\n`);
    await expectSame(`"id,at"\n1\n`);
    await expectSame(`"at",id,"Label Text"\n2024-01-01T00:00:00Z,H1,x\n`);
  });

  test('huge fields, and a record longer than the limit rejects the file', async () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    await expectSame(`id,at,Label Text\nH1,2024-01-01T00:00:00Z,${huge}\nH2,2024-01-01T00:00:00Z,"${huge}"\n`);
    // The TypeScript reader gives up on a record still unfinished past the limit at the end of a 1 MiB chunk.
    const t = tempDir('lakec-engine-');
    try {
      const file = deliveryFile(t.dir, `id,at\nH1,2024-01-01T00:00:00Z\nH2,${'y'.repeat(3 * 1024 * 1024)}\nH3,x\n`);
      const ts = await runOn('ts', d, itemsModule, join(t.dir, 'ts'), { kind: 'file', path: file }, { maxRecordBytes: 1000 });
      const duck = await runOn('duckdb', d, itemsModule, join(t.dir, 'duck'), { kind: 'file', path: file }, { maxRecordBytes: 1000 });
      expect(ts.summary.status).toBe('rejected');
      expect(ts.summary.message).toBe('the file is not readable CSV: record 3 is longer than 1000 bytes (an unclosed quote?)');
      expect(comparable(duck)).toEqual(comparable(ts));
    } finally {
      t.cleanup();
    }
  });

  test('gzip deliveries, and a corrupt one', async () => {
    const { gzipSync } = await import('node:zlib');
    await expectSame(gzipSync(Buffer.from(`${HEADER}\n${row()}\n${row({ qty: 'x' })}\n`)), d, itemsModule, 'delivery.csv.gz');
    const broken = gzipSync(Buffer.from(`${HEADER}\n${row()}\n`)).subarray(0, 40);
    await expectSame(broken, d, itemsModule, 'broken.csv.gz');
  });
});

test('another delimiter, other null values, no header, max_attempts 1', async () => {
  const m = model({
    'demo/plain.yaml': contract({
      name: 'plain',
      columns: `
  - { name: code, type: string, required: true }
  - { name: amount, type: "decimal(10,3)" }
  - { name: note, type: string }`,
      source: '{ format: csv, delimiter: ";", header: false, null_values: ["NA", "-"] }',
      quality: '{ max_quarantine_rate: 1, max_attempts: 1, circuit_breaker_per_hour: 1000 }',
    }),
  });
  const dd = dataset(m, 'demo.plain');
  const mod = moduleOf(dd);
  await expectSame('a;1.5;x\nNA;2;y\nb;-;\nc;1.2345;"q;r"\nd;1,5;z\ne;1;2;3\na;1.5;x\n\nf;"1.000";NA\n', dd, mod);
  await expectSame('', dd, mod);
});

test('a quoted cell holding a line break: the TypeScript engine reads it, the DuckDB engine refuses the file with a message', async () => {
  const t = tempDir('lakec-engine-');
  try {
    const file = deliveryFile(t.dir, `${HEADER}\n${row({ 'Label Text': '"a\nb"' })}\n${row()}\n`);
    const ts = await runOn('ts', d, itemsModule, join(t.dir, 'ts'), { kind: 'file', path: file });
    const duck = await runOn('duckdb', d, itemsModule, join(t.dir, 'duck'), { kind: 'file', path: file });
    expect(ts.summary.status).toBe('published');
    expect(duck.summary.status).toBe('failed');
    expect(duck.summary.message).toMatch(/^record 2 has a quoted cell that is not closed on its line .*--engine ts/);
    expect(duck.summary.rows_in).toBe(0);
    // The delivery is in bronze all the same, ready to run again with the TypeScript engine.
    expect(duck.summary.delivery.bronze_key).toMatch(/^bronze\/demo\/items\//);
  } finally {
    t.cleanup();
  }
  // A quote left open on the last line, without a line end after it, is a quote error on both.
  await expectSame(`${HEADER}\n${row()}\n${row({ 'Label Text': '"open' })}`);
});
