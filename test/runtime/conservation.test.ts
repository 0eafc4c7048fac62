import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import fc from 'fast-check';
import { compareDecimalText, parseBooleanCell, parseDecimalCell, parseIntegerCell } from '../../runtime/cells/numeric';
import { DEFAULT_DATE_FORMAT, parseTemporal } from '../../runtime/cells/temporal-format';
import { rowHash } from '../../runtime/row-hash';
import { contract, dataset, model, moduleOf, query, runText, tempDir } from './support/lake';

/**
 * Conservation (DESIGN.md): rows_in = silver + quarantined + condemned in every run — and beyond the
 * counts, every record lands where an independent reading of the rules puts it, on random and hostile
 * CSV (wrong cell counts, stray and unclosed quotes, invalid UTF-8, huge fields, blank lines, empty files,
 * header only, duplicates, repeated ids). The reference below shares nothing with the runtime but the
 * reference cell semantics of runtime/cells.
 */
const COLUMNS = `
  - { name: id, type: string, required: true, unique: true, max_length: 5000 }
  - { name: qty, type: int, min: 0 }
  - { name: price, type: "decimal(6,2)", required: true }
  - { name: ok, type: boolean }
  - { name: day, type: date, required: true }`;
const m = model({ 'demo/items.yaml': contract({ columns: COLUMNS, partitions: '  - { name: year, from: day, transform: year }', quality: '{ max_quarantine_rate: 1, max_attempts: 3, circuit_breaker_per_hour: 1000000 }' }) });
const datasetModule = moduleOf(dataset(m));
const NAMES = ['id', 'qty', 'price', 'ok', 'day'];

type Landing = { layer: 'silver' | 'quarantine' | 'condemned'; error: string | null };

/** An independent RFC 4180 split: records with their raw bytes and, when well quoted, their cells. */
function splitRecords(bytes: Buffer): { raw: Buffer; cells?: Buffer[]; badQuote: boolean }[] {
  let b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  const out: { raw: Buffer; cells?: Buffer[]; badQuote: boolean }[] = [];
  let i = 0;
  while (i < b.length) {
    const start = i;
    const cells: Buffer[] = [];
    let cell: number[] = [];
    let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
    let bad = false;
    let end = -1;
    for (; i < b.length; i++) {
      const c = b[i]!;
      if (state === 'quoted') {
        if (c === 0x22) {
          if (b[i + 1] === 0x22) {
            cell.push(0x22);
            i++;
          } else state = 'closed';
        } else cell.push(c);
        continue;
      }
      if (c === 0x0a) {
        end = i;
        i++;
        break;
      }
      if (c === 0x2c) {
        cells.push(Buffer.from(cell));
        cell = [];
        state = 'start';
        continue;
      }
      if (state === 'closed' && !(c === 0x0d && (b[i + 1] === 0x0a || i + 1 === b.length))) bad = true;
      if (c === 0x22) {
        if (state === 'start') {
          state = 'quoted';
          continue;
        }
        bad = true;
      }
      if (state === 'start') state = 'plain';
      cell.push(c);
    }
    if (state === 'quoted') bad = true;
    if (end < 0) end = b.length;
    if (bad) {
      // A bad record ends at the first line feed after the point it went wrong (or the end of the input).
      out.push({ raw: b.subarray(start, end), badQuote: true });
      continue;
    }
    cells.push(Buffer.from(cell));
    const last = cells[cells.length - 1]!;
    if (last.length && last[last.length - 1] === 0x0d && (end < b.length || end === b.length)) cells[cells.length - 1] = last.subarray(0, last.length - 1);
    const raw = b.subarray(start, end > start && b[end - 1] === 0x0d ? end - 1 : end);
    out.push({ raw, cells, badQuote: false });
  }
  return out;
}

/** Where each data record should land (by record number), by DESIGN.md's rules. */
function expected(bytes: Buffer): Map<number, Landing> | 'rejected' {
  const records = splitRecords(bytes);
  if (records.length === 0) return 'rejected';
  const header = records[0]!;
  if (header.badQuote || !isUtf8(header.raw)) return 'rejected';
  const names = header.cells!.map((c) => c.toString('utf8'));
  if (['id', 'price', 'day'].some((n) => !names.includes(n)) || new Set(names).size !== names.length) return 'rejected';
  const out = new Map<number, Landing>();
  const accepted = new Set<string>();
  const ids = new Set<string>();
  records.slice(1).forEach((r, k) => {
    const n = k + 2;
    if (!isUtf8(r.raw)) return out.set(n, { layer: 'quarantine', error: 'utf8' });
    if (r.badQuote) return out.set(n, { layer: 'quarantine', error: 'quote' });
    if (r.cells!.length !== names.length) return out.set(n, { layer: 'quarantine', error: 'cell_count' });
    const cell = (name: string): string | null => (names.includes(name) ? r.cells![names.indexOf(name)]!.toString('utf8') : null);
    const cells = NAMES.map(cell);
    const isNull = (v: string | null) => v === null || v === '';
    const [id, qty, price, ok, day] = cells;
    let error: string | null = null;
    if (isNull(id)) error = 'required:id';
    else if ([...id!].length > 5000) error = 'max_length:id';
    else if (!isNull(qty) && parseIntegerCell(qty!, 'int') === undefined) error = 'type:qty';
    else if (!isNull(qty) && compareDecimalText(String(parseIntegerCell(qty!, 'int')), '0') < 0) error = 'min:qty';
    else if (isNull(price)) error = 'required:price';
    else if (parseDecimalCell(price!, 6, 2) === undefined) error = 'type:price';
    else if (!isNull(ok) && parseBooleanCell(ok!) === undefined) error = 'type:ok';
    else if (isNull(day)) error = 'required:day';
    else if (parseTemporal(day!, DEFAULT_DATE_FORMAT, 'date') === undefined) error = 'type:day';
    if (error) return out.set(n, { layer: 'quarantine', error });
    const hash = rowHash(cells.map((c) => (isNull(c) ? null : c)));
    if (accepted.has(hash)) return out.set(n, { layer: 'condemned', error: 'duplicate' });
    if (ids.has(id!)) return out.set(n, { layer: 'quarantine', error: 'unique:id' });
    accepted.add(hash);
    ids.add(id!);
    return out.set(n, { layer: 'silver', error: null });
  });
  return out;
}

