import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireModel } from '../../cli/load-model';
import { build60MonthLake, goldReportScan, silverReportScan } from '../gold-lake';

/** A 60-month lake (args: SPECS ROWS_PER_MONTH), the three Gold runs, and the month-end report's scans. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const [specs, perMonth] = args;
  const model = requireModel(specs!);
  const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-gold-'));
  try {
    const built = await build60MonthLake(model, dir, Number(perMonth));
    const month = '2022-03';
    const scans = [
      await goldReportScan(model, built.lake, 'monthly_reports', month),
      await goldReportScan(model, built.lake, 'account_balances', month),
      await silverReportScan(model, built.lake, 'monthly_reports', month),
    ];
    return { rows: built.rows, runSeconds: built.runSeconds, golds: built.golds.map((g) => ({ dataset: g.dataset, rows: g.rows, seconds: g.seconds, files: g.files_written })), scans };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
