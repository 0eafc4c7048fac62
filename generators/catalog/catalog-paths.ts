import type { DatasetId } from '../contract/dataset-id';

/**
 * Where a dataset's page lives in the catalog, relative to its root: one page per dataset (all its schema
 * versions side by side), `{domain}/{name}.html`. Domain and name are lowercase snake_case, safe in paths
 * and URLs as they are.
 */
export function datasetPagePath(id: Pick<DatasetId, 'domain' | 'name'>): string {
  return `${id.domain}/${id.name}.html`;
}

export const INDEX_PAGE = 'index.html';
export const LINEAGE_PAGE = 'lineage.html';
