import type { LakeModel } from './contract/lake-model';
import type { BucketNames } from './ddl/athena-ddl';
import { generateDdl } from './ddl/generate-ddl';
import { mergeFileMaps, type FileMap } from './file-map';
import { generateSql } from './sql/generate-sql';
import { generateEtlSql } from './sql/etl/generate-etl-sql';
import { generateValidators } from './validator/generate-validators';

export interface BuildConfig {
  readonly environments: readonly { readonly name: string; readonly buckets: BucketNames }[];
}

/** Every artifact `lakec build` writes, from one model. Pure. */
export function generateAll(model: LakeModel, config: BuildConfig): FileMap {
  return mergeFileMaps(generateDdl(model, config), generateSql(model, config), generateEtlSql(model, config), generateValidators(model));
}
