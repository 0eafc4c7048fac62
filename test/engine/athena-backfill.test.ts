import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { datasetsOf } from '../../generators/contract/lake-model';
import { athenaEtlPlan } from '../../generators/sql/etl/athena-etl';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { AthenaRunner } from '../../runtime/aws/athena-runner';
import { runAthenaBackfill, type AthenaRunners } from '../../runtime/engine/athena-backfill';
import { backfillDeliveries } from '../../runtime/engine/backfill-deliveries';
import { fillStatement, type AthenaEtlStepName } from '../../runtime/engine/athena-plan';
import { createBackfillHandler } from '../../runtime/engine/backfill-handler';
import { parseManifest } from '../../runtime/pipeline/manifest';
import { runDelivery } from '../../runtime/pipeline/run-delivery';
import type { RunSummary } from '../../runtime/pipeline/run-summary';
import { LakeKeys } from '../../runtime/lake-keys';
import { runIdCandidates } from '../../runtime/publish/run-id';
import { readPublished } from '../../runtime/publish/silver-published';
import { LocalStorage } from '../../runtime/storage/local-storage';
import { moduleOf, steppingClock, tempDir } from '../runtime/support/lake';
import { loadModel } from '../support/specs';

/**
 * `lakec backfill --engine athena` and the backfill Lambda, through the real Athena adapter against recorded
 * request shapes (Athena has no local server; aws-sdk-client-mock answers). Athena's writes are played by
 * the test: when an INSERT is sent, the files the TypeScript engine wrote for the same delivery are put
 * where Athena would write them, and the `files-*` queries report them. What is checked is everything lakec
 * does around Athena: the statements (filled, in order, each in its workgroup), the file-level decisions made
 * before Athena sees a delivery, the circuit breaker, the publish (manifest, `_SUCCESS`, `_PUBLISHED.json`
 * replacing the delivery's earlier run) and the reader views.
 */
jest.setTimeout(60_000);
const athena = mockClient(AthenaClient);
afterAll(() => athena.restore());

const d = datasetsOf(loadModel())[0]!;
const mod = moduleOf(d);
const buckets = dataBucketNames('acme-lake', 'dev');
const plan = athenaEtlPlan(d, { buckets, resultsBucket: 'acme-lake-dev-athena-results' });
const WORKGROUPS = { platform: 'acme-lake-dev-platform', silver: 'acme-lake-dev-etl-silver', quarantine: 'acme-lake-dev-etl-quarantine' } as const;

const DELIVERY = `transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp
S1,ACC000001,100.00,EUR,DEPOSIT,2024-01-10T09:00:00Z
S2,ACC000001,-40.50,EUR,WITHDRAWAL,2024-01-20T09:00:00Z
S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z
S5,ACC000003,1.000,EUR,DEPOSIT,2024-02-01T00:00:00Z
S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z
`;

interface Sent {
  readonly step: AthenaEtlStepName | 'view';
  readonly sql: string;
  readonly workgroup: string;
  readonly database: string | undefined;
}

/**
 * A lake with one delivery run by the TypeScript engine (the reference), and a scripted Athena whose writes
 * are that run's files, copied to the backfill run's keys.
 */
