import type { LatestDocumentShape } from './gold-refresh-definition';

/** `_LATEST.json` as DESIGN.md names its fields (the seed's, plus the previous run for rollback). */
export const LATEST_DOCUMENT: LatestDocumentShape = {
  constants: {},
  runIdField: 'run_id',
  schemaVersionField: 'schema_version',
  publishedAtField: 'published_at',
  partitionPathField: 'partition_path',
  previousRunIdField: 'previous_run_id',
};
