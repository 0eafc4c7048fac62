import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { generateValidators } from '../../generators/validator/generate-validators';
import { buildLambdaAsset } from '../../runtime/lambda/lambda-asset';
import { REGISTRY_FILE } from '../../runtime/lambda/handler';
import { deterministicZip, type ZipEntry } from './deterministic-zip';

/**
 * The ETL Lambda's code, in two parts so that adding a contract changes nothing already deployed:
 *
 * - the **runtime layer**, the same for every dataset: runtime/lambda/lambda-asset.ts's bundle (handler,
 *   Parquet and digest worker threads, the wasm beside them) under `lakec/`, so it runs from /opt/lakec;
 * - one **function package** per dataset contract: `index.js`, which hands the Lambda the layer's
 *   handler, and `registry.js`, the contract's generated module (the registry `lakec build` writes,
 *   reduced to this contract), which the handler loads through `LAKEC_REGISTRY`.
 *
 * Both are zipped deterministically (fixed times and order), built offline with esbuild, and cached under
 * node_modules/.cache/lakec by the hash of everything that goes into them.
 */
export interface LambdaPackage {
  /** The zip on disk (the stack copies it into its assets). */
  readonly file: string;
  /** `filebase64sha256` of the zip: what Terraform compares to decide an update. */
  readonly base64Sha256: string;
  /** Short hex hash for the asset folder name. */
  readonly hash: string;
}

/** Where the layer's files are once Lambda has extracted it (layers land in /opt). */
export const LAYER_DIR = '/opt/lakec';
export const FUNCTION_HANDLER = 'index.handler';
/** Where the function package's registry is in the running function. */
export const FUNCTION_REGISTRY = `/var/task/${REGISTRY_FILE}`;

/** The project's root (the folder with package.json): esbuild's working directory, and where caches live. */
export const PROJECT_ROOT = findRoot(__dirname);
const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'lakec', 'lambda');

function findRoot(dir: string): string {
  let d = dir;
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error(`no package.json above ${dir}`);
    d = up;
  }
  return d;
}

function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Every file below a folder, sorted, with `/` paths relative to it. */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** A zip written once per content: the cache key names its folder. */
export function cachedZip(kind: string, key: string, name: string, build: () => ZipEntry[]): LambdaPackage {
  const dir = join(CACHE, kind, key);
  const file = join(dir, name);
  if (!existsSync(file)) {
    const zip = deterministicZip(build());
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, zip);
    renameSync(tmp, file);
  }
  const digest = sha256(readFileSync(file));
  return { file, base64Sha256: digest.toString('base64'), hash: digest.toString('hex').slice(0, 16) };
}

let runtimeInputs: string | undefined;

/** What goes into a bundle of the runtime: its sources and the locked dependency versions (plus `extra`), as a cache key. */
export function runtimeInputsHash(extra = ''): string {
  if (runtimeInputs === undefined) {
    // Read once per process: every package built from the runtime keys on the same sources.
    const h = createHash('sha256');
    const runtime = join(PROJECT_ROOT, 'runtime');
    for (const f of filesBelow(runtime)) {
      if (!/\.(ts|js)$/.test(f) || f.endsWith('.d.ts')) continue;
      h.update(f).update('\0').update(readFileSync(join(runtime, f))).update('\0');
    }
    const lock = join(PROJECT_ROOT, 'package-lock.json');
    if (existsSync(lock)) h.update(readFileSync(lock));
    runtimeInputs = h.digest('hex');
  }
  return createHash('sha256').update(runtimeInputs).update(extra).digest('hex').slice(0, 24);
}

/**
 * The layer carries no datasets: the function package's registry is the one loaded. Should a function
 * miss its LAKEC_REGISTRY setting, this stub says so instead of quietly handling nothing.
 */
const LAYER_REGISTRY_STUB = `throw new Error('LAKEC_REGISTRY must name the function package\\'s ${REGISTRY_FILE}; the runtime layer holds no datasets');\nexport const datasets = [];\n`;

let runtimeLayer: LambdaPackage | undefined;

/** The runtime layer's zip (built once per process, and once per content on disk). */
export function runtimeLayerPackage(): LambdaPackage {
  if (runtimeLayer && existsSync(runtimeLayer.file)) return runtimeLayer;
  const key = runtimeInputsHash(LAYER_REGISTRY_STUB);
  runtimeLayer = cachedZip('layer', key, 'lakec-runtime.zip', () => {
    const work = mkdtempSync(join(tmpdir(), 'lakec-layer-'));
    try {
      // At a fixed path below the project: esbuild names the file in a comment, and the bytes must not vary.
      const registry = join(CACHE, 'layer-registry-stub.ts');
      mkdirSync(CACHE, { recursive: true });
      // Replaced whole (another process may be reading it): written beside, then renamed.
      writeFileSync(`${registry}.${process.pid}.tmp`, LAYER_REGISTRY_STUB);
      renameSync(`${registry}.${process.pid}.tmp`, registry);
      const out = join(work, 'out');
      // esbuild writes source paths relative to the working directory into comments: cdktf, the tests and
      // the benchmark all run from the project root, so the bytes (and hash) are the same everywhere.
      buildLambdaAsset({ outDir: out, registry });
      return filesBelow(out).map((f) => ({ name: `lakec/${f}`, data: readFileSync(join(out, f)) }));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  return runtimeLayer;
}

const FUNCTION_INDEX = `// lakec ETL function: the handler lives in the runtime layer (${LAYER_DIR}); this package holds the dataset.\nmodule.exports = require('${LAYER_DIR}/index.js');\n`;

const functionPackages = new Map<string, LambdaPackage>();

/** One dataset contract's function package: the shim and its compiled registry. */
export function functionPackage(d: DatasetModel): LambdaPackage {
  const files = generateValidators({ contracts: [d] });
  const key = sha256(JSON.stringify([...files.entries()]) + FUNCTION_INDEX).toString('hex').slice(0, 24);
  const hit = functionPackages.get(key);
  if (hit && existsSync(hit.file)) return hit;
  const pkg = cachedZip('function', key, 'function.zip', () => [
    { name: 'index.js', data: Buffer.from(FUNCTION_INDEX) },
    { name: REGISTRY_FILE, data: Buffer.from(compileRegistry(files)) },
  ]);
  functionPackages.set(key, pkg);
  return pkg;
}

/**
 * `validators/registry.ts` and its dataset module, compiled to one CommonJS file with esbuild. The files
 * are written to a scratch folder that is also esbuild's working directory, so the paths it records are
 * `validators/…` on every machine.
 */
function compileRegistry(files: ReadonlyMap<string, string>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const work = mkdtempSync(join(tmpdir(), 'lakec-registry-'));
  try {
    for (const [path, contents] of files) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), contents);
    }
    const result = esbuild.buildSync({
      entryPoints: ['validators/registry.ts'],
      absWorkingDir: work,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      // The modules import the runtime's types only; a value import would stay a require and is refused below.
      external: ['lakec/*'],
    });
    const text = result.outputFiles[0]!.text;
    if (/require\(["']lakec\//.test(text)) throw new Error('a generated dataset module imports the runtime at run time; it may import types only');
    return text;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
