import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** `UPDATE_GOLDEN=1 npx jest …` rewrites expected files; review the diff before committing. */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Compares a whole generated file map with a committed golden directory: same file list, same bytes.
 * With UPDATE_GOLDEN=1 the directory is rewritten instead.
 */
export function expectMatchesGoldenDir(actual: ReadonlyMap<string, string>, expectedDir: string): void {
  if (UPDATE_GOLDEN) {
    rmSync(expectedDir, { recursive: true, force: true });
    for (const [path, contents] of actual) {
      const target = join(expectedDir, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, contents);
    }
    return;
  }
  const expectedFiles = listFiles(expectedDir);
  expect([...actual.keys()].sort()).toEqual(expectedFiles);
  for (const path of expectedFiles) {
    const want = readFileSync(join(expectedDir, path), 'utf8');
    const got = actual.get(path);
    if (got !== want) {
      // toEqual on the single file gives a readable line diff.
      expect({ path, contents: got }).toEqual({ path, contents: want });
    }
  }
}

/** One expected text file (e.g. diagnostics), rewritten under UPDATE_GOLDEN=1. */
export function expectMatchesGoldenFile(actual: string, expectedFile: string): void {
  if (UPDATE_GOLDEN || !existsSync(expectedFile)) {
    if (!UPDATE_GOLDEN) throw new Error(`golden file ${expectedFile} is missing; run with UPDATE_GOLDEN=1 and review it`);
    mkdirSync(dirname(expectedFile), { recursive: true });
    writeFileSync(expectedFile, actual);
    return;
  }
  expect(actual).toEqual(readFileSync(expectedFile, 'utf8'));
}
