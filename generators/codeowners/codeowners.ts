import { compareStrings } from '../contract/diagnostic';
import type { LakeModel } from '../contract/lake-model';
import type { FileMap } from '../file-map';
import { renderTemplate } from '../text-template';

/** Where GitHub reads code owners from (the first of its three places). */
export const CODEOWNERS_PATH = '.github/CODEOWNERS';

export interface CodeownersConfig {
  /** The specs directory relative to the repository root, `/`-separated, e.g. `dataset-specs`. */
  readonly specsPath: string;
}

/**
 * A path as a CODEOWNERS pattern that matches exactly that path: anchored at the repository root, with
 * gitignore's special characters (space, `#`, `!`, `*`, `?`, `[`, `\`) escaped. The one quoting for CODEOWNERS.
 */
export function codeownersPattern(repoPath: string): string {
  if (/[\u0000-\u001f\u007f]/.test(repoPath)) throw new Error(`control character in a path for CODEOWNERS: ${JSON.stringify(repoPath)}`);
  return `/${repoPath.replace(/^\/+/, '').replace(/[\\ #!*?[\]]/g, (c) => `\\${c}`)}`;
}

/** An owner as CODEOWNERS wants it: `@user`, `@org/team` or an e-mail address (what `lakec check` accepts). */
function owner(reviewer: string): string {
  if (!/^(@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/.test(reviewer)) {
    throw new Error(`not a CODEOWNERS owner: ${JSON.stringify(reviewer)}`);
  }
  return reviewer;
}

function union(lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const r of list) if (!out.includes(r)) out.push(r);
  return out;
}

/**
 * `.github/CODEOWNERS` from the contracts: each contract file is owned by its reviewers. Each folder of
 * contracts is also owned by the reviewers of all its contracts, so that a new contract file (which GitHub
 * matches against the base branch's CODEOWNERS) already asks someone who owns its neighbours. The last
 * matching line wins, so folders come first.
 */
export function generateCodeowners(model: LakeModel, config: CodeownersConfig): FileMap {
  const prefix = config.specsPath.replace(/^\/+|\/+$/g, '');
  const repoPath = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  const byFolder = new Map<string, string[][]>();
  for (const c of model.contracts) {
    const folder = c.file.includes('/') ? c.file.slice(0, c.file.lastIndexOf('/') + 1) : '';
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), [...c.owners.reviewers]]);
  }
  const folders = [...byFolder.entries()]
    .filter(([folder]) => folder !== '')
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([folder, lists]) => ({ pattern: codeownersPattern(repoPath(folder)), owners: union(lists).map(owner).join(' ') }));
  const files = [...model.contracts]
    .sort((a, b) => compareStrings(a.file, b.file))
    .map((c) => ({ pattern: codeownersPattern(repoPath(c.file)), owners: c.owners.reviewers.map(owner).join(' ') }));
  const text = renderTemplate('github/CODEOWNERS.hbs', 'text', { specsPath: codeownersPattern(prefix ? `${prefix}/` : ''), folders, files });
  return new Map([[CODEOWNERS_PATH, text]]);
}
