import type { ContractModel, LakeModel } from '../contract/lake-model';
import { generatedHeader, mergeFileMaps, type FileMap } from '../file-map';
import { contractTables } from '../tables/lake-tables';
import { athenaCreateTable, type BuildEnvironment } from './athena-ddl';

export interface DdlConfig {
  /** One DDL set per environment: table locations differ by bucket. */
  readonly environments: readonly BuildEnvironment[];
}

/** Athena DDL for every table of every contract, a file per contract and environment: `ddl/{env}/{domain}/{name}_{v}.sql`. */
export function generateDdl(model: LakeModel, config: DdlConfig): FileMap {
  return mergeFileMaps(...model.contracts.map((c) => contractDdl(c, config)));
}

/** One contract's share of generateDdl: its tables (a dataset's bronze, silver, quarantine and condemned; a Gold table), in every environment. */
export function contractDdl(contract: ContractModel, config: DdlConfig): FileMap {
  const files = new Map<string, string>();
  const { domain, name, schemaV } = contract.id;
  for (const env of config.environments) {
    const tables = contractTables(contract).map((t) => athenaCreateTable(t, env.buckets));
    files.set(`ddl/${env.name}/${domain}/${name}_${schemaV}.sql`, `${generatedHeader('sql', [contract], `Athena DDL, ${env.name}`)}\n${tables.join('\n')}`);
  }
  return files;
}
