import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measureCase } from './measure';
import { writeSyntheticContracts } from './synthetic-contracts';

/**
 * Issue 3's figure: synthesizing every environment's stack from N generated dataset contracts (plus one
 * Gold contract per ten), wall seconds and peak RSS of the app `cdktf synth` runs, in a fresh process.
 * Target: 100 contracts under 10 s and 1 GB. Then the whole `npx cdktf synth` (CLI included) once.
 */
export const benchmark = {
  summary: 'cdktf synth of N generated contracts, every environment (target: 100 under 10 s and 1 GB)',
  async run(): Promise<void> {
    process.stdout.write('     N   contracts   resources    JSON MiB    synth s   peak RSS MiB   ms/contract\n');
    for (const n of [10, 100, 500]) {
      const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-synth-'));
      try {
        const specs = join(dir, 'specs');
        writeSyntheticContracts(specs, n);
        const m = await measureCase('synth', [specs, join(dir, 'out')]);
        const r = m.report as { contracts: number; resources: number; bytes: number };
        process.stdout.write(
          `${String(n).padStart(6)}   ${String(r.contracts).padStart(9)}   ${String(r.resources).padStart(9)}   ${fmt(r.bytes / 1024 ** 2, 1).padStart(9)}   ${fmt(m.wallSeconds).padStart(8)}   ${fmt(m.peakRssMiB, 0).padStart(12)}   ${fmt((m.wallSeconds * 1000) / n, 1).padStart(11)}\n`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-cdktf-'));
    try {
      const specs = join(dir, 'specs');
      writeSyntheticContracts(specs, 100);
      const started = process.hrtime.bigint();
      const cli = spawnSync('npx', ['--no-install', 'cdktf', 'synth', '--output', join(dir, 'cdktf.out')], {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, CHECKPOINT_DISABLE: '1', LAKEC_SPECS: specs },
        encoding: 'utf8',
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (cli.status !== 0) throw new Error(`cdktf synth failed: ${cli.stderr || cli.stdout}`);
      process.stdout.write(`npx cdktf synth (CLI and app, 100 contracts): ${fmt(seconds)} s\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
