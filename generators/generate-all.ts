import type { ContractModel, LakeModel } from './contract/lake-model';
import type { BucketNames, BuildEnvironment } from './ddl/athena-ddl';
import { contractDdl } from './ddl/generate-ddl';
import { mergeFileMaps, type FileMap } from './file-map';
import { goldSql } from './sql/generate-sql';
import { goldSource } from './sql/gold-source';
import { datasetEtlSql } from './sql/etl/generate-etl-sql';
import { dataBucketsOf, environmentPrefixOf } from './tables/bucket-names';
import { datasetValidator, validatorRegistry } from './validator/generate-validators';

export interface BuildConfig {
  readonly environments: readonly BuildEnvironment[];
}

/** Every artifact `lakec build` writes, from one model: the lake's files and each contract's. Pure. */
export function generateAll(model: LakeModel, config: BuildConfig): FileMap {
  return mergeFileMaps(...generateAllParts(model, config));
}

/** generateAll's files in parts — the lake's, then each contract's — for a writer that need not hold them all. */
export function* generateAllParts(model: LakeModel, config: BuildConfig): Generator<FileMap> {
  yield generateLakeFiles(model);
  for (const contract of model.contracts) yield generateContractFiles(model, contract, config);
}

/** The files about the whole lake rather than one contract (the validators' registry). */
function generateLakeFiles(model: LakeModel): FileMap {
  return validatorRegistry(model);
}

/**
 * The files one contract compiles to: its tables' DDL, and a dataset's validation SQL and validator or a
 * Gold contract's SQL. Depends on the rest of the model only through what the contract names (a Gold
 * contract's source), so contracts can be generated one by one, in any order.
 *
 * Environments differ only by their name and their buckets' names (`{namePrefix}-{env}-{bucket}`), which
 * generators treat as opaque text. So a contract is generated once, for a stand-in environment, and its
 * environment's files are copied for each environment with the stand-in names replaced; a contract whose
 * own text holds a stand-in, or an environment whose buckets do not follow the naming rule, is generated
 * environment by environment. Either way the files are the same (test/build/template-environment.test.ts).
 */
export function generateContractFiles(model: LakeModel, contract: ContractModel, config: BuildConfig): FileMap {
  const prefixes = config.environments.map(namePrefixOf);
  if (prefixes.some((p) => p === undefined) || mentionsStandIn(model, contract)) return contractFiles(model, contract, config);
  const files = new Map<string, string>();
  for (const [path, text] of contractFiles(model, contract, { environments: [TEMPLATE] })) {
    if (!path.split('/').includes(TEMPLATE.name)) {
      if (text.includes(STAND_IN)) throw new Error(`${path} names the stand-in environment but is not an environment's file`);
      files.set(path, text);
      continue;
    }
    const [pathParts, textParts] = [standInParts(path), standInParts(text)];
    config.environments.forEach((env, i) => files.set(instantiate(pathParts, prefixes[i]!, env.name), instantiate(textParts, prefixes[i]!, env.name)));
  }
  return files;
}

function contractFiles(model: LakeModel, contract: ContractModel, config: BuildConfig): FileMap {
  return contract.kind === 'dataset'
    ? mergeFileMaps(contractDdl(contract, config), datasetEtlSql(contract, config), datasetValidator(contract))
    : mergeFileMaps(contractDdl(contract, config), goldSql(model, contract, config));
}

/** What the stand-in names start with; neither stand-in contains the other. */
const STAND_IN = 'lakec-stand-in-';
const TEMPLATE_PREFIX = `${STAND_IN}prefix`;
const TEMPLATE: BuildEnvironment = { name: `${STAND_IN}env`, buckets: dataBucketsOf(TEMPLATE_PREFIX) };
const STAND_IN_LETTERS = 'lakecstandin';
const STAND_IN_NAME = new RegExp(`(${TEMPLATE_PREFIX}|${TEMPLATE.name})`);

/** A template's text split at its stand-in names, once for every environment: text, name, text, name, …, text. */
function standInParts(text: string): string[] {
  return text.split(STAND_IN_NAME);
}

/** The template's text with each stand-in name replaced by the environment's. */
function instantiate(parts: readonly string[], prefix: string, envName: string): string {
  let text = parts[0]!;
  for (let k = 1; k < parts.length; k += 2) text += (parts[k] === TEMPLATE_PREFIX ? prefix : envName) + parts[k + 1]!;
  return text;
}

/** The prefix of an environment's bucket names (environmentPrefix) when they follow the naming rule, else undefined. */
function namePrefixOf(env: BuildEnvironment): string | undefined {
  const prefix = environmentPrefixOf(env.buckets.bronze, 'bronze');
  if (prefix === undefined || env.name.includes(STAND_IN)) return undefined;
  const expected = dataBucketsOf(prefix);
  const follows = (Object.keys(expected) as (keyof BucketNames)[]).every((role) => env.buckets[role] === expected[role]);
  return follows && !prefix.includes(STAND_IN) ? prefix : undefined;
}

/**
 * Whether the text generators read for this contract (a Gold contract's source too) could put a stand-in
 * name in a file. Generators quote, escape, lowercase or drop characters of contract text but never add
 * the stand-in's letters, so the test is on letters alone, lowercased, of all its strings in a row (which
 * holds each string's); a false alarm only costs generating environment by environment.
 */
function mentionsStandIn(model: LakeModel, contract: ContractModel): boolean {
  const strings: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        strings.push(k);
        collect((v as Record<string, unknown>)[k]);
      }
    }
  };
  collect(contract.kind === 'gold' ? [contract, goldSource(model, contract)] : contract);
  return strings.join('').toLowerCase().replace(/[^a-z]+/g, '').includes(STAND_IN_LETTERS);
}
