import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { publishGoldRun, readGoldLatest } from '../../runtime/publish/gold-latest';
import { publishSilverRun, readPublished, type PublishedRun } from '../../runtime/publish/silver-published';
import { LocalStorage } from '../../runtime/storage/local-storage';
import { S3Storage } from '../../runtime/storage/s3-storage';
import { AlreadyExistsError, type Storage } from '../../runtime/storage/storage';
import { tempDir } from './support/lake';
import { BUCKETS, startS3, type LocalS3 } from './support/s3';

async function text(s: Storage, key: string): Promise<string | undefined> {
  return (await s.read(key))?.toString('utf8');
}

async function readStream(s: Storage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await s.openRead(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function run(id: string, sha: string): PublishedRun {
  return {
    run_id: id,
    kind: 'delivery',
    published_at: '2026-01-01T00:00:00Z',
    delivery: { bronze_key: `bronze/d/n/ingest_date=2026-01-01/run_id=${id}/f.csv`, sha256: sha, bytes: 1, ingest_date: '2026-01-01' },
    rows: { in: 1, silver: 1, quarantined: 0, condemned: 0 },
    partitions: [],
    quarantine: { rows: 0, files: [] },
    condemned: { rows: 0, files: [] },
  };
}

let unique = 0;
/** A fresh dataset name, so tests sharing buckets never share keys. */
const fresh = () => `d${unique++}`;

/**
 * What every lake storage must do, run on a local folder and on an S3-compatible server. s3rver ignores
 * conditional headers, so what rests on them (`conditional`) is checked on S3 by request shape below.
 */
function contractTests(name: string, open: () => Storage, conditional: boolean) {
  // Defined only where the server implements them (no skipped tests).
  const when = (yes: boolean): typeof test => (yes ? test : (((() => undefined) as unknown) as typeof test));
  describe(name, () => {
    test('a new object is created whole and read back; a missing one reads as undefined', async () => {
      const s = open();
      const d = fresh();
      await s.createNew(`silver/${d}/n/x/a.parquet`, Buffer.from('one'));
      expect(await text(s, `silver/${d}/n/x/a.parquet`)).toBe('one');
      expect(await s.size(`silver/${d}/n/x/a.parquet`)).toBe(3);
      expect(await s.read(`silver/${d}/n/x/missing`)).toBeUndefined();
      expect(await s.size(`silver/${d}/n/x/missing`)).toBeUndefined();
    });

    when(conditional)('a new object is created once: a taken key is refused, nothing is overwritten', async () => {
      const s = open();
      const d = fresh();
      await s.createNew(`silver/${d}/n/x/a.parquet`, Buffer.from('one'));
      await expect(s.createNew(`silver/${d}/n/x/a.parquet`, Buffer.from('two'))).rejects.toThrow(AlreadyExistsError);
      expect(await text(s, `silver/${d}/n/x/a.parquet`)).toBe('one');
      const taken = await s.createNewStream(`silver/${d}/n/x/a.parquet`);
      await taken.write(Buffer.from('again'));
      await expect(taken.finish()).rejects.toThrow(AlreadyExistsError);
      expect(await text(s, `silver/${d}/n/x/a.parquet`)).toBe('one');
    });

    test('a streamed object (multipart on S3) is invisible until finished, and an aborted one never appears', async () => {
      const s = open();
      const d = fresh();
      const key = `bronze/${d}/n/ingest_date=2026-01-01/run_id=R1/big.csv`;
      const w = await s.createNewStream(key);
      const parts = Array.from({ length: 5 }, (_, i) => Buffer.alloc(70_000, 97 + i));
      for (const p of parts) await w.write(p);
      expect(await s.read(key)).toBeUndefined();
      await w.finish();
      expect((await readStream(s, key)).equals(Buffer.concat(parts))).toBe(true);
      const aborted = await s.createNewStream(`bronze/${d}/n/ingest_date=2026-01-01/run_id=R2/x.csv`);
      await aborted.write(Buffer.from('partial'));
      await aborted.abort();
      expect(await s.read(`bronze/${d}/n/ingest_date=2026-01-01/run_id=R2/x.csv`)).toBeUndefined();
    });

    test('listing keys and folders', async () => {
      const s = open();
      const d = fresh();
      const keys = [`silver/${d}/l/_runs/R1/manifest.json`, `silver/${d}/l/_runs/R2/_claim.json`, `silver/${d}/l/y=1/part-0.parquet`];
      for (const k of keys) await s.createNew(k, Buffer.from('x'));
      expect(await s.list(`silver/${d}/l/`)).toEqual(keys);
      expect(await s.listFolders(`silver/${d}/l/_runs/`)).toEqual(['R1', 'R2']);
      expect(await s.listFolders(`silver/${d}/none/`)).toEqual([]);
    });

    when(conditional)('a control object changes only from the version read; concurrent publishers both land', async () => {
      const s = open();
      const d = fresh();
      const key = `silver/${d}/c/schema_v=v1/_PUBLISHED.json`;
      expect(await s.readVersioned(key)).toBeUndefined();
      expect(await s.replace(key, Buffer.from('{"v":1}'), undefined)).toBe(true);
      expect(await s.replace(key, Buffer.from('{"v":"lost"}'), undefined)).toBe(false);
      const v1 = (await s.readVersioned(key))!;
      expect(v1.body.toString()).toBe('{"v":1}');
      expect(await s.replace(key, Buffer.from('{"v":2}'), v1.version)).toBe(true);
      expect(await s.replace(key, Buffer.from('{"v":"stale"}'), v1.version)).toBe(false);
      expect((await s.readVersioned(key))!.body.toString()).toBe('{"v":2}');

      const pkey = `silver/${d}/p/schema_v=v1/_PUBLISHED.json`;
      await Promise.all(Array.from({ length: 6 }, (_, i) => publishSilverRun(s, pkey, 'd.p@v1', { run: run(`2026010${i}T000000Z`, `sha${i}`) })));
      expect((await readPublished(s, pkey))!.runs.map((r) => r.run_id)).toEqual(Array.from({ length: 6 }, (_, i) => `2026010${i}T000000Z`));
    });

    test('gold _LATEST.json: publish records the run it replaced; rollback points back', async () => {
      const s = open();
      const prefix = `gold/${fresh()}/balances/schema_v=v1/`;
      const first = await publishGoldRun(s, prefix, { dataset: 'finance.balances@v1', schemaVersion: 'v1', runId: '20260101T000000Z' }, () => new Date(Date.UTC(2026, 0, 1)));
      expect(first).toEqual({
        format: 'lakec.gold.latest/1',
        dataset: 'finance.balances@v1',
        run_id: '20260101T000000Z',
        schema_version: 'v1',
        published_at: '2026-01-01T00:00:00Z',
        partition_path: `${prefix}run_id=20260101T000000Z`,
        previous_run_id: null,
      });
      await publishGoldRun(s, prefix, { dataset: 'finance.balances@v1', schemaVersion: 'v1', runId: '20260201T000000Z' });
      const back = await publishGoldRun(s, prefix, { dataset: 'finance.balances@v1', schemaVersion: 'v1', runId: '20260101T000000Z' });
      expect([back.run_id, back.previous_run_id]).toEqual(['20260101T000000Z', '20260201T000000Z']);
      expect((await readGoldLatest(s, prefix))!.run_id).toBe('20260101T000000Z');
    });
  });
}

const local = tempDir();
afterAll(() => local.cleanup());
contractTests('local folder', () => new LocalStorage(join(local.dir, 'lake')), true);

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(() => s3?.stop());
contractTests('S3 (s3rver on 127.0.0.1)', () => s3.storage(100_000), false);

test('local: a publisher killed between its revision and the rename is rolled forward by the next reader', async () => {
  const s = new LocalStorage(join(local.dir, 'roll'));
  const key = 'silver/d/r/schema_v=v1/_PUBLISHED.json';
  await s.replace(key, Buffer.from('{"r":1}'), undefined);
  // What a killed publisher leaves: revision 2 written (exclusively), the pointer not yet renamed.
  writeFileSync(join(s.root, 'silver/d/r/schema_v=v1/._PUBLISHED.json.revisions/0000000002.json'), '{"r":2}');
  expect(readFileSync(join(s.root, key), 'utf8')).toBe('{"r":1}');
  const got = (await s.readVersioned(key))!;
  expect([got.body.toString(), got.version]).toEqual(['{"r":2}', '2']);
  expect(readFileSync(join(s.root, key), 'utf8')).toBe('{"r":2}');
  expect(await s.replace(key, Buffer.from('{"r":3}'), '1')).toBe(false);
  expect(await s.replace(key, Buffer.from('{"r":3}'), '2')).toBe(true);
  expect(existsSync(join(s.root, 'silver/d/r/schema_v=v1/._PUBLISHED.json.revisions/0000000003.json'))).toBe(true);
});

describe('S3 request shapes (conditional writes and checksums, which s3rver does not implement)', () => {
  const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const storage = new S3Storage({ buckets: BUCKETS, client });
  const precondition = () => new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'At least one of the pre-conditions you specified did not hold' });
  beforeEach(() => mock.reset());

  test('a new object is written with If-None-Match: * and its SHA-256; condemned rows go to the quarantine bucket', async () => {
    mock.on(PutObjectCommand).resolves({});
    const body = Buffer.from('parquet bytes');
    await storage.createNew('condemned/d/n/schema_v=v1/ingest_date=2026-01-01/run_id=R/condemned_rows.parquet', body);
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'acme-lake-test-quarantine',
      Key: 'condemned/d/n/schema_v=v1/ingest_date=2026-01-01/run_id=R/condemned_rows.parquet',
      Body: body,
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
    });
    mock.on(PutObjectCommand).rejects(precondition());
    await expect(storage.createNew('silver/d/n/x', body)).rejects.toThrow(AlreadyExistsError);
  });

  test('a control object is replaced with If-Match on the ETag read (If-None-Match when new); a lost race returns false', async () => {
    mock.on(GetObjectCommand).resolves({ ETag: '"etag-1"', Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('{}')) } as never });
    mock.on(PutObjectCommand).resolvesOnce({}).rejectsOnce(precondition());
    const read = (await storage.readVersioned('silver/d/n/schema_v=v1/_PUBLISHED.json'))!;
    expect(read.version).toBe('"etag-1"');
    expect(await storage.replace('silver/d/n/schema_v=v1/_PUBLISHED.json', Buffer.from('{"a":1}'), read.version)).toBe(true);
    expect(await storage.replace('silver/d/n/schema_v=v1/_PUBLISHED.json', Buffer.from('{"a":2}'), undefined)).toBe(false);
    const [first, second] = mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({ Bucket: 'acme-lake-test-silver', IfMatch: '"etag-1"', ChecksumAlgorithm: 'SHA256' });
    expect(first).not.toHaveProperty('IfNoneMatch');
    expect(second).toMatchObject({ IfNoneMatch: '*' });
    expect(second).not.toHaveProperty('IfMatch');
  });

  test('publishing after a lost race starts again from a fresh read and keeps the other publish', async () => {
    const other = { format: 'lakec.silver.published/1', dataset: 'd.n@v1', updated_at: 'x', runs: [run('20260101T000000Z', 'other')] };
    const bodies = [undefined, other];
    let gets = 0;
    mock.on(GetObjectCommand).callsFake(() => {
      const body = bodies[Math.min(gets++, 1)];
      if (!body) throw new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'no' });
      return { ETag: '"e2"', Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(JSON.stringify(body))) } };
    });
    mock.on(PutObjectCommand).rejectsOnce(precondition()).resolves({});
    const result = await publishSilverRun(storage, 'silver/d/n/schema_v=v1/_PUBLISHED.json', 'd.n@v1', { run: run('20260102T000000Z', 'mine') });
    expect(result.runs.map((r) => r.run_id)).toEqual(['20260101T000000Z', '20260102T000000Z']);
    const puts = mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.IfNoneMatch ?? p.IfMatch)).toEqual(['*', '"e2"']);
  });

  test('a large bronze copy is a multipart upload: every part and the completion carry checksums, completed with If-None-Match', async () => {
    mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    mock.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"p${input.PartNumber}"` }));
    mock.on(CompleteMultipartUploadCommand).resolves({});
    const big = new S3Storage({ buckets: BUCKETS, client, partBytes: 1000 });
    const w = await big.createNewStream('bronze/d/n/ingest_date=2026-01-01/run_id=R/file.csv');
    for (let i = 0; i < 5; i++) await w.write(Buffer.alloc(600, 65 + i));
    await w.finish();
    expect(mock.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toEqual({ Bucket: 'acme-lake-test-bronze', Key: 'bronze/d/n/ingest_date=2026-01-01/run_id=R/file.csv', ChecksumAlgorithm: 'SHA256' });
    const parts = mock.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => [p.PartNumber, (p.Body as Buffer).length, p.ChecksumAlgorithm, p.ChecksumSHA256 === createHash('sha256').update(p.Body as Buffer).digest('base64')])).toEqual([
      [1, 1200, 'SHA256', true],
      [2, 1200, 'SHA256', true],
      [3, 600, 'SHA256', true],
    ]);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      UploadId: 'u1',
      IfNoneMatch: '*',
      MultipartUpload: { Parts: [1, 2, 3].map((n) => ({ PartNumber: n, ETag: `"p${n}"`, ChecksumSHA256: expect.any(String) })) },
    });
  });
});
