import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { datasetDescriptor } from '../../generators/validator/dataset-descriptor';
import { DESCRIPTOR_FILE } from '../../runtime/engine/backfill-handler';
import { cachedZip, PROJECT_ROOT, runtimeInputsHash, type LambdaPackage } from '../compute/lambda-code';

/** The backfill function's entry in its package. */
export const BACKFILL_HANDLER = 'index.handler';

const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'lakec', 'backfill');

let bundle: { readonly key: string; readonly code: Buffer } | undefined;

/** runtime/engine/backfill-handler.ts bundled with esbuild (once per process; the runtime's sources key the cache). */
function handlerBundle(): { key: string; code: Buffer } {
  if (bundle) return bundle;
  const runtime = join(PROJECT_ROOT, 'runtime');
  const key = runtimeInputsHash();
  const file = join(CACHE, 'bundle', key, 'index.js');
  if (!existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const ts = join(runtime, 'engine', 'backfill-handler.ts');
    const entry = existsSync(ts) ? ts : join(runtime, 'engine', 'backfill-handler.js');
    // esbuild records source paths relative to the working directory: built from the project root, the bytes
    // (and the package's hash) are the same on every machine.
    const out = esbuild.buildSync({ entryPoints: [relative(PROJECT_ROOT, entry)], absWorkingDir: PROJECT_ROOT, bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent', legalComments: 'none' });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, out.outputFiles[0]!.text);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  bundle = { key, code: readFileSync(file) };
  return bundle;
}

/** Where the backfill layer's files are once Lambda has extracted it (layers land in /opt). */
export const BACKFILL_LAYER_DIR = '/opt/lakec-backfill';
/** Where the function package's descriptor is in the running function (the handler reads BACKFILL_DESCRIPTOR_ENV). */
export const BACKFILL_DESCRIPTOR = `/var/task/${DESCRIPTOR_FILE}`;

let layer: LambdaPackage | undefined;

/**
 * The backfill layer, the same for every dataset of an environment: the handler bundle and the Parquet wasm it
 * reads published silver with (overlap checks when publishing). Zipped deterministically, cached by content.
 */
export function backfillLayerPackage(): LambdaPackage {
  if (layer && existsSync(layer.file)) return layer;
  const b = handlerBundle();
  const dir = BACKFILL_LAYER_DIR.slice('/opt/'.length);
  // The wasm's version is the lockfile's, which the bundle's key already covers: it is read only to build the zip.
  layer = cachedZip('backfill-layer', runtimeInputsHash(`backfill-layer:${b.key}`), 'lakec-backfill.zip', () => [
    { name: `${dir}/index.js`, data: b.code },
    { name: `${dir}/parquet_wasm_bg.wasm`, data: readFileSync(require.resolve('parquet-wasm/node/parquet_wasm_bg.wasm')) },
  ]);
  return layer;
}

const FUNCTION_INDEX = `// lakec backfill function: the handler lives in the backfill layer (${BACKFILL_LAYER_DIR}); this package holds the dataset.\nmodule.exports = require('${BACKFILL_LAYER_DIR}/index.js');\n`;

/** The backfill function of one dataset contract: the shim and the contract's descriptor, so adding a contract changes no other function. */
export function backfillPackage(d: DatasetModel): LambdaPackage {
  const descriptor = Buffer.from(`${JSON.stringify(datasetDescriptor(d), null, 2)}\n`);
  const key = createHash('sha256').update(FUNCTION_INDEX).update(descriptor).digest('hex').slice(0, 24);
  return cachedZip('backfill-function', key, 'backfill.zip', () => [
    { name: 'index.js', data: Buffer.from(FUNCTION_INDEX) },
    { name: DESCRIPTOR_FILE, data: descriptor },
  ]);
}

