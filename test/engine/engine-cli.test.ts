import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsOf } from '../../generators/contract/lake-model';
import { REPO_ROOT, loadModel } from '../support/specs';
import { moduleOf, tempDir } from '../runtime/support/lake';
import { closeReader, comparable, deliveryFile, runOn } from './support/engines';
import { lakec, SMOKE_DELIVERY } from '../support/cli';

/**
 * `lakec run --engine duckdb` and `lakec backfill` from the command line (the summary, exit codes, the
 * same lake as the default engine), and the build's hostile contract — SQL keywords as names, a `;`
 * delimiter, `\N` nulls, decimal(38,10), every type — run by both engines on one delivery.
 */
jest.setTimeout(120_000);
afterAll(() => closeReader());


test('lakec run --engine duckdb: the --json summary, the same rows as the default engine, the lake readable by lakec query', async () => {
  const t = tempDir('lakec-cli-');
  try {
    const file = join(t.dir, 'd.csv');
    writeFileSync(file, SMOKE_DELIVERY);
    const duck = await lakec('run', 'mortgages.transactions', file, '--engine', 'duckdb', '--lake', join(t.dir, 'duck'), '--json');
    const ts = await lakec('run', 'mortgages.transactions', file, '--lake', join(t.dir, 'ts'), '--json');
    expect(duck.code).toBe(0);
    const a = JSON.parse(duck.out) as Record<string, unknown>;
    const b = JSON.parse(ts.out) as Record<string, unknown>;
    for (const k of ['status', 'rows_in', 'rows_silver', 'rows_quarantined', 'rows_condemned', 'errors', 'partitions', 'drift', 'quarantine_rate'] as const) expect(a[k]).toEqual(b[k]);
    expect([a.rows_silver, a.rows_quarantined, a.rows_condemned]).toEqual([4, 1, 1]);
    const q = await lakec('query', 'select count(*) as n, sum(amount) as total from silver_mortgages.transactions_v1', '--lake', join(t.dir, 'duck'), '--format', 'csv');
    expect(q.out.trim().split('\n')).toEqual(['n,total', '4,74.75']);
    const table = await lakec('run', 'mortgages.transactions', file, '--engine', 'duckdb', '--lake', join(t.dir, 'duck'));
    expect(table.out).toMatch(/^lakec run mortgages\.transactions: PUBLISHED/);
    expect(table.out).toMatch(/replaced +earlier run of this delivery/);
    const bad = await lakec('run', 'mortgages.transactions', file, '--engine', 'spark');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown engine `spark`; engines are ts and duckdb/);
  } finally {
    t.cleanup();
  }
});

test('lakec run --engine duckdb refuses a quoted line break with exit 1 and a message; the delivery stays in bronze', async () => {
  const t = tempDir('lakec-cli-');
  try {
    const file = join(t.dir, 'd.csv');
    writeFileSync(file, SMOKE_DELIVERY.replace('DEPOSIT,2024-01-10', '"DEP\nOSIT",2024-01-10'));
    const r = await lakec('run', 'mortgages.transactions', file, '--engine', 'duckdb', '--lake', join(t.dir, 'lake'), '--json');
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out) as { status: string; message: string; delivery: { bronze_key: string } };
    expect(s.status).toBe('failed');
    expect(s.message).toMatch(/record 2 has a quoted cell that is not closed on its line/);
    expect(readFileSync(join(t.dir, 'lake', s.delivery.bronze_key), 'utf8')).toContain('"DEP\nOSIT"');
    // The TypeScript engine takes it from bronze (a backfill run).
    const again = await lakec('run', 'mortgages.transactions', s.delivery.bronze_key, '--lake', join(t.dir, 'lake'), '--json');
    expect(JSON.parse(again.out).status).toBe('published');
  } finally {
    t.cleanup();
  }
});

