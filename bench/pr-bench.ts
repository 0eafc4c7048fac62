import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measureCase } from './measure';
import { writeSyntheticContracts } from './synthetic-contracts';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.com' } });
}

/**
 * Issue 6's commands at scale: N generated contracts committed in a git repository, one in ten then edited
 * (a description, a relaxed rule), and `lakec diff`, `lakec docs`, `lakec export odcs` and
 * `lakec codeowners` timed in fresh processes.
 */
export const benchmark = {
  summary: 'lakec diff / docs / export odcs / codeowners on N generated contracts (1 in 10 edited)',
  async run(): Promise<void> {
    process.stdout.write('     N    diff s    docs s  export s  owners s   peak RSS MiB\n');
    for (const n of [100, 500]) {
      const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-pr-'));
      try {
        const specs = join(dir, 'specs');
        writeSyntheticContracts(specs, n);
        git(dir, 'init', '-q', '-b', 'main');
        git(dir, 'add', '-A');
        git(dir, 'commit', '-q', '-m', 'base');
        let edited = 0;
        for (const domain of readdirSync(specs).filter((d) => d.startsWith('domain_'))) {
          for (const file of readdirSync(join(specs, domain))) {
            if (edited++ % 10 !== 0) continue;
            const path = join(specs, domain, file);
            writeFileSync(path, readFileSync(path, 'utf8').replace(/^description: (.*)$/m, 'description: $1 (edited)'));
          }
        }
        const diff = await measureCase('diff-exit', ['diff', '--base', 'main', '--specs', specs, '--format', 'markdown']);
        const docs = await measureCase('cli', ['docs', '--specs', specs, '--out', join(dir, 'docs')]);
        const odcs = await measureCase('cli', ['export', 'odcs', '--specs', specs, '--out', join(dir, 'odcs')]);
        const owners = await measureCase('cli', ['codeowners', '--specs', specs]);
        const rss = Math.max(diff.peakRssMiB, docs.peakRssMiB, odcs.peakRssMiB, owners.peakRssMiB);
        process.stdout.write(
          `${String(n).padStart(6)}   ${fmt(diff.wallSeconds).padStart(7)}   ${fmt(docs.wallSeconds).padStart(7)}   ${fmt(odcs.wallSeconds).padStart(7)}   ${fmt(owners.wallSeconds).padStart(7)}   ${fmt(rss, 0).padStart(12)}\n`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  },
};
