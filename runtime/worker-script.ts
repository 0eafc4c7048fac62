import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The script of a worker thread: `{name}.js` beside the module that starts it (dist/, a Lambda bundle), or
 * — when running from TypeScript sources (tests) — `{name}.ts` bundled with esbuild into
 * node_modules/.cache/lakec, so packages resolve from the project's node_modules. The bundle is reused
 * while every source file it was built from is unchanged (esbuild's list of inputs is kept beside it).
 * Undefined when neither exists (the caller works on its own thread).
 */
export function workerScript(dir: string, name: string): string | undefined {
  const compiled = join(dir, `${name}.js`);
  if (existsSync(compiled)) return compiled;
  const source = join(dir, `${name}.ts`);
  if (!existsSync(source)) return undefined;
  try {
    let root = dir;
    while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
    const cacheDir = join(root, 'node_modules', '.cache', 'lakec');
    const base = join(cacheDir, `${name}-${hash(source).slice(0, 12)}`);
    const inputsFile = `${base}.inputs.json`;
    if (existsSync(`${base}.js`) && existsSync(inputsFile)) {
      const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as Record<string, string>;
      if (Object.entries(inputs).every(([file, digest]) => existsSync(file) && hash(readFileSync(file)) === digest)) return `${base}.js`;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const result = esbuild.buildSync({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, metafile: true, logLevel: 'silent', absWorkingDir: root });
    const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((f) => [resolve(root, f), hash(readFileSync(resolve(root, f)))]));
    mkdirSync(cacheDir, { recursive: true });
    // Written beside and renamed, so a concurrent test process never reads half a file.
    const tmp = `.${process.pid}.tmp`;
    writeFileSync(`${base}.js${tmp}`, result.outputFiles[0]!.contents);
    writeFileSync(`${inputsFile}${tmp}`, JSON.stringify(inputs));
    renameSync(`${base}.js${tmp}`, `${base}.js`);
    renameSync(`${inputsFile}${tmp}`, inputsFile);
    return `${base}.js`;
  } catch {
    return undefined;
  }
}

function hash(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
