import { datasetKey } from '../contract/dataset-id';
import type { DatasetModel } from '../contract/dataset-model';
import { datasetsOf, type LakeModel } from '../contract/lake-model';
import { generatedHeader, mergeFileMaps, type FileMap } from '../file-map';
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
  return mergeFileMaps(...datasetsOf(model).map((d) => datasetValidator(d, options)), validatorRegistry(model, options));
}

/** One dataset contract's share of generateValidators: its module. */
export function datasetValidator(d: DatasetModel, options: ValidatorModuleOptions = DEFAULT_VALIDATOR_OPTIONS): FileMap {
  return new Map([[validatorModulePath(d), validatorModuleSource(d, options)]]);
}

/** `validators/registry.ts`: every dataset module of the build. */
export function validatorRegistry(model: LakeModel, options: ValidatorModuleOptions = DEFAULT_VALIDATOR_OPTIONS): FileMap {
  const datasets = datasetsOf(model);
  const imports = datasets.map((d, i) => `import * as dataset${i} from ${tsString(`./${validatorModulePath(d).slice('validators/'.length, -'.ts'.length)}`)}; // ${tsComment(datasetKey(d.id))}`);
  return new Map([
    [
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
    ],
  ]);
}
