import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The script of a worker thread: `{name}.js` beside the module that starts it (dist/, a Lambda bundle), or
 * — when running from TypeScript sources (tests) — `{name}.ts` bundled once with esbuild into
 * node_modules/.cache/lakec, keyed by the hash of `sources`, so packages resolve from the project's
 * node_modules. Undefined when neither exists (the caller works on its own thread).
 */
export function workerScript(dir: string, name: string, sources: readonly string[]): string | undefined {
  const compiled = join(dir, `${name}.js`);
  if (existsSync(compiled)) return compiled;
  const source = join(dir, `${name}.ts`);
  if (!existsSync(source)) return undefined;
  try {
    const key = createHash('sha256')
      .update(Buffer.concat([source, ...sources.map((f) => join(dir, f))].map((f) => readFileSync(f))))
      .digest('hex')
      .slice(0, 16);
    let root = dir;
    while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
    const cacheDir = join(root, 'node_modules', '.cache', 'lakec');
    const out = join(cacheDir, `${name}-${key}.js`);
    if (!existsSync(out)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const esbuild = require('esbuild') as typeof import('esbuild');
      const result = esbuild.buildSync({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, result.outputFiles[0]!.contents);
      renameSync(tmp, out);
    }
    return out;
  } catch {
    return undefined;
  }
}
