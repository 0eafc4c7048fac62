import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DIGEST_WORKER } from '../digest/digest-pool';
import { ENCODER_WORKER } from '../parquet/encoder-pool';
import { REGISTRY_FILE } from './handler';

/**
 * The Lambda's code as a folder (for the stack to zip), built with esbuild, offline and deterministic:
 * - `index.js`            runtime/lambda/handler.ts bundled (entry: `index.handler`)
 * - `parquet-worker.js`   the Parquet encoder thread, and `parquet_wasm_bg.wasm` it loads from beside it
 * - `digest-worker.js`    the SHA-256 thread
 * - `registry.js`         the build's dataset modules (`lakec build` writes validators/registry.ts)
 * Returns the files written. The generated dataset modules import types only, so registry.js is
 * self-contained.
 */
export function buildLambdaAsset(options: { readonly outDir: string; readonly registry: string }): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const runtimeDir = dirname(__dirname);
  // The project's TypeScript sources when it has them, also when this runs compiled (dist/): the bundle's
  // bytes must not depend on whether cdktf or a test built it first.
  let root = __dirname;
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  const source = (dir: string, name: string) => {
    const ts = join(root, 'runtime', dir, `${name}.ts`);
    return existsSync(ts) ? ts : join(runtimeDir, dir, `${name}.js`);
  };
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent', legalComments: 'none', sourcemap: false } as const;
  const entries: [string, string][] = [
    [source('lambda', 'handler'), 'index.js'],
    [source('parquet', ENCODER_WORKER), `${ENCODER_WORKER}.js`],
    [source('digest', DIGEST_WORKER), `${DIGEST_WORKER}.js`],
    [options.registry, REGISTRY_FILE],
  ];
  for (const [entry, out] of entries) esbuild.buildSync({ ...common, entryPoints: [entry], outfile: join(options.outDir, out) });
  const wasm = require.resolve('parquet-wasm/node/parquet_wasm_bg.wasm');
  copyFileSync(wasm, join(options.outDir, 'parquet_wasm_bg.wasm'));
  return [...entries.map(([, out]) => out), 'parquet_wasm_bg.wasm'].sort();
}
