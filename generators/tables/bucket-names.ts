import type { BucketRole } from './table-def';

/** Every bucket of the platform; the data buckets are the BucketRoles tables live in. */
export type PlatformBucket = BucketRole | 'artifacts' | 'athena-results' | 'access-logs';

export const PLATFORM_BUCKETS: readonly PlatformBucket[] = ['bronze', 'silver', 'gold', 'quarantine', 'artifacts', 'athena-results', 'access-logs'];

/** `{namePrefix}-{environment}-{bucket}`: the one naming rule, shared by DDL and stacks. */
export function bucketName(namePrefix: string, environment: string, bucket: PlatformBucket): string {
  return `${namePrefix}-${environment}-${bucket}`;
}

export function dataBucketNames(namePrefix: string, environment: string): Readonly<Record<BucketRole, string>> {
  return {
    bronze: bucketName(namePrefix, environment, 'bronze'),
    silver: bucketName(namePrefix, environment, 'silver'),
    gold: bucketName(namePrefix, environment, 'gold'),
    quarantine: bucketName(namePrefix, environment, 'quarantine'),
  };
}
