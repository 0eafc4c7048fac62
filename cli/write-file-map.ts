import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FileMap } from '../generators/file-map';
import { UserError } from './command';

/** Lists what the last build wrote, so the next one can remove files whose contract is gone. */
const MARKER = '.lakec-build.json';

/**
 * Writes a generator's file map under `outDir` — the only place generated files reach the disk. The
 * directory is lakec's: files of the previous build that are no longer generated are removed, and a
 * non-empty directory that lakec did not write is refused.
 */
export function writeFileMap(outDir: string, files: FileMap): { written: number; removed: number } {
  const root = resolve(outDir);
  const markerPath = join(root, MARKER);
  let previous: string[] = [];
  if (existsSync(root)) {
    if (existsSync(markerPath)) {
      previous = (JSON.parse(readFileSync(markerPath, 'utf8')) as { files: string[] }).files;
    } else if (readdirSync(root).some((entry) => !existsSync(join(root, entry, MARKER)))) {
      // (A folder whose entries are all lakec-written folders, e.g. build/ holding only `lakec docs`' build/docs/, is fine.)
      throw new UserError(`\`${outDir}\` is not empty and was not written by lakec build; choose another --out or empty it`);
    }
  }
  const paths = [...files.keys()].sort();
  for (const p of paths) {
    if (p.startsWith('/') || p.split('/').includes('..')) throw new Error(`generator produced an unsafe path: ${p}`);
  }
  let removed = 0;
  const keep = new Set(paths);
  for (const p of previous) {
    if (!keep.has(p) && existsSync(join(root, p))) {
      rmSync(join(root, p));
      removed++;
    }
  }
  // Generated files are cheap to rewrite and the marker is written last, so files are written in place
  // (no temp + rename: a build writes thousands of small files). Unchanged files are left untouched.
  const made = new Set<string>();
  const fresh = previous.length === 0;
  for (const p of paths) {
    const target = join(root, p);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const contents = files.get(p)!;
    if (!fresh && existsSync(target) && readFileSync(target, 'utf8') === contents) continue;
    writeFileSync(target, contents);
  }
  writeFileSync(markerPath, `${JSON.stringify({ generatedBy: 'lakec build', files: paths }, null, 2)}\n`);
  return { written: paths.length, removed };
}
