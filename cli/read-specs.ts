import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ContractFile } from '../generators/contract/compile-contracts';

export class SpecsDirError extends Error {}

/**
 * Every `*.yaml` / `*.yml` under the specs directory, skipping folders and files whose names start with
 * `_` or `.` (the JSON Schema lives in `_schema/`). Paths print as the user named the directory.
 */
export function readContractFiles(specsDir: string): ContractFile[] {
  let st;
  try {
    st = statSync(specsDir);
  } catch {
    throw new SpecsDirError(`specs directory \`${specsDir}\` does not exist`);
  }
  if (!st.isDirectory()) throw new SpecsDirError(`\`${specsDir}\` is not a directory`);
  const out: ContractFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) {
        out.push({ path: full, relPath: relative(specsDir, full).split(sep).join('/'), bytes: readFileSync(full) });
      }
    }
  };
  walk(specsDir);
  return out;
}
