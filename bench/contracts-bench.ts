import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measureCase } from './measure';
import { writeSyntheticContracts } from './synthetic-contracts';

/** Issue 2's figure: check + build of N generated contracts (N = 100, 500, 2000), wall seconds and peak RSS. */
export const benchmark = {
  summary: 'lakec check + lakec build of N generated contracts (target: 500 under 3 s and 400 MB)',
  async run(): Promise<void> {
    process.stdout.write('     N   check s   build s   total s   peak RSS MiB   ms/contract\n');
    const phases: string[] = [];
    // Every size's folders are removed at the end, not between sizes: on this machine's ext4 (no journal)
    // creating a file first skips every inode deleted in the last minutes, so deleting one size's 3,000
    // files just before the next size's build would make its file writes many times slower (3,251 empty
    // files: 0.1 s in a fresh folder, 1.5 s after deleting as many). Deletions by anything else (a test
    // run, the last benchmark run) slow them too: the time to create 1,000 empty files, printed under
    // the tables, tells how much.
    const dirs: string[] = [];
    const fileCreation: string[] = [];
    try {
      for (const n of [100, 500, 2000]) {
        const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-contracts-'));
        dirs.push(dir);
        fileCreation.push(`${fmt(createEmptyFiles(join(dir, 'empty-files'), 1000), 3)} s before N = ${n}`);
        const specs = join(dir, 'specs');
        writeSyntheticContracts(specs, n);
        const check = await measureCase('cli', ['check', '--specs', specs]);
        const build = await measureCase('cli', ['build', '--specs', specs, '--out', join(dir, 'out')]);
        const total = check.wallSeconds + build.wallSeconds;
        const rss = Math.max(check.peakRssMiB, build.peakRssMiB);
        process.stdout.write(`${String(n).padStart(6)}   ${fmt(check.wallSeconds).padStart(7)}   ${fmt(build.wallSeconds).padStart(7)}   ${fmt(total).padStart(7)}   ${fmt(rss, 0).padStart(12)}   ${fmt((total * 1000) / n, 2).padStart(11)}\n`);
        // The build again, into another new folder, timed phase by phase in its process.
        const p = (await measureCase('build-phases', [specs, join(dir, 'out-phases')])).report as Record<'check' | 'generate' | 'write' | 'files' | 'megabytes', number>;
        phases.push(`${String(n).padStart(6)}   ${fmt(p.check).padStart(7)}   ${fmt(p.generate).padStart(10)}   ${fmt(p.write).padStart(7)}   ${String(p.files).padStart(7)}   ${fmt(p.megabytes, 1).padStart(6)}\n`);
      }
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
    process.stdout.write('\nlakec build phase by phase (a second build, in one process; generate and write alternate, contract by contract):\n     N   check s   generate s   write s     files       MB\n');
    for (const line of phases) process.stdout.write(line);
    process.stdout.write(`\nCreating 1,000 empty files in the benchmark's folder took ${fileCreation.join(', ')} (about 0.03 s on a quiet disk).\n`);
  },
};

/** Seconds to create `count` empty files in a new folder `dir` (a measure of the disk, not of lakec). */
function createEmptyFiles(dir: string, count: number): number {
  mkdirSync(dir);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) closeSync(openSync(join(dir, `f${i}`), 'w'));
  return Number(process.hrtime.bigint() - started) / 1e9;
}
