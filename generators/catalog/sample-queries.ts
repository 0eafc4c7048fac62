import type { DatasetModel } from '../contract/dataset-model';
import type { GoldModel } from '../contract/gold-model';
import type { ContractModel } from '../contract/lake-model';
import { sqlIdentifier, sqlQualified, sqlString } from '../sql/quote';
import { lakeTables } from '../tables/lake-tables';
import type { Layer } from '../tables/table-def';

/** The name readers use for a contract's table of one layer (`silver_mortgages.transactions_v1`), from the one TableDef. */
export function readerTable(c: ContractModel, layer: Layer): { database: string; name: string } {
  const t = lakeTables({ contracts: [c] }).find((x) => x.layer === layer);
  if (!t) throw new Error(`${c.kind} contract has no ${layer} table`);
  return { database: t.database, name: t.readerName };
}

function qualified(c: ContractModel, layer: Layer): string {
  const t = readerTable(c, layer);
  return sqlQualified(t.database, t.name);
}

export interface SampleQuery {
  readonly title: string;
  /** For the Athena console (Trino SQL), ending in `;`. */
  readonly athena: string;
  /** The same query as a `lakec query` command line for the local lake (DuckDB), quoted for a POSIX shell. */
  readonly local: string;
}

/** A POSIX shell word that is exactly `value`: single-quoted, with `'` written as `'\''`. */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const EXAMPLE_YEAR = 2024;

function query(title: string, lines: readonly string[]): SampleQuery {
  const sql = lines.join('\n');
  return { title, athena: `${sql};`, local: `lakec query ${shellWord(sql)}` };
}

function partitionFilter(d: DatasetModel): string[] {
  return d.partitions.map((p) => `${sqlIdentifier(p.name)} = ${p.transform === 'year' ? EXAMPLE_YEAR : 1}`);
}

/**
 * Queries a reader can start from, on the reader tables (published runs only): `{layer}_{domain}.{name}_{schema_v}`,
 * the same names in Athena and in `lakec query`. Identifiers and literals go through the one SQL quoting.
 */
export function sampleQueries(c: ContractModel): SampleQuery[] {
  return c.kind === 'dataset' ? datasetQueries(c) : goldQueries(c);
}

function datasetQueries(d: DatasetModel): SampleQuery[] {
  const silver = qualified(d, 'silver');
  const quarantine = qualified(d, 'quarantine');
  const condemned = qualified(d, 'condemned');
  const filter = partitionFilter(d);
  return [
    query(`Rows of one ${d.partitions.length ? 'partition' : 'table'}`, ['SELECT *', `FROM ${silver}`, ...(filter.length ? [`WHERE ${filter.join(' AND ')}`] : []), 'LIMIT 100']),
    query('Rows per run (published runs only)', ['SELECT "_run_id", count(*) AS "rows"', `FROM ${silver}`, 'GROUP BY "_run_id"', 'ORDER BY "_run_id"']),
    query('Quarantined rows by reason', ['SELECT "validation_error", count(*) AS "rows"', `FROM ${quarantine}`, 'GROUP BY "validation_error"', 'ORDER BY "rows" DESC']),
    query('Condemned rows (duplicates, or failed at max_attempts)', ['SELECT "condemned_reason", "_source_file", "_source_record", "validation_error"', `FROM ${condemned}`, 'ORDER BY "_source_file", "_source_record"', 'LIMIT 100']),
  ];
}

function goldQueries(g: GoldModel): SampleQuery[] {
  const gold = qualified(g, 'gold');
  const period = sqlIdentifier(g.time.as);
  const order = [...g.dimensions.map((d) => sqlIdentifier(d.name))];
  return [
    query('One month', ['SELECT *', `FROM ${gold}`, `WHERE ${period} = ${sqlString(`${EXAMPLE_YEAR}-03`)}`, ...(order.length ? [`ORDER BY ${order.join(', ')}`] : [])]),
    query('The months published', [`SELECT ${period}, count(*) AS "rows", max("_published_at") AS "published_at"`, `FROM ${gold}`, `GROUP BY ${period}`, `ORDER BY ${period}`]),
  ];
}
