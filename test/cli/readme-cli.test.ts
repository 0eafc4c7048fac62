import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/specs';

/** README's CLI table names every command the CLI has, so the documentation cannot fall behind. */
test('README lists every lakec command', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const cli = readme.slice(readme.indexOf('## CLI'), readme.indexOf('## Contracts'));
  const registry = readFileSync(join(REPO_ROOT, 'cli', 'main.ts'), 'utf8');
  const commands = [...registry.matchAll(/^\s+'?([a-z-]+)'?: \{ summary:/gm)].map((m) => m[1]!);
  expect(commands.length).toBeGreaterThan(5);
  for (const c of commands) expect(cli).toContain(`lakec ${c}`);
});