test('lakec backfill: deliveries of the months again, in arrival order, on either local engine; usage errors', async () => {
  const t = tempDir('lakec-cli-');
  try {
    const lake = join(t.dir, 'lake');
    const file = join(t.dir, 'd.csv');
    writeFileSync(file, SMOKE_DELIVERY);
    expect((await lakec('run', 'mortgages.transactions', file, '--lake', lake, '--json')).code).toBe(0);
    writeFileSync(file, `${SMOKE_DELIVERY}S9,ACC000009,9.00,GBP,FEE,2024-04-01T00:00:00Z\n`);
    expect((await lakec('run', 'mortgages.transactions', file, '--lake', lake, '--json')).code).toBe(0);
    const month = new Date().toISOString().slice(0, 7);
    const duck = await lakec('backfill', 'mortgages.transactions', '--from', month, '--to', month, '--engine', 'duckdb', '--lake', lake, '--json');
    expect(duck.code).toBe(0);
    const out = JSON.parse(duck.out) as { deliveries: number; runs: { status: string; run_id: string; superseded: string[]; rows_silver: number; rows_condemned: number }[] };
    expect(out.deliveries).toBe(2);
    expect(out.runs.map((r) => r.status)).toEqual(['published', 'published']);
    expect(out.runs.every((r) => /_BACKFILL(_[0-9]+)?$/.test(r.run_id) && r.superseded.length === 1)).toBe(true);
    // The second delivery repeats the first's rows: against the first's backfill run, they are duplicates.
    expect(out.runs[1]!.rows_silver).toBe(1);
    const ts = await lakec('backfill', 'mortgages.transactions', '--from', '2000-01', '--to', '2000-02', '--lake', lake);
    expect(ts.code).toBe(0);
    expect(ts.err).toMatch(/no deliveries of mortgages\.transactions@v1 arrived from 2000-01 to 2000-02/);
    for (const [args, message] of [
      [['--from', '2024-01'], /--from and --to are required/],
      [['--from', '2024-13', '--to', '2024-12'], /`2024-13` is not a month/],
      [['--from', '2024-03', '--to', '2024-01'], /--from 2024-03 is after --to 2024-01/],
      [['--from', '2024-01', '--to', '2024-02', '--engine', 'athena'], /--engine athena needs --env ENV/],
    ] as const) {
      const r = await lakec('backfill', 'mortgages.transactions', ...args, '--lake', lake);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    }
  } finally {
    t.cleanup();
  }
});

test("the build's hostile contract: keywords as names, every type, `\\N` nulls — both engines route its rows alike", async () => {
  const m = loadModel(join(REPO_ROOT, 'test', 'golden', 'build', 'hostile', 'input'));
  const d = datasetsOf(m)[0]!;
  const mod = moduleOf(d);
  const header = d.columns.map((c) => c.sourceName).join(';');
  const sample: Record<string, string[]> = {};
  for (const c of d.columns) {
    switch (c.type.kind) {
      case 'string':
        sample[c.name] = c.pattern ? ['STL-2024-ABCD1234', 'bad'] : c.allowed ? [c.allowed[0]!, 'zzz'] : ['x', '"a;b"', '\\N'];
        break;
      case 'bigint':
      case 'int':
        sample[c.name] = ['1', '0', '-5', 'NULL'];
        break;
      case 'decimal':
        sample[c.name] = ['1.5', '123456789012345678901234567.0123456789', '1.00000000001'];
        break;
      case 'double':
        sample[c.name] = ['0.5', '-1', '1e3'];
        break;
      case 'boolean':
        sample[c.name] = ['true', 'false', 'yes'];
        break;
      case 'date':
      case 'timestamp':
        sample[c.name] = c.allowed ? [...c.allowed] : (c.min ? [c.min, '2024-02-30', ''] : ['x']);
        break;
    }
  }
  const lines = [header];
  for (let i = 0; i < 24; i++) lines.push(d.columns.map((c, k) => (c.unique ? `STL-2024-${String(i % 20).padStart(8, '0')}` : sample[c.name]![(i + k) % sample[c.name]!.length]!)).join(';'));
  const t = tempDir('lakec-cli-');
  try {
    const file = deliveryFile(t.dir, `${lines.join('\n')}\n`);
    const ts = await runOn('ts', d, mod, join(t.dir, 'ts'), { kind: 'file', path: file });
    const duck = await runOn('duckdb', d, mod, join(t.dir, 'duck'), { kind: 'file', path: file });
    expect(comparable(duck)).toEqual(comparable(ts));
    expect(ts.summary.rows_in).toBe(24);
  } finally {
    t.cleanup();
  }
});
