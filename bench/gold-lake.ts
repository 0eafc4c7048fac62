import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { loadDatasetModule } from '../cli/dataset-modules';
import { goldJob } from '../cli/gold-job';
import { main } from '../cli/main';
import { resolveDataset } from '../cli/resolve-dataset';
import { goldsOf, type LakeModel } from '../generators/contract/lake-model';
import { DuckDbPrinter } from '../generators/sql/duckdb-printer';
import { goldQuery, goldTableOf } from '../generators/sql/gold-query';
import { goldSource } from '../generators/sql/gold-source';
import { duckdbValues } from '../generators/sql/sql-template';
import { datasetTables } from '../generators/tables/lake-tables';
import { openDuckSession } from '../runtime/gold/duck-session';
import { runGold } from '../runtime/gold/gold-run';
import type { GoldRunSummary } from '../runtime/gold/gold-summary';
import { runDelivery } from '../runtime/pipeline/run-delivery';
import { readGoldLatest } from '../runtime/publish/gold-latest';
import { readPublished } from '../runtime/publish/silver-published';
import { LocalStorage } from '../runtime/storage/local-storage';
import { prng } from './synthetic-contracts';

/** 60 months: 2020-01 … 2024-12. */
export const LAKE_MONTHS = Array.from({ length: 60 }, (_, i) => `${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);

/**
 * A local lake with 60 months of mortgages.transactions, built the way users build one: a delivery CSV
 * (`rowsPerMonth` rows in each month, 200 accounts) through `lakec run`'s pipeline, then `lakec gold` for
 * every Gold contract. Returns the Gold runs.
 */
export async function build60MonthLake(model: LakeModel, dir: string, rowsPerMonth: number): Promise<{ lake: string; rows: number; golds: GoldRunSummary[]; runSeconds: number }> {
  const file = join(dir, 'sixty-months.csv');
  const out = createWriteStream(file);
  const r = prng(60);
  out.write('transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp\n');
  let n = 0;
  for (const month of LAKE_MONTHS) {
    let chunk = '';
    for (let i = 0; i < rowsPerMonth; i++) {
      const account = `ACC${String(1 + Math.floor(r() * 200)).padStart(6, '0')}`;
      const cents = Math.floor(r() * 2_000_000) - 900_000;
      const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
      const day = String(1 + Math.floor(r() * 28)).padStart(2, '0');
      chunk += `T${++n},${account},${amount},${['EUR', 'USD', 'GBP'][Math.floor(r() * 3)]},${['DEPOSIT', 'WITHDRAWAL', 'FEE', 'INTEREST', 'REPAYMENT'][Math.floor(r() * 5)]},${month}-${day}T${String(Math.floor(r() * 24)).padStart(2, '0')}:15:00Z\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const lake = join(dir, 'lake');
  const storage = new LocalStorage(lake);
  const run = await runDelivery({ module: loadDatasetModule(resolveDataset(model, 'mortgages.transactions')), storage, input: { kind: 'file', path: file }, publish: true });
  if (run.status !== 'published') throw new Error(`the delivery was not published: ${run.status} ${run.message ?? ''}`);
  const golds: GoldRunSummary[] = [];
  for (const g of goldsOf(model)) {
    const s = await runGold({ job: goldJob(model, g), storage });
    if (s.status !== 'published') throw new Error(`${g.id.name}: ${s.status} ${s.message ?? ''}`);
    golds.push(s);
  }
  return { lake, rows: n, golds, runSeconds: run.seconds };
}

export interface ScanFigure {
  /** What was read: a reader table or the Gold query over silver. */
  readonly what: string;
  readonly filesOpened: number;
  readonly filesTotal: number;
  readonly bytesOpened: number;
  readonly bytesTotal: number;
}

/**
 * A month-end report for `month` through `lakec query` (the command itself, in this process): the Gold reader
 * table filtered on its period; DuckDB's plan names how many of the run's Parquet files the scan keeps.
 * Bytes are the sizes of the files of that month against all of the run's.
 */
