import fc from 'fast-check';
import { CsvReader, RecordStatus, RecordTooLargeError } from '../../runtime/csv/csv-reader';

interface Got {
  readonly n: number;
  readonly status: RecordStatus;
  readonly cells: string[];
  readonly raw: string;
}

/** Every record of `bytes` fed in pieces of the given sizes (cells decoded as UTF-8). */
function read(bytes: Buffer, pieces: number[] = [bytes.length], options: { delimiter?: string; maxRecordBytes?: number } = {}): Got[] {
  const out: Got[] = [];
  const reader = new CsvReader({ delimiter: options.delimiter ?? ',', quote: '"', maxRecordBytes: options.maxRecordBytes ?? 1 << 20 }, (r) => {
    const rec = r.record;
    const cells: string[] = [];
    for (let k = 0; k < rec.cellCount; k++) cells.push(Buffer.from(rec.text.slice(rec.starts[k], rec.ends[k]), 'latin1').toString('utf8'));
    // The bytes and the text of a record are the same characters.
    expect(Buffer.from(rec.bytes.subarray(0, rec.text.length)).toString('latin1')).toBe(rec.text.slice(0, rec.bytes.length));
    out.push({ n: r.recordNumber, status: r.status, cells: r.status === RecordStatus.ok ? cells : [], raw: Buffer.from(r.rawRecord(), 'latin1').toString('utf8') });
  });
  let at = 0;
  for (const size of pieces) {
    if (at >= bytes.length) break;
    reader.push(bytes.subarray(at, at + size));
    at += size;
  }
  if (at < bytes.length) reader.push(bytes.subarray(at));
  reader.end();
  return out;
}

const ok = (n: number, cells: string[], raw: string): Got => ({ n, status: RecordStatus.ok, cells, raw });

test('RFC 4180: delimiters, CRLF and LF, quoted cells with delimiters, newlines and doubled quotes', () => {
  const csv = 'a,b,c\r\n1,"x,y","say ""hi"""\n2,"multi\r\nline",\n"",,"last"';
  expect(read(Buffer.from(csv))).toEqual([
    ok(1, ['a', 'b', 'c'], 'a,b,c'),
    ok(2, ['1', 'x,y', 'say "hi"'], '1,"x,y","say ""hi"""'),
    ok(3, ['2', 'multi\r\nline', ''], '2,"multi\r\nline",'),
    ok(4, ['', '', 'last'], '"",,"last"'),
  ]);
});

test('a BOM at the start is skipped; a blank line is a record of one empty cell; the last line may lack its line end', () => {
  expect(read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('h\n\nx')]))).toEqual([ok(1, ['h'], 'h'), ok(2, [''], ''), ok(3, ['x'], 'x')]);
  expect(read(Buffer.from('h\r\n'))).toEqual([ok(1, ['h'], 'h')]);
  expect(read(Buffer.from(''))).toEqual([]);
  // A CR alone inside a record is data; a CR at the very end of the input ends the record like CRLF.
  expect(read(Buffer.from('a\rb,c\r'))).toEqual([ok(1, ['a\rb', 'c'], 'a\rb,c')]);
});

test('bad quoting is reported on the record, which ends at the next line feed; the records after it are read normally', () => {
  const got = read(Buffer.from('1,ab"c,2\n3,"x"y,4\n5,"ok",6\n7,"never closed\n8,9'));
  expect(got.map((g) => [g.n, g.status, g.raw])).toEqual([
    [1, RecordStatus.quote, '1,ab"c,2'],
    [2, RecordStatus.quote, '3,"x"y,4'],
    [3, RecordStatus.ok, '5,"ok",6'],
    [4, RecordStatus.quote, '7,"never closed\n8,9'],
  ]);
});

test('records that are not UTF-8 are flagged, their neighbours are not', () => {
  const bytes = Buffer.concat([Buffer.from('a,é\n'), Buffer.from([0x62, 0x2c, 0xc3, 0x28, 0x0a]), Buffer.from('c,💳\n')]);
  const got = read(bytes);
  expect(got.map((g) => g.status)).toEqual([RecordStatus.ok, RecordStatus.utf8, RecordStatus.ok]);
  expect(got[2]!.cells).toEqual(['c', '💳']);
});

