import type { TableDef } from '../../generators/tables/table-def';

/**
 * S3 key patterns (for IAM resources and `s3:prefix` conditions) of the objects one table and its
 * control objects cover, from the same TableDef the catalog uses: a table's location template with every
 * `${partition}` as `*` (`silver/mortgages/transactions/year=*\/month=*\/schema_v=v1/run_id=*\/*`), and
 * for silver and gold the `schema_v=vN/` folder of the control objects (`_PUBLISHED.json`, `_LATEST.json`,
 * `_runs/…`). Bronze is version-free: the dataset's whole prefix.
 */
export function tableKeyPatterns(t: TableDef): string[] {
  const data = `${t.locationTemplate.replace(/\$\{[^}]+\}/g, '*')}*`;
  switch (t.layer) {
    case 'bronze':
      return [`${t.prefix}*`];
    case 'silver':
      return [data, `${t.prefix}schema_v=${t.contract.schemaV}/*`];
    case 'gold':
    case 'quarantine':
    case 'condemned':
      // Their prefixes already end in schema_v=vN/ and hold the control objects.
      return [`${t.prefix}*`];
  }
}

/** Every key of a contract version in a layer, for a deny that must not miss any (`silver/d/n/*schema_v=v1/*`). */
export function broadKeyPattern(t: TableDef): string {
  return t.layer === 'silver' ? `${t.prefix}*schema_v=${t.contract.schemaV}/*` : `${t.prefix}*`;
}
