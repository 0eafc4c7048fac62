import type { DatasetDescriptor, PartitionDescriptor } from './dataset-module';

/**
 * Every key of a dataset in the lake (DESIGN.md, lake layout); prefixes come from the generated
 * descriptor's tables, so the runtime and the Glue tables cannot disagree about where files are.
 */
export class LakeKeys {
  constructor(private readonly d: DatasetDescriptor) {}

  private get v(): string {
    return `schema_v=${this.d.id.schemaV}`;
  }

  /** `bronze/{domain}/{dataset}/ingest_date=…/run_id=…/{file}`. */
  bronze(ingestDate: string, runId: string, fileName: string): string {
    return `${this.d.tables.bronze.prefix}ingest_date=${ingestDate}/run_id=${runId}/${fileName}`;
  }

  /** Whether a key is a delivery of this dataset in bronze; its ingest date, run id and file name. */
  parseBronze(key: string): { ingestDate: string; runId: string; fileName: string } | undefined {
    const prefix = this.d.tables.bronze.prefix;
    if (!key.startsWith(prefix)) return undefined;
    const m = /^ingest_date=([0-9]{4}-[0-9]{2}-[0-9]{2})\/run_id=([^/]+)\/([^/]+)$/.exec(key.slice(prefix.length));
    return m ? { ingestDate: m[1]!, runId: m[2]!, fileName: m[3]! } : undefined;
  }

  /** The silver folder of one partition of one run: `silver/…/year=2024/month=01/schema_v=v1/run_id=…/`. */
  silverRunFolder(partitionPath: string, runId: string): string {
    return `${this.d.tables.silver.prefix}${partitionPath}${this.v}/run_id=${runId}/`;
  }

  /** `silver/{domain}/{dataset}/schema_v=vN/` — control objects and run records live here. */
  get silverVersion(): string {
    return `${this.d.tables.silver.prefix}${this.v}/`;
  }

  get published(): string {
    return `${this.silverVersion}_PUBLISHED.json`;
  }

  get runsFolder(): string {
    return `${this.silverVersion}_runs/`;
  }

  runFile(runId: string, name: 'manifest.json' | '_SUCCESS' | '_claim.json'): string {
    return `${this.runsFolder}${runId}/${name}`;
  }

  /** `quarantine/…/schema_v=vN/ingest_date=…/run_id=…/invalid_rows.parquet` (then `invalid_rows-2.parquet` …). */
  quarantineFile(ingestDate: string, runId: string, part: number): string {
    return `${this.d.tables.quarantine.prefix}ingest_date=${ingestDate}/run_id=${runId}/invalid_rows${part > 1 ? `-${part}` : ''}.parquet`;
  }

  condemnedFile(ingestDate: string, runId: string, part: number): string {
    return `${this.d.tables.condemned.prefix}ingest_date=${ingestDate}/run_id=${runId}/condemned_rows${part > 1 ? `-${part}` : ''}.parquet`;
  }

  /** The audit record of approved reprocessing of condemned rows (one object per run). */
  auditRecord(runId: string): string {
    return `${this.d.tables.condemned.prefix}_audit/${runId}.json`;
  }
}

/** `year=2024/month=01/` for partition values: months and days two digits, as Athena's projection reads them. */
export function partitionPath(partitions: readonly PartitionDescriptor[], values: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i]!;
    out += `${p.name}=${p.transform === 'year' ? String(values[i]) : String(values[i]).padStart(2, '0')}/`;
  }
  return out;
}
