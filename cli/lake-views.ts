import { duckdbType } from '../generators/ddl/duckdb-ddl';
import { datasetKey } from '../generators/contract/dataset-id';
import type { LakeModel } from '../generators/contract/lake-model';
import { sqlIdentifier, sqlQualified, sqlString } from '../generators/sql/quote';
import { lakeTables } from '../generators/tables/lake-tables';
import type { TableDef } from '../generators/tables/table-def';
import { readGoldLatest, type GoldLatest } from '../runtime/publish/gold-latest';
import { liveCondemned, liveQuarantine, readPublished, type PublishedSilver } from '../runtime/publish/silver-published';
import type { Storage } from '../runtime/storage/storage';

/** What readers may see right now: every contract's control object, read once. */
export interface LakeSnapshot {
  /** By dataset key (`domain.name@vN`). */
  readonly silver: ReadonlyMap<string, PublishedSilver | undefined>;
  /** By gold key: the published run and its files. */
  readonly gold: ReadonlyMap<string, { readonly latest: GoldLatest; readonly files: readonly string[] } | undefined>;
}

export async function readLakeSnapshot(storage: Storage, model: LakeModel): Promise<LakeSnapshot> {
  const silver = new Map<string, PublishedSilver | undefined>();
  const gold = new Map<string, { latest: GoldLatest; files: string[] } | undefined>();
  for (const t of lakeTables(model)) {
    const key = datasetKey(t.contract);
    if (t.layer === 'silver') silver.set(key, await readPublished(storage, `${t.prefix}schema_v=${t.contract.schemaV}/_PUBLISHED.json`));
    if (t.layer === 'gold') {
      const latest = await readGoldLatest(storage, t.prefix);
      if (!latest) {
        gold.set(key, undefined);
        continue;
      }
      const files = latest.files ? [...latest.files] : (await storage.list(`${latest.partition_path}/`)).filter((k) => k.endsWith('.parquet'));
      gold.set(key, { latest, files });
    }
  }
  return { silver, gold };
}

/** The files each reader table shows: published runs only (DESIGN.md). */
export function readerFiles(t: TableDef, snapshot: LakeSnapshot): string[] {
  const key = datasetKey(t.contract);
  switch (t.layer) {
    case 'silver':
      return (snapshot.silver.get(key)?.runs ?? []).flatMap((r) => r.partitions.flatMap((p) => p.files));
    case 'quarantine':
      return liveQuarantine(snapshot.silver.get(key)).flatMap((r) => r.quarantine.files);
    case 'condemned':
      return liveCondemned(snapshot.silver.get(key)).flatMap((r) => r.condemned.files);
    case 'bronze':
      return [...new Set((snapshot.silver.get(key)?.runs ?? []).map((r) => r.delivery.bronze_key))].sort();
    case 'gold':
      return [...(snapshot.gold.get(key)?.files ?? [])];
  }
}

/**
 * DuckDB statements creating every reader table as a view, named as in Athena:
 * `{layer}_{domain}.{name}_{schema_v}` (and `quarantine_{domain}.{name}_{schema_v}_condemned`), with the
 * Glue table's columns and partition keys, over exactly the published files. A layer without data is an
 * empty view with the right columns. Bronze is read like Athena's CSV SerDe: by position, all strings.
 */
export function lakeViewStatements(model: LakeModel, snapshot: LakeSnapshot, pathOf: (key: string) => string): string[] {
  const out: string[] = [];
  const schemas = new Set<string>();
  for (const t of lakeTables(model)) {
    if (!schemas.has(t.database)) {
      schemas.add(t.database);
      out.push(`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(t.database)}`);
    }
    out.push(readerViewSql(t, readerFiles(t, snapshot).map(pathOf)));
  }
  return out;
}

/** One reader table as a DuckDB view over exactly these local files (an empty view when there are none). */
export function readerViewSql(t: TableDef, paths: readonly string[]): string {
  return `CREATE OR REPLACE VIEW ${sqlQualified(t.database, t.readerName)} AS ${paths.length ? viewOver(t, [...paths]) : emptyView(t)}`;
}

function columnsOf(t: TableDef): { name: string; type: string }[] {
  return [...t.columns.map((c) => ({ name: c.name, type: duckdbType(c.type) })), ...t.partitionKeys.map((k) => ({ name: k.name, type: duckdbType(k.type) }))];
}

function emptyView(t: TableDef): string {
  return `SELECT ${columnsOf(t).map((c) => `CAST(NULL AS ${c.type}) AS ${sqlIdentifier(c.name)}`).join(', ')} WHERE false`;
}

function viewOver(t: TableDef, files: string[]): string {
  const list = `[${files.map(sqlString).join(', ')}]`;
  const hiveTypes = `{${t.partitionKeys.map((k) => `${sqlString(k.name)}: ${duckdbType(k.type)}`).join(', ')}}`;
  const select = columnsOf(t)
    .map((c) => `CAST(${sqlIdentifier(t.storage.kind === 'csv' && !t.partitionKeys.some((k) => k.name === c.name) ? `c${t.columns.findIndex((x) => x.name === c.name)}` : c.name)} AS ${c.type}) AS ${sqlIdentifier(c.name)}`)
    .join(', ');
  if (t.storage.kind === 'csv') {
    const columns = `{${t.columns.map((_, i) => `${sqlString(`c${i}`)}: 'VARCHAR'`).join(', ')}}`;
    const source = `read_csv(${list}, auto_detect = false, header = ${t.storage.skipHeaderLines > 0}, delim = ${sqlString(t.storage.delimiter)}, quote = ${sqlString(t.storage.quote)}, escape = ${sqlString(t.storage.quote)}, columns = ${columns}, null_padding = true, strict_mode = false, ignore_errors = true, hive_partitioning = true, hive_types = ${hiveTypes})`;
    return `SELECT ${select} FROM ${source}`;
  }
  return `SELECT ${select} FROM read_parquet(${list}, hive_partitioning = true, hive_types = ${hiveTypes}, union_by_name = true)`;
}
