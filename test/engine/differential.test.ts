import { join } from 'node:path';
import fc from 'fast-check';
import { CsvReader, RecordStatus } from '../../runtime/csv/csv-reader';
import { tempDir } from '../runtime/support/lake';
import { closeReader, comparable, deliveryFile, runOn } from './support/engines';
import { EVERY_TYPE_HEADER, everyTypeContract } from './support/every-type';

/**
 * Differential property: on random and hostile CSV the TypeScript engine and the DuckDB engine put every
 * record in the same place with the same error, cells, values and `_row_hash`, and report the same run —
 * or, for a file with a quoted cell holding a line break (which SQL reads line by line), the DuckDB engine
 * refuses the file with its message and publishes nothing. Fixed seed, bounded sizes.
 */
jest.setTimeout(300_000);
afterAll(() => closeReader());

const { d, module: itemsModule } = everyTypeContract();

const POOLS: Record<string, readonly string[]> = {
  at: ['2024-01-31T23:59:59Z', '2024-02-29T12:00:00.5+01:00', '2024-03-01T00:30:00+01:00', '2023-12-31T23:00:00-01:00', '2024-01-01T24:00:00Z', '2024-01-01 10:00:00Z', '2024-02-30T00:00:00Z', '1999-12-31T23:59:59Z', '2024-06-15T10:00:00.123', '2024-06-15T10:00:00+19:00', '', 'x'],
  'Label Text': ['hello', 'é', 'ééééé', 'ééééééé', '', 'a,b', 'q"q', '🦆', ' pad ', 'NULL'],
  kind: ['A', 'B,C', 'é', 'q"q', '', 'B', 'a'],
  qty: ['0', '-5', '-6', '2147483647', '2147483648', '+1', ' 1', '007', '1.0', '1e3', ''],
  big: ['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '0', '12345678901234567890', 'x', ''],
  price: ['9999.99', '10000', '-100', '-100.01', '1.000', '12.345', '1e5', '12.', '.5', '+5', ' 5', '0', '-0.00', ''],
  wide: ['1234567890123456789012345678.0123456789', '99999999999999999999999999999', '-0.0000000001', '0.00000000001', '1', ''],
  tiny: ['0.5', '0.05', '-0.99', '0.99', '0.50', '1', ''],
  ratio: ['1e10', '1.1e10', '-0', '1e-400', '1e400', 'NaN', '.5', '5.', '-1.5E-3', '3.141592653589793', ''],
  flag: ['true', 'false', 'TRUE', '1', ''],
  day: ['29.02.2024', '29.02.2023', '31.04.2024', '01.01.1900', '31.12.1899', '31.12.2099', '01.01.2100', '1.1.2024', ''],
  local: ['240229 23:59:59.999Z', '240229 23:59:59.999+05:30', '240229 23:59:59.99Z', '230229 00:00:00.000Z', '000101 24:00:00.000Z', ''],
  extra: ['anything', ''],
};

/** Cells every rule accepts, so that well-formed rows reach silver and the duplicate and unique checks. */
const VALID: Record<string, readonly string[]> = {
  at: ['2024-01-31T23:59:59Z', '2024-02-29T12:00:00.5+01:00', '2024-03-01T00:30:00+01:00', '2023-12-31T23:00:00-01:00', '2024-06-15T10:00:00.123'],
  'Label Text': ['hello', 'é', 'ééééé', 'a,b', 'q"q', '🦆'],
  kind: ['A', 'B,C', 'é', 'q"q', ''],
  qty: ['0', '-5', '2147483647', '007'],
  big: ['9223372036854775807', '-9223372036854775808', '0'],
  price: ['9999.99', '-100', '0', '-0.00', '12.3'],
  wide: ['1234567890123456789012345678.0123456789', '-0.0000000001', '1', ''],
  tiny: ['0.5', '0.05', '-0.99', ''],
  ratio: ['1e10', '-0', '1e-400', '.5e1'.slice(1), '-1.5E-3', '3.141592653589793'],
  flag: ['true', ''],
  day: ['29.02.2024', '01.01.1900', '31.12.2099', ''],
  local: ['240229 23:59:59.999Z', '240229 23:59:59.999+05:30', ''],
  extra: ['anything', ''],
};

const cellArb = (column: string, ids: readonly string[], valid: boolean): fc.Arbitrary<string> =>
  column === 'id'
    ? valid
      ? fc.constantFrom(...ids)
      : fc.oneof(fc.constantFrom(...ids), fc.constantFrom('a1', 'A123456789', '', 'Q_1'))
    : fc.constantFrom(...((valid ? VALID[column] : POOLS[column]) ?? POOLS.extra!));

/** How a cell is written: plain, quoted, or broken in one of the ways deliveries break. */
type Writing = 'plain' | 'quoted' | 'stray-quote' | 'text-after-quote' | 'bad-utf8' | 'lone-cr' | 'line-break' | 'nul';
const writingArb: fc.Arbitrary<Writing> = fc.oneof(
  { weight: 600, arbitrary: fc.constant<Writing>('plain') },
  { weight: 120, arbitrary: fc.constant<Writing>('quoted') },
  { weight: 20, arbitrary: fc.constantFrom<Writing>('stray-quote', 'text-after-quote', 'bad-utf8', 'lone-cr', 'nul') },
  { weight: 1, arbitrary: fc.constant<Writing>('line-break') },
);

function writeCell(text: string, how: Writing): Buffer {
  const quoted = (t: string) => `"${t.replace(/"/g, '""')}"`;
  const needsQuotes = /[",\r\n]/.test(text);
  switch (how) {
    case 'plain':
      return Buffer.from(needsQuotes ? quoted(text) : text);
    case 'quoted':
      return Buffer.from(quoted(text));
    case 'stray-quote':
      return Buffer.from(`${text}"x`);
    case 'text-after-quote':
      return Buffer.from(`${quoted(text)}x`);
    case 'bad-utf8':
      return Buffer.concat([Buffer.from(text), Buffer.from([0xff])]);
    case 'lone-cr':
      return Buffer.from(`${text}\ra`);
    case 'line-break':
      return Buffer.from(quoted(`${text}\nb`));
    case 'nul':
      return Buffer.from(`${text}\u0000`);
  }
}

interface FileShape {
  readonly bom: boolean;
  readonly header: readonly string[] | undefined;
  readonly records: readonly { readonly cells: readonly Buffer[]; readonly ending: '\n' | '\r\n' }[];
  readonly finalEnding: boolean;
}

const fileArb: fc.Arbitrary<FileShape> = fc
  .record({
    bom: fc.boolean(),
    // The contract's header in any order, maybe without some optional columns, maybe with an extra one.
    header: fc.oneof(
      { weight: 8, arbitrary: fc.shuffledSubarray(EVERY_TYPE_HEADER, { minLength: EVERY_TYPE_HEADER.length - 3, maxLength: EVERY_TYPE_HEADER.length }).map((h) => (h.includes('at') && h.includes('id') ? h : ['id', 'at', ...h.filter((x) => x !== 'id' && x !== 'at')])) },
      { weight: 2, arbitrary: fc.shuffledSubarray([...EVERY_TYPE_HEADER, 'extra'], { minLength: EVERY_TYPE_HEADER.length + 1, maxLength: EVERY_TYPE_HEADER.length + 1 }) },
      { weight: 1, arbitrary: fc.constant(['id', 'at', 'AT']) },
    ),
    ids: fc.uniqueArray(fc.stringMatching(/^[A-Z][0-9]{1,2}$/), { minLength: 3, maxLength: 12 }),
    rows: fc.integer({ min: 0, max: 25 }),
    finalEnding: fc.boolean(),
    seed: fc.integer(),
  })
  .chain(({ bom, header, ids, rows, finalEnding }: { bom: boolean; header: readonly string[]; ids: string[]; rows: number; finalEnding: boolean }) =>
    fc
      .array(
        fc.record({
          values: fc.boolean().chain((valid) =>
            fc.tuple(...header.map((h: string) => fc.tuple(cellArb(h, ids, valid), valid ? fc.constantFrom<Writing>('plain', 'plain', 'quoted') : writingArb))) as unknown as fc.Arbitrary<[string, Writing][]>,
          ),
          count: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) }),
          repeat: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
          blank: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
          ending: fc.constantFrom<'\n' | '\r\n'>('\n', '\n', '\r\n'),
        }),
        { minLength: rows, maxLength: rows },
      )
      .map((recs) => {
        const records: { cells: Buffer[]; ending: '\n' | '\r\n' }[] = [];
        for (const r of recs) {
          if (r.repeat && records.length) {
            records.push(records[records.length - 1]!);
            continue;
          }
          if (r.blank) {
            records.push({ cells: [Buffer.alloc(0)], ending: r.ending });
            continue;
          }
          let cells = r.values.map(([text, how]) => writeCell(text, how));
          if (r.count < 0) cells = cells.slice(0, -1);
          if (r.count > 0) cells = [...cells, Buffer.from('surplus')];
          records.push({ cells, ending: r.ending });
        }
        return { bom, header, records, finalEnding };
      }),
  );