test('other delimiters: tab and semicolon', () => {
  expect(read(Buffer.from('a\tb;c\n'), undefined, { delimiter: '\t' })).toEqual([ok(1, ['a', 'b;c'], 'a\tb;c')]);
  expect(read(Buffer.from('a;"b;c"\n'), undefined, { delimiter: ';' })).toEqual([ok(1, ['a', 'b;c'], 'a;"b;c"')]);
});

test('a record longer than the limit makes the file unreadable (an unclosed quote must not swallow memory)', () => {
  expect(() => read(Buffer.from(`a\n"${'x'.repeat(5000)}`), [100, 100, 100, 100, 100, 100, 100, 100, 100, 100], { maxRecordBytes: 500 })).toThrow(RecordTooLargeError);
  // A huge cell under the limit is fine, however it is split.
  const huge = 'y'.repeat(300_000);
  expect(read(Buffer.from(`a,"${huge}",b\n`), [7, 65536, 3, 100000])).toEqual([ok(1, ['a', huge, 'b'], `a,"${huge}",b`)]);
});

test('however the input is cut into chunks, the records are the same (property, fixed seed)', () => {
  const cell = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '💳', '\t'), maxLength: 6 }),
    fc.constantFrom('', '""', '"a,b"', '"x""y"', '"line\nbreak"', 'plain'),
  );
  const record = fc.array(cell, { minLength: 1, maxLength: 5 }).map((cells) => cells.join(','));
  const file = fc.tuple(fc.boolean(), fc.array(record, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([bom, records, eol, trailing]) =>
    Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(records.join(eol) + (trailing ? eol : ''))]),
  );
  fc.assert(
    fc.property(file, fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 40 }), (bytes, pieces) => {
      expect(read(bytes, pieces)).toEqual(read(bytes));
    }),
    { seed: 4242, numRuns: 600 },
  );
});

/**
 * An independent reading of RFC 4180 for well-formed input: cells are unquoted (no quote, no line break) or
 * quoted (doubled quotes, line breaks inside); records end at LF or CRLF, the last one maybe at the end.
 */
function reference(text: string): { cells: string[]; raw: string }[] {
  const out: { cells: string[]; raw: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    const cells: string[] = [];
    let end = -1;
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        for (i++; ; ) {
          if (text[i] === '"' && text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else if (text[i] === '"') {
            i++;
            break;
          } else cell += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n') cell += text[i++];
        if (text[i] === '\n' && cell.endsWith('\r')) cell = cell.slice(0, -1);
      }
      cells.push(cell);
      if (i >= text.length) {
        end = i;
        break;
      }
      if (text[i] === ',') {
        i++;
        if (i >= text.length) {
          cells.push('');
          end = i;
          break;
        }
        continue;
      }
      const eol = text[i] === '\r' ? 2 : 1;
      end = text[i - 1] === '\r' && text[i] === '\n' ? i - 1 : i;
      i += eol;
      break;
    }
    out.push({ cells, raw: text.slice(start, end) });
  }
  return out;
}

test('records equal an independent RFC 4180 reading, lines with and without quotes mixed (property, fixed seed)', () => {
  const plain = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\r', 'é', '💳', '\t', ';'), maxLength: 12 }).filter((c) => !c.endsWith('\r'));
  const quoted = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', ' ', 'é'), maxLength: 8 }).map((c) => `"${c.replace(/"/g, '""')}"`);
  const record = fc.array(fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: quoted }), { minLength: 1, maxLength: 6 }).map((cells) => cells.join(','));
  const file = fc.tuple(fc.array(record, { minLength: 1, maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([records, eol, trailing]) => records.join(eol) + (trailing ? eol : ''));
  fc.assert(
    fc.property(file, fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (text, pieces) => {
      const expected = reference(text).map((r, k) => ok(k + 1, r.cells, r.raw));
      expect(read(Buffer.from(text), pieces)).toEqual(expected);
      expect(read(Buffer.from(text))).toEqual(expected);
    }),
    { seed: 20261123, numRuns: 800 },
  );
});
