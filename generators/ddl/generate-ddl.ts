import type { ContractModel, LakeModel } from '../contract/lake-model';
import { generatedHeader, mergeFileMaps, type FileMap } from '../file-map';
import { contractTables } from '../tables/lake-tables';
import { athenaCreateTable, type BucketNames } from './athena-ddl';

export interface DdlConfig {
  /** One DDL set per environment: table locations differ by bucket. */
  readonly environments: readonly { readonly name: string; readonly buckets: BucketNames }[];
}

/** Athena DDL for every table of every contract: `ddl/{env}/{database}/{table}.sql`. */
export function generateDdl(model: LakeModel, config: DdlConfig): FileMap {
  return mergeFileMaps(...model.contracts.map((c) => contractDdl(c, config)));
}

/** One contract's share of generateDdl: its tables, in every environment. */
export function contractDdl(contract: ContractModel, config: DdlConfig): FileMap {
  const files = new Map<string, string>();
  for (const env of config.environments) {
    const header = generatedHeader('sql', [contract], `Athena DDL, ${env.name}`);
    for (const t of contractTables(contract)) files.set(`ddl/${env.name}/${t.database}/${t.name}.sql`, header + athenaCreateTable(t, env.buckets));
  }
  return files;
}