function bytesOf(f: FileShape): Buffer {
  const parts: Buffer[] = [];
  if (f.bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  const lines: Buffer[] = [];
  if (f.header) lines.push(Buffer.from(f.header.map((h) => (h.includes(' ') ? `"${h}"` : h)).join(',')));
  f.records.forEach((r) => lines.push(Buffer.concat(r.cells.flatMap((c, i) => (i ? [Buffer.from(','), c] : [c])))));
  lines.forEach((l, i) => {
    parts.push(l);
    const last = i === lines.length - 1;
    if (!last || f.finalEnding) parts.push(Buffer.from(i === 0 ? '\n' : f.records[i - 1]!.ending));
  });
  return Buffer.concat(parts);
}

/** Whether the TypeScript reader reads some record across a line feed (a quoted cell holding one). */
function hasRecordSpanningLines(bytes: Buffer): boolean {
  let spans = false;
  const reader = new CsvReader({ delimiter: ',', quote: '"', maxRecordBytes: 1 << 30 }, (r) => {
    if (r.status !== RecordStatus.ok) {
      if (r.rawRecord().includes('\n')) spans = true;
      return;
    }
    const rec = r.record;
    for (let k = 0; k < rec.cellCount; k++) if (rec.text.slice(rec.starts[k], rec.ends[k]).includes('\n')) spans = true;
  });
  reader.push(bytes);
  reader.end();
  return spans;
}

test('random and hostile deliveries land identically on both engines', async () => {
  let compared = 0;
  let refused = 0;
  let silver = 0;
  const errors = new Set<string>();
  await fc.assert(
    fc.asyncProperty(fileArb, async (shape) => {
      const bytes = bytesOf(shape);
      const t = tempDir('lakec-diff-');
      try {
        const file = deliveryFile(t.dir, bytes);
        const ts = await runOn('ts', d, itemsModule, join(t.dir, 'ts'), { kind: 'file', path: file });
        const duck = await runOn('duckdb', d, itemsModule, join(t.dir, 'duck'), { kind: 'file', path: file });
        if (duck.summary.status === 'failed' && /not closed on its line/.test(duck.summary.message ?? '')) {
          refused++;
          expect(hasRecordSpanningLines(bytes)).toBe(true);
          expect(duck.summary.rows_in).toBe(0);
          return;
        }
        compared++;
        silver += ts.summary.rows_silver;
        Object.keys(ts.summary.errors).forEach((e) => errors.add(e.split(':')[0]!));
        expect(comparable(duck)).toEqual(comparable(ts));
      } finally {
        t.cleanup();
      }
    }),
    { seed: 20260115, numRuns: 150, endOnFailure: true },
  );
  process.stdout.write(`compared ${compared}, refused ${refused}, silver rows ${silver}, errors ${[...errors].sort().join(' ')}\n`);
  // The property is not vacuous: most files were compared, and they exercised every kind of outcome.
  expect(compared).toBeGreaterThan(120);
  expect(refused).toBeGreaterThan(0);
  expect(silver).toBeGreaterThan(50);
  expect([...errors].sort()).toEqual(expect.arrayContaining(['allowed', 'cell_count', 'max_length', 'min', 'pattern', 'quote', 'required', 'type', 'unique', 'utf8']));
});
