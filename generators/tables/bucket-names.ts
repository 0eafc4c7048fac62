import type { BucketRole } from './table-def';

/** Every bucket of the platform; the data buckets are the BucketRoles tables live in. */
export type PlatformBucket = BucketRole | 'artifacts' | 'athena-results' | 'access-logs';

export const PLATFORM_BUCKETS: readonly PlatformBucket[] = ['bronze', 'silver', 'gold', 'quarantine', 'artifacts', 'athena-results', 'access-logs'];

/** `{namePrefix}-{environment}-{bucket}`: the one naming rule, shared by DDL and stacks. */
export function bucketName(namePrefix: string, environment: string, bucket: PlatformBucket): string {
  return `${environmentPrefix(namePrefix, environment)}-${bucket}`;
}

/** `{namePrefix}-{environment}`: what the names of an environment's buckets start with. */
export function environmentPrefix(namePrefix: string, environment: string): string {
  return `${namePrefix}-${environment}`;
}

export function dataBucketNames(namePrefix: string, environment: string): Readonly<Record<BucketRole, string>> {
  return dataBucketsOf(environmentPrefix(namePrefix, environment));
}

/** The environmentPrefix a bucket's name starts with, when it is named by the rule for `bucket`. */
export function environmentPrefixOf(name: string, bucket: PlatformBucket): string | undefined {
  return name.endsWith(`-${bucket}`) ? name.slice(0, -`-${bucket}`.length) : undefined;
}

/** The data buckets of the environment whose bucket names start with `prefix` (environmentPrefix). */
export function dataBucketsOf(prefix: string): Readonly<Record<BucketRole, string>> {
  return { bronze: `${prefix}-bronze`, silver: `${prefix}-silver`, gold: `${prefix}-gold`, quarantine: `${prefix}-quarantine` };
}
