import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { generateValidators } from '../../generators/validator/generate-validators';
import { buildLambdaAsset } from '../../runtime/lambda/lambda-asset';
import { LAMBDA_ENV } from '../../runtime/lambda/handler';
import { METRIC_NAMESPACE } from '../../runtime/metrics';
import { SMOKE_DELIVERY } from '../support/cli';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { tempDir } from './support/lake';
import { BUCKETS, startS3, type LocalS3 } from './support/s3';

/**
 * The Lambda end to end: the asset built as the stack will build it (handler, workers, WebAssembly, the
 * build's dataset registry), run in a fresh process on a synthetic EventBridge "Object Created" event for
 * a delivery written to bronze, against an S3-compatible server on 127.0.0.1.
 */
const KEY = 'bronze/mortgages/transactions/ingest_date=2026-01-15/run_id=20260115T120000Z/core-banking export.csv';

let s3: LocalS3;
const t = tempDir('lakec-lambda-');
let asset: string;

beforeAll(async () => {
  s3 = await startS3();
  const out = join(t.dir, 'build');
  for (const [path, contents] of generateValidators(loadModel(EXAMPLE_SPECS))) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), contents);
  }
  asset = join(t.dir, 'asset');
  buildLambdaAsset({ outDir: asset, registry: join(out, 'validators', 'registry.ts') });
}, 120_000);
afterAll(async () => {
  await s3?.stop();
  t.cleanup();
});

function event(key: string, bucket = BUCKETS.bronze) {
  return { version: '0', id: 'e1', 'detail-type': 'Object Created', source: 'aws.s3', account: '111111111111', time: '2026-01-15T12:00:00Z', region: 'eu-west-1', resources: [`arn:aws:s3:::${bucket}`], detail: { version: '0', bucket: { name: bucket }, object: { key, size: 100 }, reason: 'PutObject' } };
}

