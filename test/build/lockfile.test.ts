import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/specs';

/**
 * `npm ci` refuses a lock that names an optional dependency without an entry for it. The registry this
 * project is developed against lacks other platforms' binary packages, so after `npm install` run
 * `node .ci/lock-foreign-platforms.js` — this test says when that was forgotten.
 */
test('package-lock.json has an entry for every optional dependency it names', () => {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { optionalDependencies?: Record<string, string> }> };
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      const nested = `${key === '' ? 'node_modules' : `${key}/node_modules`}/${dep}`;
      if (!lock.packages[nested] && !lock.packages[`node_modules/${dep}`]) missing.push(dep);
    }
  }
  expect(missing).toEqual([]);
});

test('dependencies are pinned to exact versions', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const loose = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([, v]) => !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v));
  expect(loose).toEqual([]);
});
