import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { sqlString } from '../../generators/sql/quote';
import { BoolBuilder, DecimalBuilder, DigestBuilder, Float64Builder, Int32Builder, Int64Builder, RepeatBuilder, StringBuilder } from '../../runtime/parquet/column-builders';
import { encodeParquet } from '../../runtime/parquet/parquet-encoder';
import { readParquetTable, canonicalValues } from '../../runtime/parquet/parquet-reader';
import { rowDigests } from '../../runtime/digest/sha256-many';
import { rowHash } from '../../runtime/row-hash';
import { tempDir } from './support/lake';

async function duck<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    c.closeSync();
  }
}

const t = tempDir();
afterAll(() => t.cleanup());

test('Parquet types: decimals as DECIMAL(p,s), timestamps as TIMESTAMP(MICROS) in UTC wall time, dates, int64 extremes — read back exactly by DuckDB; Snappy everywhere', async () => {
  const s = new StringBuilder(1);
  const d18 = new DecimalBuilder(1);
  const d38 = new DecimalBuilder(1);
  const ts = new Int64Builder(1);
  const dt = new Int32Builder(1);
  const big = new Int64Builder(1);
  const f = new Float64Builder(1);
  const b = new BoolBuilder(1);
  const hash = new DigestBuilder(1);
  const run = new RepeatBuilder({ kind: 'utf8', text: '20260101T000000Z' });
  const rows = [
    { s: 'a', d18: 12345, d38: 99999999999999999999999999999999999999n, ts: Date.UTC(2024, 0, 10, 9, 0, 0), dt: 19732, big: 9223372036854775807n, f: 0.1, b: true },
    { s: 'héllo 💳', d18: -4050, d38: -1n, ts: Date.UTC(9999, 11, 31, 23, 59, 59, 999), dt: -1, big: -9223372036854775808n, f: -1e300, b: false },
    { s: null, d18: 999999999999999, d38: 0n, ts: -62135596800000, dt: 2932896, big: 0n, f: 5e-324, b: true },
  ];
  for (const r of rows) {
    if (r.s === null) s.pushNull();
    else s.pushText(r.s);
    d18.push(r.d18);
    d38.pushBig(r.d38);
    ts.pushMillisAsMicros(r.ts);
    dt.push(r.dt);
    big.pushBig(r.big);
    f.push(r.f);
    b.push(r.b);
    const digest = Buffer.from(rowHash([r.s]), 'hex');
    hash.pushAt(digest, 0);
    run.push();
  }
  const bytes = encodeParquet({
    rows: 3,
    columns: [
      { name: 's', type: { kind: 'string' }, dictionary: false, statistics: true },
      { name: 'd18', type: { kind: 'decimal', precision: 18, scale: 2 }, dictionary: false, statistics: true },
      { name: 'd38', type: { kind: 'decimal', precision: 38, scale: 10 }, dictionary: false, statistics: true },
      { name: 'ts', type: { kind: 'timestamp' }, dictionary: false, statistics: true },
      { name: 'dt', type: { kind: 'date' }, dictionary: false, statistics: true },
      { name: 'big', type: { kind: 'bigint' }, dictionary: false, statistics: true },
      { name: 'f', type: { kind: 'double' }, dictionary: false, statistics: true },
      { name: 'b', type: { kind: 'boolean' }, dictionary: false, statistics: true },
      { name: '_row_hash', type: { kind: 'string' }, dictionary: false, statistics: false },
      { name: '_run_id', type: { kind: 'string' }, dictionary: true, statistics: false },
    ],
    payload: [s, d18, d38, ts, dt, big, f, b, hash, run].map((x) => x.payload()),
  });
  const file = join(t.dir, 'types.parquet');
  writeFileSync(file, bytes);
  const path = sqlString(file);
  expect(await duck(`select s, d18::VARCHAR d18, d38::VARCHAR d38, ts::VARCHAR ts, dt::VARCHAR dt, big::VARCHAR big, f, b, _row_hash, _run_id from read_parquet(${path})`)).toEqual([
    { s: 'a', d18: '123.45', d38: '9999999999999999999999999999.9999999999', ts: '2024-01-10 09:00:00', dt: '2024-01-10', big: '9223372036854775807', f: 0.1, b: true, _row_hash: rowHash(['a']), _run_id: '20260101T000000Z' },
    { s: 'héllo 💳', d18: '-40.50', d38: '-0.0000000001', ts: '9999-12-31 23:59:59.999', dt: '1969-12-31', big: '-9223372036854775808', f: -1e300, b: false, _row_hash: rowHash(['héllo 💳']), _run_id: '20260101T000000Z' },
    { s: null, d18: '9999999999999.99', d38: '0.0000000000', ts: '0001-01-01 00:00:00', dt: '9999-12-31', big: '0', f: 5e-324, b: true, _row_hash: rowHash([null]), _run_id: '20260101T000000Z' },
  ]);
  const schema = await duck<{ name: string; type: string; logical_type: string | null }>(`select name, type, logical_type from parquet_schema(${path}) where name <> 'arrow_schema' and type is not null`);
  expect(Object.fromEntries(schema.map((c) => [c.name, `${c.type} ${c.logical_type ?? ''}`.trim()]))).toEqual({
    s: 'BYTE_ARRAY StringType()',
    d18: 'INT64 DecimalType(scale=2, precision=18)',
    d38: 'FIXED_LEN_BYTE_ARRAY DecimalType(scale=10, precision=38)',
    ts: 'INT64 TimestampType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))',
    dt: 'INT32 DateType()',
    big: 'INT64',
    f: 'DOUBLE',
    b: 'BOOLEAN',
    _row_hash: 'BYTE_ARRAY StringType()',
    _run_id: 'BYTE_ARRAY StringType()',
  });
  expect(await duck(`select distinct compression from parquet_metadata(${path})`)).toEqual([{ compression: 'SNAPPY' }]);
  // Read back by the runtime itself (published-silver fingerprints): the canonical values it computes.
  const table = readParquetTable(readFileSync(file));
  expect([...canonicalValues(table.getChild('d18')!)]).toEqual(['12345', '-4050', '999999999999999']);
  expect([...canonicalValues(table.getChild('ts')!)]).toEqual(rows.map((r) => String(r.ts)));
  expect([...canonicalValues(table.getChild('s')!)]).toEqual(['a', Buffer.from('héllo 💳').toString('latin1'), null]);
});

