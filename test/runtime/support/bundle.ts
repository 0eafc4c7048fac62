import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/specs';

/** A hash of the sources a bundle depends on, so a changed source makes a new bundle. */
function sourcesStamp(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) h.update(p).update(readFileSync(p));
    }
  };
  for (const d of ['cli', 'runtime', 'generators', 'test/runtime/support']) walk(join(REPO_ROOT, d));
  return h.digest('hex').slice(0, 16);
}

/**
 * The lakec CLI from current sources, bundled with esbuild into node_modules/.cache/lakec/cli-{hash}/
 * (packages stay external and resolve from the project) with its two worker threads beside it, as in a
 * build: for tests that run the real thing in a child process. Returns the entry script.
 */
export function cliBundle(): string {
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'lakec', `cli-${sourcesStamp()}`);
  const entry = join(dir, 'cli.js');
  if (existsSync(entry)) return entry;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'silent' } as const;
  esbuild.buildSync({ ...common, entryPoints: [join(REPO_ROOT, 'test/runtime/support/cli-child.ts')], outfile: join(tmp, 'cli.js') });
  esbuild.buildSync({ ...common, entryPoints: [join(REPO_ROOT, 'runtime/parquet/parquet-worker.ts')], outfile: join(tmp, 'parquet-worker.js') });
  esbuild.buildSync({ ...common, entryPoints: [join(REPO_ROOT, 'runtime/digest/digest-worker.ts')], outfile: join(tmp, 'digest-worker.js') });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return entry;
}