export async function goldReportScan(model: LakeModel, lake: string, goldName: string, month: string): Promise<ScanFigure> {
  const g = goldsOf(model).find((x) => x.id.name === goldName)!;
  const t = goldTableOf(g);
  const storage = new LocalStorage(lake);
  const latest = (await readGoldLatest(storage, t.prefix))!;
  const files = latest.files ?? [];
  const sizes = await Promise.all(files.map(async (k) => ({ k, bytes: (await storage.size(k)) ?? 0 })));
  const plan = await lakecQueryPlan(lake, `SELECT * FROM ${t.database}.${t.readerName} WHERE ${g.time.as} = '${month}'`);
  const opened = scanningFiles(plan, files.length);
  return {
    what: `lakec query: ${t.database}.${t.readerName} for ${month}`,
    filesOpened: opened.reduce((s, x) => s + x.opened, 0),
    filesTotal: opened.reduce((s, x) => s + x.total, 0),
    bytesOpened: sizes.filter((s) => s.k.includes(`/${g.time.as}=${month}/`)).reduce((s, x) => s + x.bytes, 0),
    bytesTotal: sizes.reduce((s, x) => s + x.bytes, 0),
  };
}

/**
 * The same report computed by the Gold SQL from silver for one month (`month_from` = `month_to`), over the
 * silver reader view `lakec gold` builds from `_PUBLISHED.json`: how many silver files its scans open.
 */
export async function silverReportScan(model: LakeModel, lake: string, goldName: string, month: string): Promise<ScanFigure> {
  const g = goldsOf(model).find((x) => x.id.name === goldName)!;
  const source = goldSource(model, g);
  const silver = datasetTables(source).find((x) => x.layer === 'silver')!;
  const storage = new LocalStorage(lake);
  const published = (await readPublished(storage, `${silver.prefix}schema_v=${source.id.schemaV}/_PUBLISHED.json`))!;
  const parts = published.runs.flatMap((r) => r.partitions);
  const files = parts.flatMap((p) => p.files);
  const session = await openDuckSession();
  try {
    for (const s of goldJob(model, g).sql.sourceView(files.map((k) => storage.localPath(k)))) await session.run(s);
    const printed = new DuckDbPrinter().printQuery(goldQuery(g, source));
    const [row] = await session.rows(`EXPLAIN (FORMAT JSON) ${printed.text}`, duckdbValues(printed, { month_from: month, month_to: month, run_id: '20000101T000000Z', published_at: '2000-01-01 00:00:00.000' }));
    const opened = scanningFiles(JSON.parse(String(row!.explain_value)), files.length);
    const [y, m] = month.split('-').map(Number);
    const monthFiles = parts.filter((p) => p.values.year === y && p.values.month === m).flatMap((p) => p.files);
    const size = async (keys: readonly string[]) => (await Promise.all(keys.map((k) => storage.size(k)))).reduce<number>((s, b) => s + (b ?? 0), 0);
    return {
      what: `Gold SQL of ${g.id.name} for ${month} over published silver`,
      filesOpened: opened.reduce((s, x) => s + x.opened, 0),
      filesTotal: opened.reduce((s, x) => s + x.total, 0),
      bytesOpened: await size(monthFiles),
      bytesTotal: await size(files),
    };
  } finally {
    session.close();
  }
}

/** `lakec query "EXPLAIN (FORMAT JSON) …" --format json`, run as the CLI runs it, stdout captured. */
async function lakecQueryPlan(lake: string, sql: string): Promise<unknown> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await main(['query', `EXPLAIN (FORMAT JSON) ${sql}`, '--lake', lake, '--format', 'json']);
  } finally {
    process.stdout.write = write;
  }
  if (code !== 0) throw new Error(`lakec query exited ${code}`);
  const rows = JSON.parse(out) as { explain_value: string }[];
  return JSON.parse(rows[0]!.explain_value);
}

/** Each Parquet scan of a DuckDB JSON plan: files kept of the files listed (DuckDB names them only when a filter removed some). */
function scanningFiles(plan: unknown, listed: number): { opened: number; total: number }[] {
  type Node = { name: string; children?: Node[]; extra_info?: Record<string, unknown> };
  const out: { opened: number; total: number }[] = [];
  const walk = (n: Node) => {
    if (n.name === 'READ_PARQUET' || n.name === 'PARQUET_SCAN') {
      const kept = n.extra_info?.['Scanning Files'];
      const m = typeof kept === 'string' ? /^([0-9]+)\/([0-9]+)$/.exec(kept) : null;
      out.push(m ? { opened: Number(m[1]), total: Number(m[2]) } : { opened: listed, total: listed });
    }
    (n.children ?? []).forEach(walk);
  };
  (plan as Node[]).forEach(walk);
  return out;
}