const mostly = (good: string[], bad: string[]) => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const goodRow = fc.tuple(
  mostly(['A1', 'A2', 'B7', 'é1', '💳'], ['', 'X'.repeat(5001)]),
  mostly(['', '0', '7', '01'], ['-1', 'x']),
  mostly(['1.00', '-5.5', '9999.99', '0'], ['10000.00', '1.000', '', '.5']),
  mostly(['', 'true', 'false'], ['TRUE']),
  mostly(['2024-01-31', '2024-02-29', '2023-12-31'], ['2023-02-29', '', '2024-1-1']),
);
const hostileLine = fc.oneof(
  goodRow.map((c) => c.join(',')),
  goodRow.map((c) => c.map((x) => (x.includes(',') ? x : `"${x.replace(/"/g, '""')}"`)).join(',')),
  goodRow.map((c) => c.slice(0, 4).join(',')),
  goodRow.map((c) => [...c, 'extra'].join(',')),
  fc.constantFrom('', 'A1,"unclosed,1.00,,2024-01-01', 'A"1,1,1.00,,2024-01-01', '"A1"x,1,1.00,,2024-01-01', '"multi\nline",1,1.00,,2024-01-01', `"${'H'.repeat(70000)}",1,1.00,,2024-01-01`, `${'W'.repeat(4000)},1,1.00,,2024-01-01`),
);
const line = fc.oneof({ weight: 4, arbitrary: hostileLine.map((l) => Buffer.from(l)) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((u) => Buffer.from(u)) });
const header = fc.oneof({ weight: 6, arbitrary: fc.constant('id,qty,price,ok,day') }, { weight: 1, arbitrary: fc.constantFrom('day,price,id', 'id,qty,price,ok,day,extra', 'id,qty,ok,day', 'id,id,price,day', 'qty,id,day,price,ok') });
const csv = fc.oneof(
  {
    weight: 8,
    // Lines, then copies of some of them (exact duplicates, and ids seen before).
    arbitrary: fc
      .tuple(header, fc.array(line, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
      .map(([h, lines, copies, eol, end]) => [h, lines.length ? [...lines, ...copies.map((k) => lines[k % lines.length]!)] : lines, eol, end] as const),
  },
  { weight: 1, arbitrary: fc.constant(['', [] as Buffer[], '\n', false] as const) },
).map(([h, lines, eol, end]) => Buffer.concat(h === '' ? [] : [Buffer.from(h), ...lines.flatMap((l) => [Buffer.from(eol), l]), Buffer.from(end ? eol : '')]));

test('every record lands where the rules say, and counts conserve (random and hostile CSV, fixed seed)', async () => {
  const t = tempDir();
  try {
    let runs = 0;
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(csv, async (bytes) => {
        const lake = join(t.dir, `lake${runs++}`);
        const s = await runText(datasetModule, lake, bytes);
        expect(s.rows_in).toBe(s.rows_silver + s.rows_quarantined + s.rows_condemned);
        const want = expected(bytes);
        if (want === 'rejected') {
          expect(s.status).toBe('rejected');
          expect([s.rows_in, s.rows_silver, s.rows_quarantined, s.rows_condemned]).toEqual([0, 0, 0, 0]);
          return;
        }
        expect(s.status).toBe('published');
        const got = new Map<number, Landing>();
        for (const [layer, table] of [['silver', 'silver_demo.items_v1'], ['quarantine', 'quarantine_demo.items_v1'], ['condemned', 'quarantine_demo.items_v1_condemned']] as const) {
          const rows = await query(m, lake, `select _source_record as n, ${layer === 'silver' ? 'NULL' : 'validation_error'} as error from ${table}`);
          for (const r of rows) {
            expect(got.has(Number(r.n))).toBe(false);
            got.set(Number(r.n), { layer, error: (r.error as string | null) ?? null });
          }
        }
        expect(new Map([...got].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...want].sort((a, b) => a[0] - b[0])));
        for (const l of want.values()) seen.set(l.error ?? 'silver', (seen.get(l.error ?? 'silver') ?? 0) + 1);
        expect(s.rows_in).toBe(want.size);
      }),
      { seed: 1337, numRuns: 45 },
    );
    // The generated files reach every outcome the rules have (so the property cannot pass vacuously).
    expect([...seen.keys()].sort()).toEqual(
      ['cell_count', 'duplicate', 'max_length:id', 'min:qty', 'quote', 'required:day', 'required:id', 'required:price', 'silver', 'type:day', 'type:ok', 'type:price', 'type:qty', 'unique:id', 'utf8'].sort(),
    );
  } finally {
    t.cleanup();
  }
}, 180_000);
