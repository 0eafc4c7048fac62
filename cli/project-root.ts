import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** The lakec checkout or package this code runs from (works from sources and from dist/). */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lakec') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the lakec package.json above ' + __dirname);
    dir = up;
  }
}