function scriptedAthena(lake: string, reference: RunSummary, o: { openLines?: number; errors?: Record<string, number> } = {}) {
  const storage = new LocalStorage(lake);
  const keys = new LakeKeys(mod.descriptor);
  const manifestFile = join(lake, keys.runFile(reference.run_id, 'manifest.json'));
  const manifest = existsSync(manifestFile) ? parseManifest(readFileSync(manifestFile), reference.run_id) : { files: [] };
  const sent: Sent[] = [];
  const byId = new Map<string, { step: Sent['step']; rows: string[][] }>();
  const stepOf = (sql: string): AthenaEtlStepName | 'view' => {
    if (sql.startsWith('CREATE OR REPLACE VIEW')) return 'view';
    for (const [name, s] of Object.entries(plan.steps)) {
      const head = s.sql.split('{{')[0]!;
      if (sql.startsWith(head) && sql.length >= head.length) {
        // Several statements share a head (the drops differ in their table): compare the whole text shape.
        const shape = new RegExp(`^${s.sql.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\{[a-z_]+\}\}/g, '[^\']*').replace(/\{/g, '\\{').replace(/\}/g, '\\}')}$`);
        if (shape.test(sql)) return name as AthenaEtlStepName;
      }
    }
    throw new Error(`not a statement of the plan: ${sql.slice(0, 120)}`);
  };
  const written: Record<'silver' | 'quarantine' | 'condemned', string[][]> = { silver: [], quarantine: [], condemned: [] };
  const runIdOf = (sql: string) => /'([0-9]{8}T[0-9]{6}Z_BACKFILL[_0-9]*)'/.exec(sql)?.[1];
  let n = 0;
  athena.reset();
  athena.on(StartQueryExecutionCommand).callsFake((input) => {
    const step = stepOf(input.QueryString);
    sent.push({ step, sql: input.QueryString, workgroup: input.WorkGroup, database: input.QueryExecutionContext?.Database });
    const id = `q${++n}`;
    let rows: string[][] = [];
    const copy = (layer: 'silver' | 'quarantine' | 'condemned') => {
      const runId = runIdOf(input.QueryString)!;
      for (const f of manifest.files.filter((x) => x.key.startsWith(`${layer}/`))) {
        const key = f.key.replace(`run_id=${reference.run_id}/`, `run_id=${runId}/`).replace(/[^/]+\.parquet$/, `${runId}_athena_${written[layer].length}.parquet`);
        const target = join(lake, key);
        require('node:fs').mkdirSync(require('node:path').dirname(target), { recursive: true }); // eslint-disable-line @typescript-eslint/no-require-imports
        writeFileSync(target, readFileSync(join(lake, f.key)));
        written[layer].push([`s3://${layer === 'silver' ? buckets.silver : buckets.quarantine}/${key}`, String(f.rows)]);
      }
    };
    switch (step) {
      case 'open-quote':
        rows = [[String(o.openLines ?? 0)]];
        break;
      case 'counts':
        rows = [
          ['silver', '', '', String(reference.rows_silver)],
          ...Object.entries(o.errors ?? reference.errors).map(([e, c]) => ['quarantine', e, '', String(c)]),
          ...(reference.condemned_duplicates ? [['condemned', 'duplicate', 'duplicate', String(reference.condemned_duplicates)]] : []),
        ].map((r) => r.map((v) => v));
        break;
      case 'partition-windows':
        rows = [['2024|01', '2024|02']];
        break;
      case 'insert-silver':
        copy('silver');
        break;
      case 'insert-quarantine':
        copy('quarantine');
        break;
      case 'insert-condemned':
        copy('condemned');
        break;
      case 'files-silver':
        rows = written.silver;
        break;
      case 'files-quarantine':
        rows = written.quarantine;
        break;
      case 'files-condemned':
        rows = written.condemned;
        break;
    }
    byId.set(id, { step, rows });
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input) => ({ QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: 'SUCCEEDED' }, StatementType: byId.get(input.QueryExecutionId!)!.step.startsWith('create-') || byId.get(input.QueryExecutionId!)!.step.startsWith('drop') || byId.get(input.QueryExecutionId!)!.step === 'view' ? 'DDL' : 'DML' } }));
  athena.on(GetQueryResultsCommand).callsFake((input) => {
    const q = byId.get(input.QueryExecutionId!)!;
    const header = q.step === 'counts' ? ['layer', 'validation_error', 'condemned_reason', 'row_count'] : q.step === 'open-quote' ? ['open_lines'] : q.step.startsWith('files-') ? ['file', 'row_count'] : ['window_from', 'window_to'];
    const toRow = (r: readonly string[]) => ({ Data: r.map((v) => (v === '' && q.step === 'counts' ? {} : { VarCharValue: v })) });
    return { ResultSet: { ResultSetMetadata: { ColumnInfo: header.map((h) => ({ Name: h, Type: 'varchar' })) }, Rows: [toRow(header), ...q.rows.map(toRow)] } };
  });
  const runner = (w: string) => new AthenaRunner({ client: new AthenaClient({ region: 'eu-west-1' }), workGroup: w, sleep: async () => undefined });
  const runners: AthenaRunners = { platform: runner(WORKGROUPS.platform), silver: runner(WORKGROUPS.silver), quarantine: runner(WORKGROUPS.quarantine) };
  return { storage, sent, runners };
}

/** A lake whose bronze holds the delivery, published once by the TypeScript engine. */
async function lakeWithDelivery(dir: string, text = DELIVERY): Promise<{ lake: string; reference: RunSummary; key: string }> {
  const lake = join(dir, 'lake');
  const file = join(dir, 'd.csv');
  writeFileSync(file, text);
  const reference = await runDelivery({ module: mod, storage: new LocalStorage(lake), input: { kind: 'file', path: file }, publish: true, encoderThread: false, clock: steppingClock(Date.UTC(2024, 1, 1, 8)) });
  return { lake, reference, key: reference.delivery.bronze_key };
}

