import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LakeKeys } from '../../runtime/lake-keys';
import { parseManifest } from '../../runtime/pipeline/manifest';
import { publishStagedRun, NotPublishableError } from '../../runtime/pipeline/publish-staged';
import { retryDataset } from '../../runtime/pipeline/retry-run';
import { runDelivery } from '../../runtime/pipeline/run-delivery';
import { RunIdTakenError } from '../../runtime/pipeline/run-lifecycle';
import { readPublished } from '../../runtime/publish/silver-published';
import { rowHash } from '../../runtime/row-hash';
import { LocalStorage } from '../../runtime/storage/local-storage';
import { contract, dataset, model, moduleOf, query, runText, steppingClock, tempDir } from './support/lake';

/**
 * DESIGN.md "Rules the runtime keeps", one test each, on a small contract with a unique string, a pattern,
 * an int with a minimum, a required decimal, a boolean and a required date the partitions come from.
 */
const COLUMNS = `
  - { name: id, type: string, required: true, unique: true }
  - { name: code, type: string, pattern: "^[A-Z]{3}$" }
  - { name: qty, type: int, min: 0 }
  - { name: price, type: "decimal(10,2)", required: true }
  - { name: ok, type: boolean }
  - { name: day, type: date, required: true }`;
const PARTITIONS = `
  - { name: year, from: day, transform: year }
  - { name: month, from: day, transform: month }`;

function setup(quality?: string) {
  const m = model({ 'demo/items.yaml': contract({ columns: COLUMNS, partitions: PARTITIONS, ...(quality ? { quality } : {}) }) });
  const d = dataset(m);
  const t = tempDir();
  const lake = join(t.dir, 'lake');
  return { m, d, module: moduleOf(d), lake, t, keys: new LakeKeys(moduleOf(d).descriptor), storage: new LocalStorage(lake) };
}

const HEADER = 'id,code,qty,price,ok,day';

function conserves(s: { rows_in: number; rows_silver: number; rows_quarantined: number; rows_condemned: number }) {
  expect(s.rows_in).toBe(s.rows_silver + s.rows_quarantined + s.rows_condemned);
}