/** Runs the bundled handler in a new process with the Lambda's environment; returns its result and log lines. */
async function invoke(e: unknown): Promise<{ result: unknown; lines: string[] }> {
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(LAMBDA_ENV).map(([role, name]) => [name, BUCKETS[role as keyof typeof BUCKETS]])),
    LAKEC_S3_ENDPOINT: s3.endpoint,
    LAKEC_S3_RELAXED_CHECKSUMS: '1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  };
  const script = `require(${JSON.stringify(join(asset, 'index.js'))}).handler(JSON.parse(process.argv[1])).then((r) => console.log('RESULT ' + JSON.stringify(r)), (e) => { console.log('ERROR ' + e.message); process.exitCode = 1; });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, JSON.stringify(e)], { env, maxBuffer: 1 << 24 });
  const lines = stdout.trim().split('\n');
  const result = lines.find((l) => l.startsWith('RESULT '));
  return { result: result ? JSON.parse(result.slice(7)) : undefined, lines };
}

async function keysIn(bucket: string): Promise<string[]> {
  const out = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

test('the asset holds the handler, both worker threads, the WebAssembly encoder and the registry', () => {
  expect(readdirSync(asset).sort()).toEqual(['digest-worker.js', 'index.js', 'parquet-worker.js', 'parquet_wasm_bg.wasm', 'registry.js']);
});

test('a delivery written to bronze is run in place, published, and reported with metrics; a repeated event is skipped', async () => {
  await s3.client.send(new PutObjectCommand({ Bucket: BUCKETS.bronze, Key: KEY, Body: SMOKE_DELIVERY }));
  const { result, lines } = await invoke(event(KEY));
  expect(result).toEqual([{ key: KEY, runs: [expect.objectContaining({ run_id: '20260115T120000Z', status: 'published', rows_in: 6, rows_silver: 4, rows_quarantined: 1, rows_condemned: 1 })] }]);
  // A CloudWatch Embedded Metric Format record for the run.
  const emf = lines.map((l) => { try { return JSON.parse(l); } catch { return undefined; } }).find((j) => j?._aws);
  expect(emf).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Dataset']] }] }, Dataset: 'mortgages.transactions@v1', RowsIn: 6, QuarantineRateExceeded: 1 });

  // Nothing was copied: the run's source file is the delivered object.
  expect(await keysIn(BUCKETS.bronze)).toEqual([KEY]);
  const silver = await keysIn(BUCKETS.silver);
  expect(silver.filter((k) => k.endsWith('.parquet'))).toEqual([
    'silver/mortgages/transactions/year=2024/month=01/schema_v=v1/run_id=20260115T120000Z/part-00000.parquet',
    'silver/mortgages/transactions/year=2024/month=02/schema_v=v1/run_id=20260115T120000Z/part-00000.parquet',
    'silver/mortgages/transactions/year=2024/month=03/schema_v=v1/run_id=20260115T120000Z/part-00000.parquet',
  ]);
  expect(silver).toEqual(expect.arrayContaining(['silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json', 'silver/mortgages/transactions/schema_v=v1/_runs/20260115T120000Z/_SUCCESS', 'silver/mortgages/transactions/schema_v=v1/_runs/20260115T120000Z/manifest.json']));
  expect(await keysIn(BUCKETS.quarantine)).toEqual([
    'condemned/mortgages/transactions/schema_v=v1/ingest_date=2026-01-15/run_id=20260115T120000Z/condemned_rows.parquet',
    'quarantine/mortgages/transactions/schema_v=v1/ingest_date=2026-01-15/run_id=20260115T120000Z/invalid_rows.parquet',
  ]);
  const published = JSON.parse(await (await s3.client.send(new GetObjectCommand({ Bucket: BUCKETS.silver, Key: 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json' }))).Body!.transformToString());
  expect(published.runs.map((r: { run_id: string; delivery: { bronze_key: string } }) => [r.run_id, r.delivery.bronze_key])).toEqual([['20260115T120000Z', KEY]]);

  // EventBridge delivers at least once: the same event again changes nothing.
  const again = await invoke(event(KEY));
  expect(again.result).toEqual([{ key: KEY, runs: [{ dataset: 'mortgages.transactions@v1', skipped: 'run 20260115T120000Z of this delivery is published' }] }]);
  expect((await keysIn(BUCKETS.silver)).length).toBe(silver.length);
}, 120_000);

test('lakec run --lake s3://… copies a local delivery to bronze (multipart when large) and publishes on S3', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { LAKEC_S3_ENDPOINT: s3.endpoint, LAKEC_S3_RELAXED_CHECKSUMS: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  try {
    const big = join(t.dir, 'big delivery.csv');
    const lines = [SMOKE_DELIVERY.split('\n')[0]!];
    for (let i = 0; i < 120_000; i++) lines.push(`B${i},ACC${String(i % 1e6).padStart(6, '0')},${(i % 1000) + 0.25},EUR,DEPOSIT,2024-0${1 + (i % 9)}-15T10:00:00Z`);
    writeFileSync(big, `${lines.join('\n')}\n`);
    const { main } = await import('../../cli/main.js');
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    let code: number;
    try {
      code = await main(['run', 'mortgages.transactions', big, '--lake', 's3://acme-lake-test', '--specs', EXAMPLE_SPECS, '--json']);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary).toMatchObject({ status: 'published', rows_in: 120_000, rows_silver: 120_000, lake: 's3://acme-lake-test' });
    const head = await s3.client.send(new GetObjectCommand({ Bucket: BUCKETS.bronze, Key: summary.delivery.bronze_key }));
    expect(await head.Body!.transformToString()).toBe(`${lines.join('\n')}\n`);
    expect((await keysIn(BUCKETS.silver)).filter((k) => k.includes(summary.run_id) && k.endsWith('.parquet'))).toHaveLength(9);
  } finally {
    process.env = saved;
  }
}, 120_000);

test('events for other buckets and keys no contract reads are ignored', async () => {
  expect((await invoke(event('bronze/unknown/thing/ingest_date=2026-01-15/run_id=20260115T120000Z/x.csv'))).result).toEqual([]);
  expect((await invoke(event(KEY, 'someone-elses-bucket'))).result).toEqual([]);
}, 60_000);
