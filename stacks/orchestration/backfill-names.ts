import type { DatasetId } from '../../generators/contract/dataset-id';
import type { EnvironmentConfig } from '../environments';
import { contractSlug, NAME_LIMITS, resourceName } from '../names';

/**
 * Names of the Athena backfill's resources (no cdktf import: the CLI reads them too). Two workgroups per
 * environment write the lake — Athena encrypts what a statement writes with its workgroup's key, and the
 * silver and quarantine buckets each accept only their own — and one state machine, Lambda and role per
 * dataset contract.
 */
export function backfillWorkgroups(env: EnvironmentConfig): { readonly silver: string; readonly quarantine: string } {
  return {
    silver: resourceName(env, ['etl-silver'], NAME_LIMITS.athenaWorkgroup),
    quarantine: resourceName(env, ['etl-quarantine'], NAME_LIMITS.athenaWorkgroup),
  };
}

/** Results prefixes of the backfill workgroups in the Athena results bucket. */
export const BACKFILL_RESULTS_PREFIX = { silver: 'etl-silver/', quarantine: 'etl-quarantine/' } as const;

export function backfillName(env: EnvironmentConfig, id: DatasetId): string {
  return resourceName(env, ['backfill', contractSlug(id)], NAME_LIMITS.lambdaFunction);
}
