import type { LakeModel } from '../generators/contract/lake-model';
import type { BucketNames } from '../generators/ddl/athena-ddl';
import { bucketName, dataBucketNames, PLATFORM_BUCKETS, type PlatformBucket } from '../generators/tables/bucket-names';
import type { EnvironmentConfig } from './environments';
import { NAME_LIMITS, resourceName } from './names';
import type { KeyPurpose } from './storage/kms-keys';

/** Where Athena writes each workgroup's results in the athena-results bucket. */
export const RESULTS_PREFIX = { platform: 'platform/', gold: 'gold/', finance: 'finance/' } as const;
export type Workgroup = keyof typeof RESULTS_PREFIX;

/**
 * What every part of an environment's stack needs to know about the others, as plain values: names are
 * computed from the configuration, key ARNs are cdktf tokens (or fixed strings in unit tests).
 */
export interface LakeContext {
  readonly env: EnvironmentConfig;
  readonly model: LakeModel;
  readonly bucketNames: Readonly<Record<PlatformBucket, string>>;
  readonly dataBuckets: BucketNames;
  readonly keyArns: Readonly<Record<KeyPurpose, string>>;
  readonly workgroups: Readonly<Record<Workgroup, string>>;
  /** CloudWatch namespace shared by the runtime's metrics and the alarms. */
  readonly metricNamespace: string;
  readonly deadLetterQueue: string;
  readonly trailName: string;
}

export function lakeContext(env: EnvironmentConfig, model: LakeModel, keyArns: Readonly<Record<KeyPurpose, string>>, metricNamespace: string): LakeContext {
  return {
    env,
    model,
    bucketNames: Object.fromEntries(PLATFORM_BUCKETS.map((b) => [b, bucketName(env.namePrefix, env.name, b)])) as Record<PlatformBucket, string>,
    dataBuckets: dataBucketNames(env.namePrefix, env.name),
    keyArns,
    workgroups: {
      platform: resourceName(env, ['platform'], NAME_LIMITS.athenaWorkgroup),
      gold: resourceName(env, ['gold-refresh'], NAME_LIMITS.athenaWorkgroup),
      finance: resourceName(env, ['finance'], NAME_LIMITS.athenaWorkgroup),
    },
    metricNamespace,
    deadLetterQueue: resourceName(env, ['etl-dead-letters'], NAME_LIMITS.sqsQueue),
    trailName: trailName(env),
  };
}

export function trailName(env: EnvironmentConfig): string {
  return resourceName(env, ['audit'], NAME_LIMITS.trail);
}
