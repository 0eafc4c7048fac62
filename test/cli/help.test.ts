import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/specs';

const run = (args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'lakec.js'), ...args], { encoding: 'utf8' });

test('lakec --help loads no provider, SDK, DuckDB or Parquet module (so it answers at once)', () => {
  const probe = `
    require(${JSON.stringify(join(REPO_ROOT, 'dist', 'cli', 'main.js'))}).main(['--help']).then(() => {
      const heavy = Object.keys(require.cache).filter((m) => /node_modules[\\\\/](@duckdb|cdktf|@cdktf|@aws-sdk|parquet-wasm|apache-arrow|constructs|esbuild|handlebars)[\\\\/]/.test(m));
      process.stderr.write(JSON.stringify(heavy));
    });`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^lakec — /);
  expect(JSON.parse(r.stderr)).toEqual([]);
});

test('unknown commands and options are usage errors with a hint, exit 2', () => {
  const r = run(['chek']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/unknown command `chek` \(did you mean `check`\?\)/);
  const o = run(['check', '--spec', 'x']);
  expect(o.status).toBe(2);
  expect(o.stderr).toMatch(/unknown option `--spec` \(did you mean `--specs`\?\)/);
});

test('a missing specs directory is a plain error, exit 1', () => {
  const r = run(['check', '--specs', join(REPO_ROOT, 'no-such-dir')]);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/specs directory .* does not exist/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
});
