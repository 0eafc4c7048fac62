/** A contract's identity: domain, name and schema version. Printed `domain.name@vN`. */
export interface DatasetId {
  readonly domain: string;
  readonly name: string;
  readonly schemaV: string;
}

export function datasetKey(id: DatasetId): string {
  return `${id.domain}.${id.name}@${id.schemaV}`;
}

/** `domain.name` or `domain.name@vN`, as on the command line and in a Gold contract's `from`. */
export interface DatasetRef {
  readonly domain: string;
  readonly name: string;
  readonly schemaV?: string;
}

export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
export const SCHEMA_V_PATTERN = /^v[1-9][0-9]*$/;

export function parseDatasetRef(text: string): DatasetRef | undefined {
  const m = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)(?:@(v[1-9][0-9]*))?$/.exec(text);
  if (!m) return undefined;
  return { domain: m[1]!, name: m[2]!, ...(m[3] ? { schemaV: m[3] } : {}) };
}

export function schemaVNumber(schemaV: string): number {
  return Number(schemaV.slice(1));
}
