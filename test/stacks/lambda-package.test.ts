import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { datasetsOf } from '../../generators/contract/lake-model';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { REGISTRY_FILE } from '../../runtime/lambda/handler';
import { S3Storage } from '../../runtime/storage/s3-storage';
import { deterministicZip } from '../../stacks/compute/deterministic-zip';
import { FUNCTION_REGISTRY, functionPackage, LAYER_DIR, runtimeLayerPackage } from '../../stacks/compute/lambda-code';
import { BACKFILL_DESCRIPTOR, BACKFILL_LAYER_DIR, backfillLayerPackage, backfillPackage } from '../../stacks/orchestration/backfill-code';
import { BACKFILL_DESCRIPTOR_ENV, DESCRIPTOR_FILE } from '../../runtime/engine/backfill-handler';
import { loadModel } from '../support/specs';
import { exampleStack, resourceOf } from './support';
import { unzip } from './unzip';

const model = loadModel();
const transactions = datasetsOf(model)[0]!;

function extract(zip: Buffer, dir: string): string[] {
  const files = unzip(zip);
  for (const [name, data] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return [...files.keys()];
}

describe('deterministic zip', () => {
  it('gives the same bytes for the same files in any order, and other bytes for other files', () => {
    const a = deterministicZip([{ name: 'b.js', data: Buffer.from('b') }, { name: 'a.js', data: Buffer.from('a'.repeat(1000)) }]);
    const b = deterministicZip([{ name: 'a.js', data: Buffer.from('a'.repeat(1000)) }, { name: 'b.js', data: Buffer.from('b') }]);
    expect(a.equals(b)).toBe(true);
    expect(deterministicZip([{ name: 'a.js', data: Buffer.from('x') }]).equals(a)).toBe(false);
    expect([...unzip(a)].map(([n, d]) => [n, d.toString()])).toEqual([['a.js', 'a'.repeat(1000)], ['b.js', 'b']]);
    expect(() => deterministicZip([{ name: '../x', data: Buffer.alloc(0) }])).toThrow(/bad zip entry name/);
  });

  // Info-ZIP's unzip is installed by .ci/run.
  it('is read by Info-ZIP unzip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakec-zip-'));
    try {
      writeFileSync(join(dir, 't.zip'), deterministicZip([{ name: 'lib/x.wasm', data: Buffer.alloc(5000, 7) }, { name: 'index.js', data: Buffer.from('module.exports = 1;\n') }]));
      expect(execFileSync('unzip', ['-t', join(dir, 't.zip')]).toString()).toContain('No errors detected');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the ETL Lambda packages', () => {
  const layer = runtimeLayerPackage();
  const fn = functionPackage(transactions);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakec-lambda-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are what the stack deploys: the layer on every function, each function its own package', () => {
    const { doc } = exampleStack('dev');
    const f = resourceOf(doc, 'aws_lambda_function', 'etl-mortgages-transactions-v1-function') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(f.source_code_hash).toBe(fn.base64Sha256);
    expect(f.filename).toBe(`assets/etl-mortgages-transactions-v1-code/${fn.hash}/function.zip`);
    expect(f.layers).toEqual(['${aws_lambda_layer_version.etl-runtime-layer.arn}']);
    expect(f.environment.variables.LAKEC_REGISTRY).toBe(FUNCTION_REGISTRY);
    const l = resourceOf(doc, 'aws_lambda_layer_version', 'etl-runtime-layer') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(l.source_code_hash).toBe(layer.base64Sha256);
    expect(l.compatible_runtimes).toEqual(['nodejs22.x']);
  });

  it('hold the handler and its threads in the layer (extracted to /opt), the dataset in the function', () => {
    const layerFiles = extract(readFileSync(layer.file), join(dir, 'opt'));
    expect(layerFiles).toEqual(['lakec/digest-worker.js', 'lakec/index.js', 'lakec/parquet-worker.js', 'lakec/parquet_wasm_bg.wasm', `lakec/${REGISTRY_FILE}`]);
    const fnFiles = extract(readFileSync(fn.file), join(dir, 'task'));
    expect(fnFiles).toEqual(['index.js', REGISTRY_FILE]);
    expect(readFileSync(join(dir, 'task', 'index.js'), 'utf8')).toContain(`require('${LAYER_DIR}/index.js')`);
    const registry = require(join(dir, 'task', REGISTRY_FILE)) as { datasets: { descriptor: { key: string } }[] }; // eslint-disable-line @typescript-eslint/no-require-imports
    expect(registry.datasets.map((m) => m.descriptor.key)).toEqual(['mortgages.transactions@v1']);
    expect(() => require(join(dir, 'opt', 'lakec', REGISTRY_FILE))).toThrow(/LAKEC_REGISTRY/); // eslint-disable-line @typescript-eslint/no-require-imports
  });

  it('configure the handler from the environment the stack sets', () => {
    const { doc } = exampleStack('dev');
    const vars = (resourceOf(doc, 'aws_lambda_function', 'etl-mortgages-transactions-v1-function') as any).environment.variables as Record<string, string>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const runtime = require(join(dir, 'opt', 'lakec', 'index.js')); // eslint-disable-line @typescript-eslint/no-require-imports
    const config = runtime.configFromEnvironment({ ...vars, LAKEC_REGISTRY: join(dir, 'task', REGISTRY_FILE) });
    expect(config.bronzeBucket).toBe('acme-lake-dev-bronze');
    expect(config.datasets.map((m: { descriptor: { key: string } }) => m.descriptor.key)).toEqual(['mortgages.transactions@v1']);
  });

  it('run a delivery end to end: an S3 Object Created event, the packaged handler, an S3-compatible server', async () => {
    const buckets = dataBucketNames('acme-lake', 'dev');
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: Object.values(buckets).map((name) => ({ name, configs: [] })) });
    const { port } = (await server.run()) as { port: number };
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      const client = new S3Client({ endpoint, forcePathStyle: true, region: 'eu-west-1', credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
      const key = 'bronze/mortgages/transactions/ingest_date=2024-01-31/run_id=20240131T120000Z/delivery.csv';
      const csv = [
        'transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp',
        'S1,ACC000001,100.00,EUR,DEPOSIT,2024-01-10T09:00:00Z',
        'S2,ACC000001,-40.50,EUR,WITHDRAWAL,2024-01-20T09:00:00Z',
        'S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z',
        'S4,ACC000001,5.25,EUR,INTEREST,2024-03-31T23:59:59Z',
        'S5,ACC000003,1.000,EUR,DEPOSIT,2024-02-01T00:00:00Z',
        'S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z',
        '',
      ].join('\n');
      await client.send(new PutObjectCommand({ Bucket: buckets.bronze, Key: key, Body: csv }));
      const runtime = require(join(dir, 'opt', 'lakec', 'index.js')); // eslint-disable-line @typescript-eslint/no-require-imports
      const registry = require(join(dir, 'task', REGISTRY_FILE)); // eslint-disable-line @typescript-eslint/no-require-imports
      const logs: string[] = [];
      const handle = runtime.createHandler({ datasets: registry.datasets, storage: new S3Storage({ buckets, client }), bronzeBucket: buckets.bronze, log: (l: string) => logs.push(l) });
      const event = { version: '0', id: 'e1', 'detail-type': 'Object Created', source: 'aws.s3', account: '111111111111', time: '2024-01-31T12:00:01Z', region: 'eu-west-1', resources: [`arn:aws:s3:::${buckets.bronze}`], detail: { version: '0', bucket: { name: buckets.bronze }, object: { key, size: csv.length } } };
      const [result] = await handle(event);
      const run = result.runs[0];
      expect({ status: run.status, in: run.rows_in, silver: run.rows_silver, quarantined: run.rows_quarantined, condemned: run.rows_condemned }).toEqual({ status: 'published', in: 6, silver: 4, quarantined: 1, condemned: 1 });
      const published = await client.send(new GetObjectCommand({ Bucket: buckets.silver, Key: 'silver/mortgages/transactions/schema_v=v1/_PUBLISHED.json' }));
      expect(await published.Body!.transformToString()).toContain('20240131T120000Z');
      expect(logs.some((l) => l.includes('"_aws"') && l.includes('QuarantineRate'))).toBe(true);
      // The same event again (EventBridge delivers at least once): nothing runs twice.
      const [again] = await handle(event);
      expect(again.runs[0].skipped).toMatch(/published/);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('the backfill Lambda packages', () => {
  const layer = backfillLayerPackage();
  const fn = backfillPackage(transactions);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakec-backfill-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are what the stack deploys: one layer for every backfill function, each function its own small package', () => {
    const { doc } = exampleStack('dev');
    const f = resourceOf(doc, 'aws_lambda_function', 'backfill-mortgages-transactions-v1-function') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(f.source_code_hash).toBe(fn.base64Sha256);
    expect(f.layers).toEqual(['${aws_lambda_layer_version.backfill-runtime-layer.arn}']);
    expect(f.environment.variables[BACKFILL_DESCRIPTOR_ENV]).toBe(BACKFILL_DESCRIPTOR);
    expect((resourceOf(doc, 'aws_lambda_layer_version', 'backfill-runtime-layer') as Record<string, unknown>).source_code_hash).toBe(layer.base64Sha256);
    // The code is in the layer: a function package is the shim and the contract's descriptor.
    expect(statSync(fn.file).size).toBeLessThan(16 * 1024);
    expect(backfillPackage({ ...transactions, description: 'another' }).file).not.toBe(fn.file);
  });

  it('hold the handler and the Parquet wasm in the layer, the dataset in the function; the handler reads the descriptor it is given', async () => {
    expect(extract(readFileSync(layer.file), join(dir, 'opt'))).toEqual(['lakec-backfill/index.js', 'lakec-backfill/parquet_wasm_bg.wasm']);
    expect(extract(readFileSync(fn.file), join(dir, 'task'))).toEqual([DESCRIPTOR_FILE, 'index.js']);
    expect(readFileSync(join(dir, 'task', 'index.js'), 'utf8')).toContain(`require('${BACKFILL_LAYER_DIR}/index.js')`);
    expect(JSON.parse(readFileSync(join(dir, 'task', DESCRIPTOR_FILE), 'utf8')).key).toBe('mortgages.transactions@v1');
    const runtime = require(join(dir, 'opt', 'lakec-backfill', 'index.js')); // eslint-disable-line @typescript-eslint/no-require-imports
    // The environment the stack gives the function, but for where the descriptor was extracted here.
    const { doc } = exampleStack('dev');
    const vars = (resourceOf(doc, 'aws_lambda_function', 'backfill-mortgages-transactions-v1-function') as any).environment.variables as Record<string, string>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const saved = { ...process.env };
    try {
      Object.assign(process.env, vars, { [BACKFILL_DESCRIPTOR_ENV]: join(dir, 'task', 'missing.json') });
      await expect(runtime.handler({ action: 'nothing' })).rejects.toThrow(/ENOENT.*missing\.json/);
      process.env[BACKFILL_DESCRIPTOR_ENV] = join(dir, 'task', DESCRIPTOR_FILE);
      // Configured (descriptor, buckets, workgroup) and past them: the action is what it refuses.
      await expect(runtime.handler({ action: 'nothing' })).rejects.toThrow(/unknown backfill action/);
    } finally {
      process.env = saved;
    }
  });
});
