import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { FileMap } from '../generators/file-map';
import { EXIT } from './command';

/** The repository root of `dir` (git's top level), or `dir` itself outside git. */
export function repositoryRoot(dir: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8').trim();
  } catch {
    return resolve(dir);
  }
}

/** `dir` relative to the repository root, `/`-separated ('' for the root itself). */
export function repositoryPath(root: string, dir: string): string {
  return relative(root, resolve(dir)).split(sep).join('/');
}

/**
 * Generated files that are committed (CODEOWNERS, workflows): written under the repository root, or with
 * `check` compared with what is there — exit 1 naming each stale file and the command that regenerates it.
 */
export function writeOrCheckCommitted(root: string, files: FileMap, check: boolean, regenerate: string): number {
  const stale: string[] = [];
  for (const [path, contents] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = join(root, path);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === contents) continue;
    if (check) {
      stale.push(current === undefined ? `${path} is missing` : `${path} is out of date${firstDifference(current, contents)}`);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    writeFileSync(tmp, contents);
    renameSync(tmp, target);
    process.stdout.write(`wrote ${path}\n`);
  }
  if (stale.length) {
    for (const s of stale) process.stderr.write(`${s}\n`);
    process.stderr.write(`Run \`${regenerate}\` and commit the result.\n`);
    return EXIT.failure;
  }
  if (check) process.stdout.write(`ok: ${[...files.keys()].join(', ')} current\n`);
  return EXIT.ok;
}

function firstDifference(current: string, wanted: string): string {
  const a = current.split('\n');
  const b = wanted.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return ` (line ${i + 1}: committed ${JSON.stringify(a[i] ?? '')}, generated ${JSON.stringify(b[i] ?? '')})`;
  }
  return '';
}
