import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetModel } from '../generators/contract/dataset-model';
import { validatorModuleSource } from '../generators/validator/validator-module';
import type { DatasetModule } from '../runtime/dataset-module';

/**
 * A dataset's generated module, loaded in-process: the same source `lakec build` writes under
 * `validators/`, compiled with esbuild and cached by its content hash (os.tmpdir()/lakec-validators), so
 * what is reviewed is what runs and a second run of the same contract compiles nothing.
 */
export function loadDatasetModule(d: DatasetModel): DatasetModule {
  const source = validatorModuleSource(d);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 24);
  const dir = join(tmpdir(), 'lakec-validators');
  const file = join(dir, `${d.id.domain}.${d.id.name}.${d.id.schemaV}.${hash}.js`);
  if (!existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const js = esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: `${d.id.domain}/${d.id.name}_${d.id.schemaV}.ts` }).code;
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, js);
    renameSync(tmp, file);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as DatasetModule;
}
