import { dataBucketNames } from '../generators/tables/bucket-names';
import type { BuildConfig } from '../generators/generate-all';
import { ENVIRONMENTS } from '../stacks/environments';

/** The build configuration from the typed environment list (stacks/environments.ts, no cdktf import). */
export function buildConfig(): BuildConfig {
  return { environments: ENVIRONMENTS.map((e) => ({ name: e.name, buckets: dataBucketNames(e.namePrefix, e.name) })) };
}
