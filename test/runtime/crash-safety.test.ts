import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { prng } from '../../bench/synthetic-contracts';
import { LakeKeys } from '../../runtime/lake-keys';
import { readPublished } from '../../runtime/publish/silver-published';
import { LocalStorage } from '../../runtime/storage/local-storage';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { cliBundle } from './support/bundle';
import { dataset, moduleOf, query, tempDir } from './support/lake';

/**
 * Crash safety (issue 4): `lakec run` killed with SIGKILL at random points — while copying to bronze,
 * writing Parquet, writing the manifest, publishing — never leaves a partial run visible to `lakec query`,
 * never damages bronze, and the next run succeeds. The delivery is the same each time, so a run that did
 * publish before the kill is replaced by the next one, never counted twice.
 */
// The example contract with a circuit breaker that the repeated runs of a 2 % bad delivery do not trip.
const specs = tempDir('lakec-crash-specs-');
mkdirSync(join(specs.dir, 'mortgages'));
writeFileSync(join(specs.dir, 'mortgages', 'transactions.yaml'), readFileSync(join(EXAMPLE_SPECS, 'mortgages', 'transactions.yaml'), 'utf8').replace('circuit_breaker_per_hour: 100', 'circuit_breaker_per_hour: 1000000'));
afterAll(() => specs.cleanup());
const m = loadModel(specs.dir);
const keys = new LakeKeys(moduleOf(dataset(m, 'mortgages.transactions')).descriptor);

function delivery(rows: number, seed: number): string {
  const rnd = prng(seed);
  const lines = ['transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp'];
  for (let i = 0; i < rows; i++) {
    const month = 1 + Math.floor(rnd() * 12);
    const bad = rnd() < 0.02;
    lines.push(`T${seed}-${i},ACC${String(Math.floor(rnd() * 1e6)).padStart(6, '0')},${bad ? '1.000' : (rnd() * 2000 - 1000).toFixed(2)},EUR,DEPOSIT,2024-${String(month).padStart(2, '0')}-15T10:00:00Z`);
  }
  return `${lines.join('\n')}\n`;
}

function runCli(args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBundle(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', () => undefined);
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout });
    });
  });
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Every visible (not dot-named) file under a folder, relative. */
function visibleFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out;
}

test('SIGKILL at random points never leaves a partial run visible, bronze stays intact, and the next run succeeds', async () => {
  const t = tempDir();
  try {
    const lake = join(t.dir, 'lake');
    const first = join(t.dir, 'first.csv');
    const file = join(t.dir, 'delivery.csv');
    writeFileSync(first, delivery(2000, 1));
    writeFileSync(file, delivery(40000, 2));
    const args = (f: string) => ['run', 'mortgages.transactions', f, '--lake', lake, '--specs', specs.dir, '--json'];

    // A published run before the crashes, and how long a full run takes here.
    expect((await runCli(args(first))).code).toBe(0);
    const firstBronze = visibleFiles(join(lake, 'bronze'));
    const firstSums = firstBronze.map((f) => sha(join(lake, 'bronze', f)));
    const baseline = Number((await query(m, lake, 'select count(*) as n from silver_mortgages.transactions_v1'))[0]!.n);
    const baselineQuarantine = Number((await query(m, lake, 'select count(*) as n from quarantine_mortgages.transactions_v1'))[0]!.n);
    const started = Date.now();
    const full = await runCli(args(file));
    expect(full.code).toBe(0);
    const duration = Date.now() - started;
    const complete = JSON.parse(full.stdout) as { rows_silver: number; rows_quarantined: number; rows_condemned: number };
    const expectedSilver = baseline + complete.rows_silver;

    const rnd = prng(7);
    const storage = new LocalStorage(lake);
    let killed = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      // From early (copying to bronze) to past the usual end (publishing).
      const at = Math.floor(100 + rnd() * duration * 1.2);
      const r = await runCli(args(file), at);
      if (r.signal === 'SIGKILL') killed++;

      // Readers see exactly the published runs, each complete: the earlier state or the finished one.
      const n = Number((await query(m, lake, 'select count(*) as n from silver_mortgages.transactions_v1'))[0]!.n);
      expect(n).toBe(expectedSilver);
      const published = (await readPublished(storage, keys.published))!;
      for (const run of published.runs) {
        expect(existsSync(join(lake, keys.runFile(run.run_id, '_SUCCESS')))).toBe(true);
        for (const p of run.partitions) for (const f of p.files) expect(statSync(join(lake, f)).size).toBeGreaterThan(0);
      }
      expect(Number((await query(m, lake, 'select count(*) as n from quarantine_mortgages.transactions_v1'))[0]!.n)).toBe(baselineQuarantine + complete.rows_quarantined);

      // Bronze: earlier deliveries unchanged; every visible copy of this delivery is whole.
      expect(firstBronze.map((f) => sha(join(lake, 'bronze', f)))).toEqual(firstSums);
      for (const f of visibleFiles(join(lake, 'bronze'))) {
        if (!firstBronze.includes(f)) expect(sha(join(lake, 'bronze', f))).toBe(sha(file));
      }
    }
    expect(killed).toBeGreaterThan(2);

    // Running again succeeds and replaces the earlier runs of this delivery: nothing counted twice.
    const again = await runCli(args(file));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'published', rows_silver: complete.rows_silver });
    expect(Number((await query(m, lake, 'select count(*) as n from silver_mortgages.transactions_v1'))[0]!.n)).toBe(expectedSilver);
  } finally {
    t.cleanup();
  }
}, 240_000);
