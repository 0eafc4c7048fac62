import { AthenaClient } from '@aws-sdk/client-athena';
import { dataBucketNames, environmentPrefix } from '../generators/tables/bucket-names';
import { AthenaRunner } from '../runtime/aws/athena-runner';
import { S3Storage } from '../runtime/storage/s3-storage';
import { ENVIRONMENTS, type EnvironmentConfig } from '../stacks/environments';
import { NAME_LIMITS, resourceName } from '../stacks/names';
import { UsageError } from './args';

/**
 * An environment of stacks/environments.ts as the CLI reaches it in AWS: its lake buckets, and the Athena
 * workgroup that replaces reader views (`{namePrefix}-{env}-platform`, named as stacks/lake-context.ts names it).
 */
export interface AwsTarget {
  readonly env: EnvironmentConfig;
  readonly workGroup: string;
}

export function environmentNamed(name: string): EnvironmentConfig {
  const env = ENVIRONMENTS.find((e) => e.name === name);
  if (!env) throw new UsageError(`unknown environment \`${name}\`; stacks/environments.ts has ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
  return env;
}

/** The workgroup the platform replaces views in. */
export function platformWorkgroup(env: EnvironmentConfig): string {
  return resourceName(env, ['platform'], NAME_LIMITS.athenaWorkgroup);
}

/** The environment whose lake `s3://{namePrefix}-{env}` is, if any. */
export function environmentOfLake(location: string): EnvironmentConfig | undefined {
  const name = location.replace(/^s3:\/\//, '').replace(/\/+$/, '');
  return ENVIRONMENTS.find((e) => environmentPrefix(e.namePrefix, e.name) === name);
}

/** The environment's lake on S3 (LAKEC_S3_ENDPOINT and LAKEC_S3_RELAXED_CHECKSUMS as for --lake s3://…). */
export function environmentLake(env: EnvironmentConfig): S3Storage {
  const endpoint = process.env.LAKEC_S3_ENDPOINT;
  return new S3Storage({
    buckets: dataBucketNames(env.namePrefix, env.name),
    label: `s3://${environmentPrefix(env.namePrefix, env.name)}`,
    region: env.region,
    ...(endpoint ? { endpoint } : {}),
    relaxedChecksums: process.env.LAKEC_S3_RELAXED_CHECKSUMS === '1',
  });
}

export function athenaRunner(workGroup: string, region: string | undefined): AthenaRunner {
  return new AthenaRunner({ client: new AthenaClient(region ? { region } : {}), workGroup });
}

/**
 * Where a publish on an S3 lake replaces its Athena view: the lake's environment and its platform workgroup,
 * else the workgroup in LAKEC_ATHENA_WORKGROUP (region from AWS_REGION); undefined for a local lake or an
 * S3 lake with neither (the view is then left to `lakec deploy-sql`).
 */
export function viewTargetOfLake(location: string | undefined): { readonly runner: AthenaRunner; readonly workGroup: string } | undefined {
  if (!location?.startsWith('s3://')) return undefined;
  const env = environmentOfLake(location);
  if (env) {
    const workGroup = platformWorkgroup(env);
    return { runner: athenaRunner(workGroup, env.region), workGroup };
  }
  const workGroup = process.env.LAKEC_ATHENA_WORKGROUP;
  return workGroup ? { runner: athenaRunner(workGroup, process.env.AWS_REGION), workGroup } : undefined;
}
