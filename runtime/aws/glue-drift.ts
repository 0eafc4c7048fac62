import { EntityNotFoundException, GetTableCommand, type GlueClient, type Table } from '@aws-sdk/client-glue';

/**
 * A Glue table as its contract defines it (the CLI fills this in from the contract's TableDef with the
 * same functions the Athena DDL and stacks/ use). Tables use partition projection, so there is nothing to
 * register: what can drift is the table itself.
 */
export interface ExpectedGlueTable {
  readonly database: string;
  readonly name: string;
  /** `s3://bucket/prefix/`. */
  readonly location: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly partitionKeys: readonly { readonly name: string; readonly type: string }[];
  /** The table parameters that must hold exactly: partition projection (`projection.*`) and `storage.location.template`, format properties. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly serde: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
}

export interface TableDrift {
  /** `database.name`. */
  readonly table: string;
  /** The table is not in the catalog at all. */
  readonly missing: boolean;
  /** One line per difference, in plain words. */
  readonly problems: readonly string[];
}

/** Reads a deployed table (GetTable) and compares it with its contract. */
export async function glueTableDrift(glue: GlueClient, expected: ExpectedGlueTable, catalogId?: string): Promise<TableDrift> {
  let table: Table | undefined;
  try {
    const out = await glue.send(new GetTableCommand({ DatabaseName: expected.database, Name: expected.name, ...(catalogId ? { CatalogId: catalogId } : {}) }));
    table = out.Table;
  } catch (err) {
    if (!(err instanceof EntityNotFoundException) && (err as { name?: string })?.name !== 'EntityNotFoundException') throw err;
  }
  return compareGlueTable(expected, table);
}

/**
 * Differences between a deployed table and its contract: columns (missing, extra, type, order), partition
 * keys, location, SerDe and formats, and every projection parameter. Comments and other parameters (owner
 * tags, statistics Glue adds) are not drift.
 */
export function compareGlueTable(expected: ExpectedGlueTable, actual: Table | undefined): TableDrift {
  const table = `${expected.database}.${expected.name}`;
  if (!actual) return { table, missing: true, problems: [`${table} does not exist in the Glue catalog (deploy the stack: Terraform owns the tables)`] };
  const problems: string[] = [];
  const sd = actual.StorageDescriptor ?? {};
  problems.push(...compareColumns('column', expected.columns, (sd.Columns ?? []).map((c) => ({ name: c.Name ?? '', type: c.Type ?? '' }))));
  problems.push(...compareColumns('partition key', expected.partitionKeys, (actual.PartitionKeys ?? []).map((c) => ({ name: c.Name ?? '', type: c.Type ?? '' }))));
  const same = (what: string, want: string, got: string | undefined) => {
    if (got !== want) problems.push(`${what} is ${got === undefined ? 'not set' : JSON.stringify(got)}, the contract says ${JSON.stringify(want)}`);
  };
  same('location', expected.location, sd.Location);
  same('SerDe', expected.serde, sd.SerdeInfo?.SerializationLibrary);
  same('input format', expected.inputFormat, sd.InputFormat);
  same('output format', expected.outputFormat, sd.OutputFormat);
  const params = actual.Parameters ?? {};
  for (const [k, v] of Object.entries(expected.parameters).sort(([a], [b]) => (a < b ? -1 : 1))) same(`parameter ${k}`, v, params[k]);
  for (const k of Object.keys(params).sort()) {
    if (k.startsWith('projection.') && !(k in expected.parameters)) problems.push(`parameter ${k} = ${JSON.stringify(params[k])} is not in the contract`);
  }
  return { table, missing: false, problems };
}

function compareColumns(what: string, want: readonly { name: string; type: string }[], got: readonly { name: string; type: string }[]): string[] {
  const out: string[] = [];
  const gotByName = new Map(got.map((c) => [c.name.toLowerCase(), c]));
  const wantNames = new Set(want.map((c) => c.name));
  for (const c of want) {
    const g = gotByName.get(c.name);
    if (!g) out.push(`${what} ${c.name} ${c.type} is missing`);
    else if (g.type.replace(/\s+/g, '').toLowerCase() !== c.type.toLowerCase()) out.push(`${what} ${c.name} is ${g.type}, the contract says ${c.type}`);
  }
  for (const g of got) if (!wantNames.has(g.name.toLowerCase())) out.push(`${what} ${g.name} ${g.type} is not in the contract`);
  const order = (cs: readonly { name: string }[]) => cs.map((c) => c.name.toLowerCase()).filter((n) => wantNames.has(n) && gotByName.has(n));
  const a = order(want);
  const b = order(got);
  if (a.join(',') !== b.join(',')) out.push(`${what}s are in another order: ${b.join(', ')}; the contract has ${a.join(', ')}`);
  return out;
}