describe('metadata columns and routing', () => {
  const env = setup();
  afterAll(() => env.t.cleanup());

  test('every silver row carries _run_id, _ingest_date, _source_file, _source_record and _row_hash', async () => {
    const clock = steppingClock(Date.UTC(2026, 2, 3, 10, 0, 0));
    const s = await runText(env.module, env.lake, `${HEADER}\nA1,ABC,3,10.50,true,2024-01-31\nA2,,,7,,2024-02-01\n`, { clock, fileName: 'first.csv' });
    expect(s.status).toBe('published');
    expect(s.run_id).toBe('20260303T100001Z');
    const rows = await query(env.m, env.lake, 'select * from silver_demo.items_v1 order by _source_record');
    expect(rows).toEqual([
      {
        id: 'A1', code: 'ABC', qty: 3, price: '10.50', ok: true, day: '2024-01-31',
        _run_id: '20260303T100001Z', _ingest_date: '2026-03-03',
        _source_file: 'bronze/demo/items/ingest_date=2026-03-03/run_id=20260303T100001Z/first.csv',
        _source_record: 2, _row_hash: rowHash(['A1', 'ABC', '3', '10.50', 'true', '2024-01-31']),
        year: 2024, month: 1, run_id: '20260303T100001Z',
      },
      {
        id: 'A2', code: null, qty: null, price: '7.00', ok: null, day: '2024-02-01',
        _run_id: '20260303T100001Z', _ingest_date: '2026-03-03',
        _source_file: 'bronze/demo/items/ingest_date=2026-03-03/run_id=20260303T100001Z/first.csv',
        _source_record: 3, _row_hash: rowHash(['A2', null, null, '7', null, '2024-02-01']),
        year: 2024, month: 2, run_id: '20260303T100001Z',
      },
    ]);
    // The bronze copy is byte for byte.
    expect(readFileSync(join(env.lake, s.delivery.bronze_key), 'utf8')).toBe(`${HEADER}\nA1,ABC,3,10.50,true,2024-01-31\nA2,,,7,,2024-02-01\n`);
  });

  test('a failing row goes to quarantine with its original cells and the rule and column that failed', async () => {
    const csv = [
      HEADER,
      'B1,abc,1,1.00,true,2024-01-01', // pattern:code
      'B2,ABC,-1,1.00,true,2024-01-01', // min:qty
      'B3,ABC,x,1.00,true,2024-01-01', // type:qty
      'B4,ABC,1,,true,2024-01-01', // required:price
      'B5,ABC,1,1.005,true,2024-01-01', // type:price (never rounded)
      'B6,ABC,1,1.00,yes,2024-01-01', // type:ok
      'B7,ABC,1,1.00,true,2024-02-30', // type:day (no such date)
      'B8,ABC,1,1.00,true', // cell_count
      ',ABC,1,1.00,true,2024-01-01', // required:id
      'B9,"AB"C,1,1.00,true,2024-01-01', // quote
    ].join('\n');
    const s = await runText(env.module, env.lake, `${csv}\n`);
    conserves(s);
    expect([s.rows_in, s.rows_silver, s.rows_quarantined, s.rows_condemned]).toEqual([10, 0, 10, 0]);
    const rows = await query(env.m, env.lake, `select _source_record, validation_error, attempt_count, id, qty, price, _raw_record from quarantine_demo.items_v1 where run_id = '${s.run_id}' order by 1`);
    expect(rows.map((r) => [r._source_record, r.validation_error])).toEqual([
      [2, 'pattern:code'], [3, 'min:qty'], [4, 'type:qty'], [5, 'required:price'], [6, 'type:price'],
      [7, 'type:ok'], [8, 'type:day'], [9, 'cell_count'], [10, 'required:id'], [11, 'quote'],
    ]);
    expect(rows.every((r) => r.attempt_count === 1)).toBe(true);
    // Cells stay strings as delivered; a record that could not be split is kept whole.
    expect(rows[2]).toMatchObject({ id: 'B3', qty: 'x', price: '1.00', _raw_record: null });
    expect(rows[4]).toMatchObject({ price: '1.005' });
    expect(rows[7]).toMatchObject({ id: null, _raw_record: 'B8,ABC,1,1.00,true' });
    expect(rows[8]).toMatchObject({ id: '', _raw_record: null });
    expect(rows[9]).toMatchObject({ _raw_record: 'B9,"AB"C,1,1.00,true,2024-01-01' });
    expect(s.errors).toEqual({ 'pattern:code': 1, 'min:qty': 1, 'type:qty': 1, 'required:price': 1, 'type:price': 1, 'type:ok': 1, 'type:day': 1, cell_count: 1, 'required:id': 1, quote: 1 });
  });

  test('a record that is not UTF-8 is quarantined as its bytes in hex', async () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\nC1,ABC,1,1.00,true,2024-01-01\nC2,`), Buffer.from([0xff, 0xfe]), Buffer.from(',1,1.00,true,2024-01-01\n')]);
    const s = await runText(env.module, env.lake, bytes);
    expect([s.rows_in, s.rows_silver, s.rows_quarantined]).toEqual([2, 1, 1]);
    const [row] = await query(env.m, env.lake, `select validation_error, _raw_record, _row_hash, id from quarantine_demo.items_v1 where run_id = '${s.run_id}'`);
    expect(row).toEqual({ validation_error: 'utf8', _raw_record: Buffer.from('C2,\xff\xfe,1,1.00,true,2024-01-01', 'latin1').toString('hex'), _row_hash: null, id: null });
  });
});

describe('headers', () => {
  const env = setup();
  afterAll(() => env.t.cleanup());

  test('cells are matched by header name; a missing optional column reads as null and an extra one is not loaded — both reported as drift', async () => {
    const s = await runText(env.module, env.lake, 'day,price,extra,id\n2024-03-01,2.50,zzz,D1\n');
    expect(s.status).toBe('published');
    expect(s.drift).toEqual({ missing_columns: ['code', 'qty', 'ok'], extra_columns: ['extra'] });
    expect(await query(env.m, env.lake, "select id, code, qty, price, ok, day from silver_demo.items_v1 where id = 'D1'")).toEqual([{ id: 'D1', code: null, qty: null, price: '2.50', ok: null, day: '2024-03-01' }]);
    // Absent columns hash as null cells.
    const [h] = await query(env.m, env.lake, "select _row_hash from silver_demo.items_v1 where id = 'D1'");
    expect(h!._row_hash).toBe(rowHash(['D1', null, null, '2.50', null, '2024-03-01']));
    const manifest = parseManifest(readFileSync(join(env.lake, env.keys.runFile(s.run_id, 'manifest.json'))), s.run_id);
    expect(manifest.header).toEqual(['day', 'price', 'extra', 'id']);
    expect(manifest.drift).toEqual(s.drift);
  });

  test('a file whose header lacks a required column is rejected whole: kept in bronze, nothing published, counts 0', async () => {
    const before = await readPublished(env.storage, env.keys.published);
    const s = await runText(env.module, env.lake, 'id,code,qty,ok,day\nE1,ABC,1,true,2024-01-01\n');
    expect(s.status).toBe('rejected');
    expect(s.message).toMatch(/lacks required column `price`/);
    expect([s.rows_in, s.rows_silver, s.rows_quarantined, s.rows_condemned]).toEqual([0, 0, 0, 0]);
    expect(readFileSync(join(env.lake, s.delivery.bronze_key), 'utf8')).toBe('id,code,qty,ok,day\nE1,ABC,1,true,2024-01-01\n');
    expect(await readPublished(env.storage, env.keys.published)).toEqual(before);
    expect(existsSync(join(env.lake, env.keys.runFile(s.run_id, '_SUCCESS')))).toBe(false);
  });

  test('a header cell named twice, an empty file and a BOM', async () => {
    expect((await runText(env.module, env.lake, 'id,id,price,day\n')).message).toMatch(/names `id` more than once/);
    expect((await runText(env.module, env.lake, '')).message).toMatch(/empty/);
    const bom = await runText(env.module, env.lake, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,price,day\r\nF1,1,2024-01-01\r\n')]));
    expect([bom.status, bom.rows_silver]).toEqual(['published', 1]);
    const headerOnly = await runText(env.module, env.lake, 'id,price,day\n');
    expect([headerOnly.status, headerOnly.rows_in]).toEqual(['published', 0]);
  });
});

describe('duplicates, unique values and re-deliveries', () => {
  const env = setup();
  afterAll(() => env.t.cleanup());
  const first = `${HEADER}\nG1,ABC,1,1.00,true,2024-01-01\nG2,ABC,2,2.00,true,2024-01-02\nG1,ABC,1,1.00,true,2024-01-01\nG2,ABC,2,9.99,true,2024-01-02\n`;

  test('an exact copy of an accepted row is condemned; the same unique value with other cells is quarantined; the first occurrence wins', async () => {
    const s = await runText(env.module, env.lake, first, { fileName: 'g.csv' });
    expect([s.rows_in, s.rows_silver, s.rows_quarantined, s.rows_condemned, s.condemned_duplicates]).toEqual([4, 2, 1, 1, 1]);
    expect(await query(env.m, env.lake, 'select id, price, _source_record from silver_demo.items_v1 order by id')).toEqual([
      { id: 'G1', price: '1.00', _source_record: 2 },
      { id: 'G2', price: '2.00', _source_record: 3 },
    ]);
    expect(await query(env.m, env.lake, 'select _source_record, validation_error, condemned_reason from quarantine_demo.items_v1_condemned')).toEqual([
      { _source_record: 4, validation_error: 'duplicate', condemned_reason: 'duplicate' },
    ]);
    expect(await query(env.m, env.lake, 'select _source_record, validation_error from quarantine_demo.items_v1')).toEqual([{ _source_record: 5, validation_error: 'unique:id' }]);
  });

  test('the same file delivered again replaces its earlier run: silver never counts it twice', async () => {
    const before = (await readPublished(env.storage, env.keys.published))!.runs.map((r) => r.run_id);
    const again = await runText(env.module, env.lake, first, { fileName: 'g-again.csv' });
    expect(again.status).toBe('published');
    expect(again.superseded).toEqual(before);
    expect([again.rows_silver, again.rows_condemned]).toEqual([2, 1]);
    expect(await query(env.m, env.lake, 'select count(*) as n from silver_demo.items_v1')).toEqual([{ n: 2 }]);
    expect(await query(env.m, env.lake, 'select count(*) as n from quarantine_demo.items_v1')).toEqual([{ n: 1 }]);
    // Both deliveries stay in bronze.
    expect(readdirSync(join(env.lake, 'bronze/demo/items')).length).toBeGreaterThanOrEqual(1);
  });

  test('a new delivery repeating published rows: exact copies condemned, a changed row with a taken id quarantined', async () => {
    const s = await runText(env.module, env.lake, `${HEADER}\nG1,ABC,1,1.00,true,2024-01-01\nG2,XYZ,2,2.00,true,2024-01-02\nG3,ABC,3,3.00,true,2024-01-03\n`);
    expect([s.rows_silver, s.rows_quarantined, s.rows_condemned]).toEqual([1, 1, 1]);
    expect(s.errors).toEqual({ 'unique:id': 1 });
    expect(await query(env.m, env.lake, 'select id from silver_demo.items_v1 order by id')).toEqual([{ id: 'G1' }, { id: 'G2' }, { id: 'G3' }]);
  });

  test('a rerun of a delivery from bronze (a backfill) replaces its runs and is not compared with them', async () => {
    const published = (await readPublished(env.storage, env.keys.published))!;
    const target = published.runs.find((r) => r.rows.in === 3)!;
    const s = await runDelivery({ module: env.module, storage: env.storage, input: { kind: 'bronze', key: target.delivery.bronze_key }, publish: true, encoderThread: false });
    expect(s.run_id).toMatch(/_BACKFILL$/);
    expect(s.superseded).toEqual([target.run_id]);
    expect([s.rows_silver, s.rows_quarantined, s.rows_condemned]).toEqual([1, 1, 1]);
    expect(s.delivery.bronze_key).toBe(target.delivery.bronze_key);
    expect(await query(env.m, env.lake, 'select count(*) as n from silver_demo.items_v1')).toEqual([{ n: 3 }]);
  });
});

describe('attempts, retry and condemned rows', () => {
  const env = setup('{ max_quarantine_rate: 0.5, max_attempts: 2, circuit_breaker_per_hour: 1000 }');
  afterAll(() => env.t.cleanup());

  test('retry validates quarantined rows again (attempt + 1) and condemns them at max_attempts', async () => {
    await runText(env.module, env.lake, `${HEADER}\nH1,ABC,1,1.00,true,2024-01-01\nH2,ABC,1,1.005,true,2024-01-01\n`);
    const [retry] = await retryDataset({ module: env.module, storage: env.storage, encoderThread: false });
    expect(retry!.run_id).toMatch(/_RETRY$/);
    expect([retry!.rows_in, retry!.rows_quarantined, retry!.rows_condemned, retry!.condemned_max_attempts]).toEqual([1, 0, 1, 1]);
    expect(await query(env.m, env.lake, 'select count(*) as n from quarantine_demo.items_v1')).toEqual([{ n: 0 }]);
    expect(await query(env.m, env.lake, 'select id, validation_error, attempt_count, condemned_reason, _source_record from quarantine_demo.items_v1_condemned')).toEqual([
      { id: 'H2', validation_error: 'type:price', attempt_count: 2, condemned_reason: 'max_attempts', _source_record: 3 },
    ]);
    expect(await retryDataset({ module: env.module, storage: env.storage, encoderThread: false })).toEqual([]);
  });

  test('condemned rows are reprocessed only with an approval, which is written to an audit log; after a contract fix they reach silver', async () => {
    const fixed = model({ 'demo/items.yaml': contract({ columns: COLUMNS.replace('decimal(10,2)', 'decimal(10,3)'), partitions: PARTITIONS, quality: '{ max_attempts: 2 }' }) });
    const module = moduleOf(dataset(fixed));
    const [run] = await retryDataset({ module, storage: env.storage, approval: { approvedBy: 'alice', reason: 'price has three decimals' }, encoderThread: false });
    expect([run!.status, run!.rows_in, run!.rows_silver]).toEqual(['published', 1, 1]);
    const audit = readdirSync(join(env.lake, 'condemned/demo/items/schema_v=v1/_audit'));
    expect(audit).toEqual([`${run!.run_id}.json`]);
    expect(JSON.parse(readFileSync(join(env.lake, 'condemned/demo/items/schema_v=v1/_audit', audit[0]!), 'utf8'))).toMatchObject({ approved_by: 'alice', reason: 'price has three decimals', condemned_rows: 1 });
    expect(await query(fixed, env.lake, "select id, price, _source_record from silver_demo.items_v1 where id = 'H2'")).toEqual([{ id: 'H2', price: '1.005', _source_record: 3 }]);
    expect(await query(fixed, env.lake, 'select count(*) as n from quarantine_demo.items_v1_condemned')).toEqual([{ n: 0 }]);
  });
});

describe('circuit breaker, quarantine rate and statuses', () => {
  test('rows failing the same rule and column above circuit_breaker_per_hour halt the run: nothing published, a clear message; duplicates do not count', async () => {
    const env = setup('{ max_quarantine_rate: 0.9, max_attempts: 3, circuit_breaker_per_hour: 3 }');
    try {
      const dupes = Array.from({ length: 6 }, () => 'J0,ABC,1,1.00,true,2024-01-01');
      const ok = await runText(env.module, env.lake, `${HEADER}\n${dupes.join('\n')}\nJ1,abc,1,1.00,true,2024-01-01\nJ2,abc,1,1.00,true,2024-01-01\n`);
      expect([ok.status, ok.rows_condemned, ok.rows_quarantined]).toEqual(['published', 5, 2]);
      // Two earlier failures of pattern:code within the hour + two now = 4 > 3.
      const halted = await runText(env.module, env.lake, `${HEADER}\nK1,abc,1,1.00,true,2024-01-01\nK2,ABC,1,1.00,true,2024-01-01\nK3,abc,1,1.00,true,2024-01-01\nK4,ABC,1,1.00,true,2024-01-01\n`);
      expect(halted.status).toBe('halted');
      expect(halted.message).toMatch(/4 rows failed `pattern:code` within an hour \(2 of them in earlier runs\).*circuit_breaker_per_hour of 3/);
      conserves(halted);
      expect(halted.rows_in).toBe(3);
      expect((await readPublished(env.storage, env.keys.published))!.runs.map((r) => r.run_id)).toEqual([ok.run_id]);
      expect(halted.metrics.find((m) => m.name === 'RunHalted')!.value).toBe(1);
      // Its bronze copy is complete all the same.
      expect(readFileSync(join(env.lake, halted.delivery.bronze_key), 'utf8')).toMatch(/K4,ABC/);
    } finally {
      env.t.cleanup();
    }
  });

  test('a quarantine rate above max_quarantine_rate still publishes, flags the run and emits the metric', async () => {
    const env = setup('{ max_quarantine_rate: 0.25, max_attempts: 3, circuit_breaker_per_hour: 100 }');
    try {
      const emitted: string[] = [];
      const s = await runText(env.module, env.lake, `${HEADER}\nL1,ABC,1,1.00,true,2024-01-01\nL2,ABC,-1,1.00,true,2024-01-01\n`, { emitMetrics: (l) => emitted.push(l) });
      expect([s.status, s.quarantine_rate, s.quarantine_rate_exceeded]).toEqual(['published', 0.5, true]);
      expect(s.metrics).toEqual(expect.arrayContaining([{ name: 'QuarantineRate', unit: 'None', value: 0.5 }, { name: 'QuarantineRateExceeded', unit: 'Count', value: 1 }]));
      const emf = JSON.parse(emitted[0]!) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } };
      expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Lakec', Dimensions: [['Dataset']] });
      expect(emf).toMatchObject({ Dataset: 'demo.items@v1', QuarantineRateExceeded: 1, QuarantineRate: 0.5 });
      const manifest = parseManifest(readFileSync(join(env.lake, env.keys.runFile(s.run_id, 'manifest.json'))), s.run_id);
      expect(manifest.quarantine_rate_exceeded).toBe(true);
      expect(manifest.metrics).toEqual(expect.arrayContaining([{ name: 'QuarantineRateExceeded', unit: 'Count', value: 1 }]));
    } finally {
      env.t.cleanup();
    }
  });

  test('--no-publish stages a complete run that readers do not see until it is published', async () => {
    const env = setup();
    try {
      const staged = await runText(env.module, env.lake, `${HEADER}\nM1,ABC,1,1.00,true,2024-01-01\n`, { publish: false });
      expect(staged.status).toBe('staged');
      expect(existsSync(join(env.lake, env.keys.runFile(staged.run_id, '_SUCCESS')))).toBe(true);
      expect(await query(env.m, env.lake, 'select count(*) as n from silver_demo.items_v1')).toEqual([{ n: 0 }]);
      const published = await publishStagedRun(env.module, env.storage, staged.run_id);
      expect([published.status, published.already_published]).toEqual(['published', false]);
      expect(await query(env.m, env.lake, 'select count(*) as n from silver_demo.items_v1')).toEqual([{ n: 1 }]);
      expect((await publishStagedRun(env.module, env.storage, staged.run_id)).already_published).toBe(true);
      await expect(publishStagedRun(env.module, env.storage, '20990101T000000Z')).rejects.toThrow(NotPublishableError);
      const rejected = await runText(env.module, env.lake, 'nope\n', { publish: false });
      await expect(publishStagedRun(env.module, env.storage, rejected.run_id)).rejects.toThrow(/was rejected/);
    } finally {
      env.t.cleanup();
    }
  });

  test('run ids are never reused: a taken id is skipped, or refused when asked for', async () => {
    const env = setup();
    try {
      const clock = () => new Date(Date.UTC(2026, 0, 1, 0, 0, 0));
      const a = await runText(env.module, env.lake, `${HEADER}\nN1,ABC,1,1.00,true,2024-01-01\n`, { clock });
      const b = await runText(env.module, env.lake, `${HEADER}\nN2,ABC,1,1.00,true,2024-01-01\n`, { clock });
      expect([a.run_id, b.run_id]).toEqual(['20260101T000000Z', '20260101T000000Z_2']);
      await expect(runText(env.module, env.lake, `${HEADER}\n`, { runId: a.run_id })).rejects.toThrow(RunIdTakenError);
    } finally {
      env.t.cleanup();
    }
  });

  test('a gzip delivery is copied to bronze compressed and read inflated; a corrupt one is rejected, kept in bronze', async () => {
    const env = setup();
    try {
      const gz = gzipSync(`${HEADER}\nP1,ABC,1,1.00,true,2024-01-01\n`);
      const s = await runText(env.module, env.lake, gz, { fileName: 'p.csv.gz' });
      expect([s.status, s.rows_silver]).toEqual(['published', 1]);
      expect(readFileSync(join(env.lake, s.delivery.bronze_key))).toEqual(gz);
      const bad = await runText(env.module, env.lake, Buffer.concat([gz.subarray(0, 20), Buffer.from('garbage')]), { fileName: 'bad.csv.gz' });
      expect(bad.status).toBe('rejected');
      expect(bad.message).toMatch(/not readable gzip/);
      expect(existsSync(join(env.lake, bad.delivery.bronze_key))).toBe(true);
    } finally {
      env.t.cleanup();
    }
  });
});

describe('files without a header, and unique values of other types', () => {
  test('cells by position with another delimiter and null values; a bigint and a date unique by value, across deliveries', async () => {
    const m = model({
      'demo/codes.yaml': contract({
        name: 'codes',
        source: '{ format: csv, delimiter: "|", header: false, null_values: ["", "NULL"] }',
        columns: `
  - { name: code, type: bigint, required: true, unique: true }
  - { name: since, type: date, unique: true }
  - { name: label, type: string }`,
      }),
    });
    const module = moduleOf(dataset(m));
    const t = tempDir();
    try {
      const lake = join(t.dir, 'lake');
      const first = await runText(module, lake, '7|2024-01-01|seven\n9007199254740993|NULL|big\n8|2024-01-02\n');
      expect([first.rows_silver, first.rows_quarantined]).toEqual([2, 1]);
      expect(first.errors).toEqual({ cell_count: 1 });
      const second = await runText(module, lake, '007|2025-01-01|again\n9007199254740993|2025-01-02|x\n10|2024-01-01|y\n11|NULL|NULL\n');
      expect(second.errors).toEqual({ 'unique:code': 2, 'unique:since': 1 });
      expect(await query(m, lake, 'select code::VARCHAR as code, since, label, _source_record from silver_demo.codes_v1 order by code')).toEqual([
        { code: '11', since: null, label: null, _source_record: 4 },
        { code: '7', since: '2024-01-01', label: 'seven', _source_record: 1 },
        { code: '9007199254740993', since: null, label: 'big', _source_record: 2 },
      ]);
    } finally {
      t.cleanup();
    }
  });
});
