import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measureCase, type Measurement } from './measure';
import { benchDelivery, writeBenchContracts } from './runtime-data';

/**
 * Issue 4's figures: `lakec run` on generated deliveries (about 2 % bad rows, 0.2 % exact duplicates, unique
 * transaction ids checked) against the same job done by DuckDB alone in the same run, each in a fresh
 * process (wall time and peak RSS); validation alone; and peak RSS without duplicate detection.
 * Sizes: LAKEC_BENCH_ROWS (default 1000000,5000000,10000000; e.g. LAKEC_BENCH_ROWS=200000 for a quick look).
 */
export const benchmark = {
  summary: 'lakec run vs DuckDB alone on 1M/5M/10M rows (LAKEC_BENCH_ROWS), validation alone, RSS without duplicate detection',
  async run(): Promise<void> {
    const sizes = (process.env.LAKEC_BENCH_ROWS ?? '1000000,5000000,10000000').split(',').map((s) => Number(s.trim()));
    const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-runtime-'));
    try {
      const { specs, specsNoUnique } = writeBenchContracts(dir, join(__dirname, '..', '..', 'dataset-specs', 'mortgages', 'transactions.yaml'));
      const line = (cells: string[]) => process.stdout.write(`${cells.map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(11))).join(' ')}\n`);
      process.stdout.write('\nlakec run (worker threads: Parquet, SHA-256) against DuckDB alone (2 threads, one pass), wall time in fresh processes\n');
      line(['rows', 'MB', 'lakec s', 'rows/s', 'MB/s', 'RSS MiB', 'DuckDB s', 'rows/s', 'RSS MiB', 'ratio']);
      const details: string[] = [];
      for (const rows of sizes) {
        const data = await benchDelivery(rows);
        const lake = join(dir, `lake-${rows}`);
        const ours = await measureCase('runtime-run', [specs, data.path, lake]);
        rmSync(lake, { recursive: true, force: true });
        const duck = await measureCase('runtime-duckdb', [data.path, join(dir, `duck-${rows}`)]);
        rmSync(join(dir, `duck-${rows}`), { recursive: true, force: true });
        const mb = data.bytes / 1e6;
        const r1 = rows / ours.wallSeconds;
        const r2 = rows / duck.wallSeconds;
        line([String(rows), fmt(mb, 0), fmt(ours.wallSeconds), fmt(r1, 0), fmt(mb / ours.wallSeconds, 1), fmt(ours.peakRssMiB, 0), fmt(duck.wallSeconds), fmt(r2, 0), fmt(duck.peakRssMiB, 0), `${fmt(r1 / r2)}x`]);
        details.push(`  ${rows}: lakec ${counts(ours)}; DuckDB ${counts(duck)}`);
      }
      process.stdout.write(`row counts (in = silver + quarantined + condemned):\n${details.join('\n')}\n`);

      process.stdout.write('\nvalidation alone (CSV reader + generated checks; with duplicate check: + SHA-256 row hash, exact-duplicate and unique sets)\n');
      line(['rows', 'checks s', 'rows/s', '+dedup s', 'rows/s', 'RSS MiB']);
      for (const rows of sizes) {
        const data = await benchDelivery(rows);
        const checks = await measureCase('runtime-validate', [specs, data.path, 'checks']);
        const dedup = await measureCase('runtime-validate', [specs, data.path, 'dedup']);
        const s1 = Number(checks.report.seconds);
        const s2 = Number(dedup.report.seconds);
        line([String(rows), fmt(s1), fmt(rows / s1, 0), fmt(s2), fmt(rows / s2, 0), fmt(dedup.peakRssMiB, 0)]);
      }

      process.stdout.write('\npeak RSS of lakec run without duplicate detection (no unique column, no exact-duplicate set): flat in file size\n');
      line(['rows', 'seconds', 'RSS MiB']);
      for (const rows of sizes) {
        const data = await benchDelivery(rows);
        const lake = join(dir, `flat-${rows}`);
        const m = await measureCase('runtime-run', [specsNoUnique, data.path, lake, '--no-dedup']);
        rmSync(lake, { recursive: true, force: true });
        line([String(rows), fmt(m.wallSeconds), fmt(m.peakRssMiB, 0)]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function counts(m: Measurement): string {
  const r = m.report as Record<string, number>;
  return `${r.rows_in} = ${r.rows_silver ?? r.silver} + ${r.rows_quarantined ?? r.quarantined} + ${r.rows_condemned ?? r.condemned}`;
}