test('a backfill through Athena: statements in order and workgroup, then a published run that replaces the delivery\'s earlier one', async () => {
  const t = tempDir('lakec-athena-');
  try {
    const { lake, reference, key } = await lakeWithDelivery(t.dir);
    expect(reference.status).toBe('published');
    const { storage, sent, runners } = scriptedAthena(lake, reference);
    const deliveries = await backfillDeliveries(storage, mod.descriptor, '2024-02', '2024-02');
    expect(deliveries).toEqual([key]);
    const clock = steppingClock(Date.UTC(2024, 2, 1));
    const [s] = await runAthenaBackfill({ ctx: { module: mod, storage, clock }, plan, runners, deliveries, runIdCandidates: () => runIdCandidates(new Date(Date.UTC(2024, 2, 1)), 'BACKFILL') });
    expect(s!.status).toBe('published');
    expect(s!.run_id).toBe('20240301T000000Z_BACKFILL');
    expect([s!.rows_in, s!.rows_silver, s!.rows_quarantined, s!.rows_condemned]).toEqual([reference.rows_in, reference.rows_silver, reference.rows_quarantined, reference.rows_condemned]);
    expect(s!.errors).toEqual(reference.errors);
    expect(s!.superseded).toEqual([reference.run_id]);
    expect(s!.delivery.sha256).toBe(reference.delivery.sha256);

    const values = { run_id: s!.run_id, ingest_date: reference.delivery.ingest_date, source_file: key, superseded_runs: reference.run_id, header_hex: Buffer.from(DELIVERY.split('\n')[0]!).toString('hex') };
    const steps = sent.map((x) => x.step);
    expect(steps).toEqual([
      'drop-routed', 'drop-silver-stage', 'drop-quarantine-stage', 'drop-condemned-stage',
      'open-quote', 'create-routed', 'counts',
      'create-silver-stage', 'create-quarantine-stage', 'create-condemned-stage',
      'partition-windows', 'insert-silver', 'files-silver',
      'insert-quarantine', 'files-quarantine', 'insert-condemned', 'files-condemned',
      'drop-routed', 'drop-silver-stage', 'drop-quarantine-stage', 'drop-condemned-stage',
      'view', 'view', 'view',
    ]);
    for (const x of sent) {
      if (x.step === 'view') {
        expect(x.workgroup).toBe(WORKGROUPS.platform);
        continue;
      }
      const st = plan.steps[x.step];
      expect(x.sql).toBe(fillStatement(st, { ...values, ...(x.step === 'insert-silver' ? { window_from: '2024|01', window_to: '2024|02' } : {}) }));
      expect(x.workgroup).toBe(WORKGROUPS[st.workgroup]);
      expect(x.database).toBe(st.database);
    }
    // The reader views name the backfill run, not the one it replaced.
    expect(sent.find((x) => x.step === 'view')!.sql).toContain(`'${s!.run_id}'`);
    expect(sent.filter((x) => x.step === 'view').some((x) => x.sql.includes(reference.run_id))).toBe(false);

    const keys = new LakeKeys(mod.descriptor);
    const published = await readPublished(storage, keys.published);
    expect(published!.runs.map((r) => r.run_id)).toEqual([s!.run_id]);
    const m = parseManifest((await storage.read(keys.runFile(s!.run_id, 'manifest.json')))!, s!.run_id);
    expect(m.engine).toBe('athena');
    expect(m.files.every((f) => f.key.includes(`/run_id=${s!.run_id}/`) && /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    expect(m.partitions.map((p) => [p.values, p.rows])).toEqual(reference.partitions.map((p) => [Object.fromEntries(p.partition.split('/').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])])), p.rows]));
    expect(await storage.size(keys.runFile(s!.run_id, '_SUCCESS'))).toBe(0);
  } finally {
    t.cleanup();
  }
});

