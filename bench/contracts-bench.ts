import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measureCase } from './measure';
import { writeSyntheticContracts } from './synthetic-contracts';

/** Issue 2's figure: check + build of N generated contracts (N = 100, 500, 2000), wall seconds and peak RSS. */
export const benchmark = {
  summary: 'lakec check + lakec build of N generated contracts (target: 500 under 3 s and 400 MB)',
  async run(): Promise<void> {
    process.stdout.write('     N   check s   build s   total s   peak RSS MiB   ms/contract\n');
    for (const n of [100, 500, 2000]) {
      const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-contracts-'));
      try {
        const specs = join(dir, 'specs');
        writeSyntheticContracts(specs, n);
        const check = await measureCase('cli', ['check', '--specs', specs]);
        const build = await measureCase('cli', ['build', '--specs', specs, '--out', join(dir, 'out')]);
        const total = check.wallSeconds + build.wallSeconds;
        const rss = Math.max(check.peakRssMiB, build.peakRssMiB);
        process.stdout.write(
          `${String(n).padStart(6)}   ${fmt(check.wallSeconds).padStart(7)}   ${fmt(build.wallSeconds).padStart(7)}   ${fmt(total).padStart(7)}   ${fmt(rss, 0).padStart(12)}   ${fmt((total * 1000) / n, 2).padStart(11)}\n`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  },
};
