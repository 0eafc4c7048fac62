import { createHash } from 'node:crypto';
import type { DatasetId } from '../generators/contract/dataset-id';
import type { EnvironmentConfig } from './environments';

/** AWS's name length limits of the resources the stacks name. */
export const NAME_LIMITS = {
  lambdaFunction: 64,
  iamRole: 64,
  iamPolicy: 128,
  eventRule: 64,
  stateMachine: 80,
  snsTopic: 256,
  sqsQueue: 80,
  logGroup: 512,
  alarm: 255,
  athenaWorkgroup: 128,
  athenaNamedQuery: 128,
  kmsAlias: 256,
  trail: 128,
} as const;

/**
 * `{namePrefix}-{env}-{parts…}` within `max` characters. A name that would be longer keeps its start and
 * ends in a hash of the whole name, so two long names never collide and the same contract always gets
 * the same name.
 */
export function resourceName(env: EnvironmentConfig, parts: readonly string[], max: number): string {
  return boundedName([env.namePrefix, env.name, ...parts].join('-'), max);
}

export function boundedName(full: string, max: number): string {
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, max - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

/**
 * `mortgages-transactions-v1`: a contract in resource names and construct ids. Contract names never hold
 * `-`, so the three parts cannot run into each other (`a_b` + `c` differs from `a` + `b_c`).
 */
export function contractSlug(id: DatasetId): string {
  return `${id.domain}-${id.name}-${id.schemaV}`;
}

/** Names of the per-contract resources, in one place so policies and resources agree. */
export function etlName(env: EnvironmentConfig, id: DatasetId): string {
  return resourceName(env, ['etl', contractSlug(id)], NAME_LIMITS.lambdaFunction);
}

/** Matches every ETL role of the environment (bucket policies deny them bronze writes). */
export function etlNamePattern(env: EnvironmentConfig): string {
  return `${env.namePrefix}-${env.name}-etl-*`;
}

export function goldRefreshName(env: EnvironmentConfig, id: DatasetId): string {
  return resourceName(env, ['gold', contractSlug(id)], NAME_LIMITS.iamRole);
}

export function goldTriggerName(env: EnvironmentConfig, id: DatasetId): string {
  return resourceName(env, ['gold-trigger', contractSlug(id)], NAME_LIMITS.iamRole);
}

export function lambdaLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** Step Functions log groups live under `/aws/vendedlogs/` so their resource policy stays small. */
export function stateMachineLogGroupName(stateMachineName: string): string {
  return `/aws/vendedlogs/states/${stateMachineName}`;
}
