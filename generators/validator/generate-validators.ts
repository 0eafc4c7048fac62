import { datasetKey } from '../contract/dataset-id';
import type { DatasetModel } from '../contract/dataset-model';
import { datasetsOf, type LakeModel } from '../contract/lake-model';
import { generatedHeader, type FileMap } from '../file-map';
import { tsComment, tsString } from './ts-quote';
import { DEFAULT_VALIDATOR_OPTIONS, validatorModuleSource, type ValidatorModuleOptions } from './validator-module';

/** Where a dataset's module lives in the build output: `validators/{domain}/{name}_{schema_v}.ts`. */
export function validatorModulePath(d: DatasetModel): string {
  return `validators/${d.id.domain}/${d.id.name}_${d.id.schemaV}.ts`;
}

/**
 * `lakec build`'s validators: one module per dataset contract, and `validators/registry.ts` listing them all
 * (what the Lambda bundle loads, see runtime/lambda/handler.ts). Pure.
 */
export function generateValidators(model: LakeModel, options: ValidatorModuleOptions = DEFAULT_VALIDATOR_OPTIONS): FileMap {
  const files = new Map<string, string>();
  const datasets = datasetsOf(model);
  for (const d of datasets) files.set(validatorModulePath(d), validatorModuleSource(d, options));
  const imports = datasets.map((d, i) => `import * as dataset${i} from ${tsString(`./${validatorModulePath(d).slice('validators/'.length, -'.ts'.length)}`)}; // ${tsComment(datasetKey(d.id))}`);
  files.set(
    'validators/registry.ts',
    [
      generatedHeader('ts', [], 'dataset registry'),
      `import type { DatasetModule } from ${tsString(options.runtimeTypes)};`,
      ...imports,
      '',
      '/** Every dataset module of this build, for the Lambda bundle (runtime/lambda/handler.ts). */',
      `export const datasets: readonly DatasetModule[] = [${datasets.map((_, i) => `dataset${i}`).join(', ')}];`,
      '',
    ].join('\n'),
  );
  return files;
}
