import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { datasetDescriptor } from '../../generators/validator/dataset-descriptor';
import { DESCRIPTOR_FILE } from '../../runtime/engine/backfill-handler';
import { deterministicZip } from '../compute/deterministic-zip';
import type { LambdaPackage } from '../compute/lambda-code';

/** The backfill function's entry in its package. */
export const BACKFILL_HANDLER = 'index.handler';

const ROOT = findRoot(__dirname);
const CACHE = join(ROOT, 'node_modules', '.cache', 'lakec', 'backfill');

function findRoot(dir: string): string {
  let d = dir;
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error(`no package.json above ${dir}`);
    d = up;
  }
  return d;
}

let bundle: { readonly key: string; readonly code: Buffer } | undefined;

/** runtime/engine/backfill-handler.ts bundled with esbuild (once per process; the runtime's sources key the cache). */
function handlerBundle(): { key: string; code: Buffer } {
  if (bundle) return bundle;
  const h = createHash('sha256');
  const runtime = join(ROOT, 'runtime');
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|js)$/.test(e) && !e.endsWith('.d.ts')) h.update(relative(runtime, full).split(sep).join('/')).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(runtime);
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  const key = h.digest('hex').slice(0, 24);
  const file = join(CACHE, 'bundle', key, 'index.js');
  if (!existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const ts = join(runtime, 'engine', 'backfill-handler.ts');
    const entry = existsSync(ts) ? ts : join(runtime, 'engine', 'backfill-handler.js');
    // esbuild records source paths relative to the working directory: built from the project root, the bytes
    // (and the package's hash) are the same on every machine.
    const out = esbuild.buildSync({ entryPoints: [relative(ROOT, entry)], absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent', legalComments: 'none' });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, out.outputFiles[0]!.text);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  bundle = { key, code: readFileSync(file) };
  return bundle;
}

/**
 * The backfill Lambda of one dataset contract: the handler bundle, the Parquet wasm it reads published silver
 * with (overlap checks when publishing), and the contract's descriptor. Zipped deterministically, cached by content.
 */
export function backfillPackage(d: DatasetModel): LambdaPackage {
  const b = handlerBundle();
  const descriptor = Buffer.from(`${JSON.stringify(datasetDescriptor(d), null, 2)}\n`);
  const wasm = readFileSync(require.resolve('parquet-wasm/node/parquet_wasm_bg.wasm'));
  const key = createHash('sha256').update(b.key).update(descriptor).digest('hex').slice(0, 24);
  const file = join(CACHE, 'package', key, 'backfill.zip');
  if (!existsSync(file)) {
    const zip = deterministicZip([
      { name: 'index.js', data: b.code },
      { name: 'parquet_wasm_bg.wasm', data: wasm },
      { name: DESCRIPTOR_FILE, data: descriptor },
    ]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, zip);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  const digest = createHash('sha256').update(readFileSync(file)).digest();
  return { file, base64Sha256: digest.toString('base64'), hash: digest.toString('hex').slice(0, 16) };
}