test('a second file encoded in the same process is Snappy too (writer properties are built afresh each time)', async () => {
  for (let i = 0; i < 3; i++) {
    const s = new StringBuilder(1);
    for (let k = 0; k < 1000; k++) s.pushText('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    const file = join(t.dir, `again${i}.parquet`);
    writeFileSync(file, encodeParquet({ rows: 1000, columns: [{ name: 's', type: { kind: 'string' }, dictionary: false, statistics: true }], payload: [s.payload()] }));
    expect(await duck(`select distinct compression from parquet_metadata(${sqlString(file)})`)).toEqual([{ compression: 'SNAPPY' }]);
  }
});

test('_row_hash: the one definition, with the example DESIGN.md gives, and the same hash from the SQL in its comment (DuckDB)', async () => {
  expect(rowHash(['S1', null, '10.00'])).toBe(createHash('sha256').update('2:S1-5:10.00').digest('hex'));
  // Length prefixes keep records apart that a separator would confuse.
  expect(rowHash(['a:b', 'c'])).not.toBe(rowHash(['a', 'b:c']));
  expect(rowHash(['-'])).not.toBe(rowHash([null]));
  const cases: (string | null)[][] = [['S1', 'ACC000001', '100.00', 'EUR', 'DEPOSIT', '2024-01-10T09:00:00Z'], ['é💳', '', null, 'x'.repeat(150), "it's", '1,2']];
  for (const cells of cases) {
    // null_values [""]: a null or empty cell hashes as '-'.
    const parts = cells.map((c) => `CASE WHEN ${c === null ? 'NULL' : sqlString(c)} IS NULL OR ${c === null ? 'NULL' : sqlString(c)} IN ('') THEN '-' ELSE octet_length(encode(${sqlString(c ?? '')}))::VARCHAR || ':' || ${sqlString(c ?? '')} END`);
    const [row] = await duck<{ h: string }>(`select sha256(${parts.join(' || ')}) as h`);
    expect(row!.h).toBe(rowHash(cells.map((c) => (c === '' ? null : c))));
  }
});

test('the digest thread builds the same _row_hash as the definition: cells of every length, absent cells, null values of any length', () => {
  const nullValues = ['', 'NULL', 'n/a', 'x'.repeat(40)];
  const cell = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 14 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 95, maxLength: 130 }) },
    { weight: 1, arbitrary: fc.constantFrom(...nullValues, 'x'.repeat(39), 'NUL', null) },
  );
  fc.assert(
    fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), (records) => {
      // The records' cells side by side in one source, as a chunk of a file holds them.
      const parts: Buffer[] = [];
      const start = new Int32Array(records.length * 3);
      const end = new Int32Array(records.length * 3);
      let offset = 0;
      records.forEach((cells, r) =>
        cells.forEach((c, i) => {
          const bytes = Buffer.from(c ?? '', 'utf8');
          start[r * 3 + i] = c === null ? -1 : offset;
          end[r * 3 + i] = c === null ? -1 : offset + bytes.length;
          parts.push(bytes, Buffer.from(','));
          offset += bytes.length + 1;
        }),
      );
      const digests = rowDigests({
        sources: [new Uint8Array(Buffer.concat(parts))],
        sourceOf: new Int32Array(records.length),
        start,
        end,
        count: records.length,
        columns: 3,
        nullValues: nullValues.map((v) => new Uint8Array(Buffer.from(v))),
      });
      records.forEach((cells, r) => {
        const expected = rowHash(cells.map((c) => (c === null || nullValues.includes(c) ? null : c)));
        expect(Buffer.from(digests.subarray(r * 32, r * 32 + 32)).toString('hex')).toBe(expected);
      });
    }),
    { seed: 20261123, numRuns: 200 },
  );
});
