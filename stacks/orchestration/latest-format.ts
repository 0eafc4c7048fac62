import { LATEST_FORMAT } from '../../runtime/publish/gold-latest';
import type { LatestDocumentShape } from './gold-refresh-definition';

/**
 * `_LATEST.json` as runtime/publish/gold-latest.ts defines it (the format `lakec query` and `lakec gold`
 * read): the format tag and the dataset as constants, then the seed's fields and the previous run.
 */
export function latestDocumentShape(dataset: string): LatestDocumentShape {
  return {
    constants: { format: LATEST_FORMAT, dataset },
    runIdField: 'run_id',
    schemaVersionField: 'schema_version',
    publishedAtField: 'published_at',
    partitionPathField: 'partition_path',
    previousRunIdField: 'previous_run_id',
  };
}
