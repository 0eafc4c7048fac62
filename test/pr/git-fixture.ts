import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXAMPLE_SPECS, REPO_ROOT } from '../support/specs';

/** The CLI as users run it: `node bin/lakec.js …` (from dist/, built by `npm test`'s tsc step). */
export function lakec(args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'lakec.js'), ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A throw-away git repository holding a copy of the example contracts, committed on `main` at fixed dates. */
export class GitFixture {
  readonly dir: string;

  constructor(withSpecs = true) {
    this.dir = mkdtempSync(join(tmpdir(), 'lakec-pr-'));
    this.git('init', '-q', '-b', 'main');
    if (withSpecs) {
      cpSync(EXAMPLE_SPECS, join(this.dir, 'dataset-specs'), { recursive: true });
      this.commit('example contracts');
    }
  }

  git(...args: string[]): string {
    const r = spawnSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Steward',
        GIT_AUTHOR_EMAIL: 'steward@example.com',
        GIT_COMMITTER_NAME: 'Steward',
        GIT_COMMITTER_EMAIL: 'steward@example.com',
        GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
      },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  write(rel: string, text: string): void {
    mkdirSync(dirname(this.path(rel)), { recursive: true });
    writeFileSync(this.path(rel), text);
  }

  remove(rel: string): void {
    rmSync(this.path(rel), { recursive: true, force: true });
  }

  /** Edits a file by exact replacement; fails when the text is not there (the fixture changed). */
  edit(rel: string, from: string, to: string): void {
    const text = this.read(rel);
    if (!text.includes(from)) throw new Error(`${rel} does not contain ${JSON.stringify(from)}`);
    this.write(rel, text.replace(from, to));
  }

  lakec(...args: string[]) {
    return lakec(args, this.dir);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
