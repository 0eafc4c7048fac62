import { parseArgs, stringFlag, UsageError } from '../args';
import { EXIT, UserError } from '../command';
import { openLake, requireLocalLake } from '../lake-location';
import { lakeViewStatements, readLakeSnapshot } from '../lake-views';
import { DEFAULT_SPECS, requireModel } from '../load-model';

export const help = `Arguments:
  SQL            DuckDB SQL over the reader tables, e.g. "select * from silver_mortgages.transactions_v1"
Options:
  --lake DIR     the local lake (default ./lake)
  --format F     table (default), csv or json
  --specs DIR    contracts directory (default dataset-specs/)
Tables (as in Athena): bronze_{domain}.{name}_{v} (raw strings), silver_…, quarantine_… and
quarantine_{domain}.{name}_{v}_condemned, gold_…; published runs only, rebuilt from the control
objects on every call.`;

type Format = 'table' | 'csv' | 'json';

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', lake: 'string', format: 'string' });
  const [sql, ...rest] = args.positionals;
  if (!sql) throw new UsageError('expected SQL, e.g. lakec query "select count(*) from silver_mortgages.transactions_v1"');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\` (quote the SQL as one argument)`);
  const format = (stringFlag(args, 'format') ?? 'table') as Format;
  if (!['table', 'csv', 'json'].includes(format)) throw new UsageError(`unknown format \`${format}\`; formats are table, csv and json`);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const storage = openLake(stringFlag(args, 'lake'));
  requireLocalLake(storage, 'lakec query');
  const snapshot = await readLakeSnapshot(storage, model);
  const statements = lakeViewStatements(model, snapshot, (key) => storage.localPath(key)!);

  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    for (const s of statements) await connection.run(s);
    let result;
    try {
      result = await connection.runAndReadAll(sql);
    } catch (err) {
      throw new UserError(typeof (err as { message?: unknown })?.message === 'string' ? (err as { message: string }).message : String(err));
    }
    const names = result.columnNames();
    const types = result.columnTypes().map((t) => String(t));
    const rows = result.getRowsJson() as unknown[][];
    process.stdout.write(render(format, names, types, rows));
  } finally {
    connection.closeSync();
  }
  return EXIT.ok;
}

function render(format: Format, names: string[], types: string[], rows: unknown[][]): string {
  const whole = types.map((t) => /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/.test(t));
  const value = (v: unknown, i: number): unknown => (whole[i] && typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v);
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows.map((r) => Object.fromEntries(names.map((n, i) => [n, value(r[i], i)]))), null, 2)}\n`;
    case 'csv':
      return [names, ...rows].map((r) => r.map((v) => csvCell(v)).join(',')).join('\n') + '\n';
    case 'table': {
      const cells = [names, ...rows.map((r) => r.map((v) => (v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v))))];
      const widths = names.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
      const line = (r: unknown[]) => r.map((v, i) => String(v).padEnd(widths[i]!)).join(' | ').trimEnd();
      return `${[line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.slice(1).map(line)].join('\n')}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`;
    }
  }
}

/** RFC 4180: quoted when it holds a comma, quote or line break; null as an empty cell. */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
