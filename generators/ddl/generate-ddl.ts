import type { LakeModel } from '../contract/lake-model';
import { findContract } from '../contract/lake-model';
import { generatedHeader, type FileMap } from '../file-map';
import { lakeTables } from '../tables/lake-tables';
import { athenaCreateTable, type BucketNames } from './athena-ddl';

export interface DdlConfig {
  /** One DDL set per environment: table locations differ by bucket. */
  readonly environments: readonly { readonly name: string; readonly buckets: BucketNames }[];
}

/** Athena DDL for every table of every contract: `ddl/{env}/{database}/{table}.sql`. */
export function generateDdl(model: LakeModel, config: DdlConfig): FileMap {
  const files = new Map<string, string>();
  const tables = lakeTables(model);
  for (const env of config.environments) {
    for (const t of tables) {
      const contract = findContract(model, t.contract)!;
      const header = generatedHeader('sql', [contract], `Athena DDL, ${env.name}`);
      files.set(`ddl/${env.name}/${t.database}/${t.name}.sql`, header + athenaCreateTable(t, env.buckets));
    }
  }
  return files;
}