test('before Athena sees a delivery: what it cannot read is refused, what TypeScript rejects is rejected — nothing is sent', async () => {
  const t = tempDir('lakec-athena-');
  try {
    const lake = join(t.dir, 'lake');
    const storage = new LocalStorage(lake);
    const put = async (name: string, body: string | Buffer) => {
      const key = `bronze/mortgages/transactions/ingest_date=2024-02-01/run_id=20240201T08000${name.length % 10}Z/${name}`;
      await storage.createNew(key, Buffer.from(body));
      return key;
    };
    const cr = await put('cr.csv', DELIVERY.replace('EUR,DEPOSIT', 'EUR\rX,DEPOSIT'));
    const bad = await put('bad8.csv', Buffer.concat([Buffer.from(DELIVERY), Buffer.from([0xff, 0x0a])]));
    const noHeader = await put('nohead.csv', 'a,b\n1,2\n');
    const { runners, sent } = scriptedAthena(lake, { run_id: 'x' } as RunSummary);
    const out: RunSummary[] = [];
    for (const key of [noHeader, cr, bad]) {
      out.push(...(await runAthenaBackfill({ ctx: { module: mod, storage }, plan, runners, deliveries: [key], runIdCandidates: () => runIdCandidates(new Date(), 'BACKFILL') })));
    }
    expect(out.map((s) => s.status)).toEqual(['rejected', 'failed', 'failed']);
    expect(out[0]!.message).toMatch(/^the header lacks required columns/);
    expect(out[1]!.message).toMatch(/^a carriage return inside a record \(Athena ends a line there\); an Athena backfill cannot read this delivery as lakec run does/);
    expect(out[2]!.message).toMatch(/^a record that is not valid UTF-8/);
    expect(sent).toEqual([]);
  } finally {
    t.cleanup();
  }
});

test('the circuit breaker and open quotes stop a run before anything is written; the Lambda steps answer the state machine', async () => {
  const t = tempDir('lakec-athena-');
  try {
    const { lake, reference, key } = await lakeWithDelivery(t.dir);
    const halted = scriptedAthena(lake, reference, { errors: { 'type:amount': 5000 } });
    const [h] = await runAthenaBackfill({ ctx: { module: mod, storage: halted.storage }, plan, runners: halted.runners, deliveries: [key], runIdCandidates: () => runIdCandidates(new Date(Date.UTC(2024, 2, 1)), 'BACKFILL') });
    expect(h!.status).toBe('halted');
    expect(h!.message).toMatch(/^halted by the circuit breaker: 5000 rows failed `type:amount` within an hour/);
    expect(halted.sent.some((x) => x.step.startsWith('insert-'))).toBe(false);

    const open = scriptedAthena(lake, reference, { openLines: 2 });
    const [q] = await runAthenaBackfill({ ctx: { module: mod, storage: open.storage }, plan, runners: open.runners, deliveries: [key], runIdCandidates: () => runIdCandidates(new Date(Date.UTC(2024, 2, 2)), 'BACKFILL') });
    expect(q!.status).toBe('failed');
    expect(q!.message).toMatch(/^2 lines leave a quoted cell open/);
    expect(open.sent.map((x) => x.step)).not.toContain('create-routed');

    // The same steps as the Lambda runs them for the state machine, query results read by execution id.
    const lambda = scriptedAthena(lake, reference);
    const handler = createBackfillHandler({ descriptor: mod.descriptor, storage: lambda.storage, runner: lambda.runners.platform, clock: () => new Date(Date.UTC(2024, 2, 3)) });
    expect(await handler({ action: 'deliveries', from: '2024-01', to: '2024-03' })).toEqual({ outcome: 'deliveries', deliveries: [key] });
    const prepared = await handler({ action: 'prepare', key });
    expect(prepared.outcome).toBe('ready');
    if (prepared.outcome !== 'ready') return;
    expect(prepared.run.values.superseded_runs).toBe(reference.run_id);
    const execute = async (step: AthenaEtlStepName) => lambda.runners[plan.steps[step].workgroup].start(fillStatement(plan.steps[step], { ...prepared.run.values, window_from: '2024|01', window_to: '2024|02' }));
    expect((await handler({ action: 'open-quote', run: prepared.run, queryExecutionId: await execute('open-quote') })).outcome).toBe('ready');
    const judged = await handler({ action: 'judge', run: prepared.run, queryExecutionId: await execute('counts') });
    expect(judged.outcome).toBe('go');
    if (judged.outcome !== 'go') return;
    for (const step of ['insert-silver', 'insert-quarantine', 'insert-condemned'] as const) await execute(step);
    const files = { silver: { id: await execute('files-silver') }, quarantine: { id: await execute('files-quarantine') }, condemned: { id: await execute('files-condemned') } };
    const published = await handler({ action: 'publish', run: prepared.run, counts: judged.counts, files });
    expect(published.outcome).toBe('finished');
    if (published.outcome !== 'finished') return;
    expect(published.summary.status).toBe('published');
    expect(published.stop).toBe(false);
  } finally {
    t.cleanup();
  }
});
