import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import type { ContractFile } from '../generators/contract/compile-contracts';
import { UserError } from './command';

export interface GitSpecs {
  /** The repository's top-level directory. */
  readonly root: string;
  /** The specs directory relative to the repository root, `/`-separated with a trailing `/` ('' at the root). */
  readonly prefix: string;
}

function git(cwd: string, args: readonly string[], input?: Buffer): Buffer {
  return execFileSync('git', args, { cwd, input, maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

function gitText(cwd: string, args: readonly string[]): string {
  return git(cwd, args).toString('utf8').trim();
}

/** The repository that holds `specsDir`, and where in it the specs live. */
export function locateSpecs(specsDir: string): GitSpecs {
  let dir: string;
  try {
    dir = realpathSync(specsDir);
  } catch {
    throw new UserError(`specs directory \`${specsDir}\` does not exist`);
  }
  try {
    const root = gitText(dir, ['rev-parse', '--show-toplevel']);
    const prefix = gitText(dir, ['rev-parse', '--show-prefix']);
    return { root, prefix };
  } catch {
    throw new UserError(`\`${specsDir}\` is not inside a git repository; lakec diff reads the base contracts with git`);
  }
}

/** The commit a ref names, or a UserError naming the ref. */
export function resolveCommit(specs: GitSpecs, ref: string): string {
  if (ref.startsWith('-')) throw new UserError(`\`${ref}\` is not a git ref`);
  try {
    return gitText(specs.root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw new UserError(`unknown git ref \`${ref}\`; in CI, fetch the base branch first (actions/checkout with fetch-depth: 0)`);
  }
}

export interface SpecsAtCommit {
  /** False when the commit has no specs directory at all. */
  readonly exists: boolean;
  readonly files: ContractFile[];
}

/**
 * The contract files at a commit, chosen exactly as `lakec check` chooses them in the working tree
 * (`*.yaml`/`*.yml`, no path segment starting with `_` or `.`), read with `git ls-tree` and one
 * `git cat-file --batch`. Diagnostics name them `REF:path`, as git does.
 */
export function readContractFilesAt(specs: GitSpecs, commit: string, label: string): SpecsAtCommit {
  const listing = git(specs.root, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...(specs.prefix ? [specs.prefix] : [])]).toString('utf8');
  const entries: { oid: string; path: string; relPath: string }[] = [];
  let exists = specs.prefix === '';
  for (const record of listing.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    if (!path.startsWith(specs.prefix)) continue;
    exists = true;
    const relPath = path.slice(specs.prefix.length);
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
    if (relPath.split('/').some((segment) => segment.startsWith('_') || segment.startsWith('.'))) continue;
    if (!/\.ya?ml$/.test(relPath)) continue;
    entries.push({ oid: oid!, path, relPath });
  }
  entries.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  if (entries.length === 0) return { exists, files: [] };
  const out = git(specs.root, ['cat-file', '--batch'], Buffer.from(entries.map((e) => `${e.oid}\n`).join('')));
  const files: ContractFile[] = [];
  let offset = 0;
  for (const entry of entries) {
    const newline = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, newline).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[0] !== entry.oid || !Number.isInteger(size)) throw new Error(`unexpected git cat-file output for ${entry.path}: ${header.join(' ')}`);
    const bytes = out.subarray(newline + 1, newline + 1 + size);
    files.push({ path: `${label}:${entry.path}`, relPath: entry.relPath, bytes: new Uint8Array(bytes) });
    offset = newline + 1 + size + 1;
  }
  return { exists: true, files };
}
