import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, measureCase, type Measurement } from './measure';
import { benchDelivery, writeBenchContracts } from './runtime-data';

/**
 * Issue 7's figures: the contract's validation compiled to DuckDB SQL against the same job written by hand
 * for DuckDB (bench/cases/engine-hand.ts), in the same run, each in a fresh process, on the runtime
 * benchmark's deliveries (about 2 % bad rows, 0.2 % exact duplicates, unique transaction ids). The SQL time
 * is DuckDB reading the delivery, validating and writing Parquet (`lines` + `routed` + `copy`); the whole
 * `lakec run --engine duckdb` (bronze copy, SHA-256, files moved into the lake, manifest, publish) and the
 * TypeScript engine are shown beside it. A second reference is the runtime benchmark's DuckDB-alone job
 * (bench/cases/runtime-duckdb.ts: read_csv with typed-as-text columns and store_rejects, the checks, one
 * partitioned COPY). Rows must be conserved and the jobs must agree.
 * Sizes: LAKEC_BENCH_ROWS (default 1000000,10000000); threads: LAKEC_BENCH_THREADS (default 2).
 */
export const benchmark = {
  summary: 'generated DuckDB SQL vs hand-written DuckDB SQL (and a plain read_csv job) for the same job, 1M/10M rows (LAKEC_BENCH_ROWS), with lakec run --engine duckdb|ts',
  async run(): Promise<void> {
    const sizes = (process.env.LAKEC_BENCH_ROWS ?? '1000000,10000000').split(',').map((s) => Number(s.trim()));
    const threads = process.env.LAKEC_BENCH_THREADS ?? '2';
    const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-engine-'));
    try {
      const { specs } = writeBenchContracts(dir, join(__dirname, '..', '..', 'dataset-specs', 'mortgages', 'transactions.yaml'));
      const line = (cells: string[]) => process.stdout.write(`${cells.map((c, i) => (i === 0 ? c.padEnd(11) : c.padStart(10))).join(' ')}\n`);
      process.stdout.write(`\nDuckDB on ${threads} threads; SQL seconds (reading the delivery, validating, COPY to Parquet), wall seconds of fresh processes\n`);
      line(['rows', 'hand SQL', 'rows/s', 'generated', 'rows/s', 'ratio', 'read_csv', 'ratio', 'run duckdb', 'RSS MiB', 'run ts', 'RSS MiB']);
      const notes: string[] = [];
      for (const rows of sizes) {
        const data = await benchDelivery(rows);
        const hand = await measureCase('engine-hand', [data.path, join(dir, `hand-${rows}`), threads]);
        rmSync(join(dir, `hand-${rows}`), { recursive: true, force: true });
        const plain = await measureCase('runtime-duckdb', [data.path, join(dir, `plain-${rows}`), threads]);
        rmSync(join(dir, `plain-${rows}`), { recursive: true, force: true });
        const lake = join(dir, `lake-${rows}`);
        const generated = await measureCase('engine-run', [specs, data.path, lake, threads]);
        rmSync(lake, { recursive: true, force: true });
        const ts = await measureCase('runtime-run', [specs, data.path, join(dir, `ts-${rows}`)]);
        rmSync(join(dir, `ts-${rows}`), { recursive: true, force: true });
        const h = Number(hand.report.seconds);
        const g = Number(generated.report.sql);
        const p = Number(plain.report.seconds);
        line([String(rows), fmt(h), fmt(rows / h, 0), fmt(g), fmt(rows / g, 0), `${fmt(g / h)}x`, fmt(p), `${fmt(g / p)}x`, fmt(generated.wallSeconds), fmt(generated.peakRssMiB, 0), fmt(ts.wallSeconds), fmt(ts.peakRssMiB, 0)]);
        const phases = ['scan', 'lines', 'routed', 'copy', 'move'].map((p) => `${p} ${fmt(Number(generated.report[p] ?? 0))}`).join(', ');
        notes.push(`  ${rows}: hand ${counts(hand)}; generated ${counts(generated)}; ts ${counts(ts)}; --engine duckdb phases: ${phases}`);
        for (const m of [generated, ts]) {
          for (const k of ['rows_in', 'rows_silver', 'rows_quarantined', 'rows_condemned']) {
            if (m.report[k] !== hand.report[k]) throw new Error(`the jobs disagree on ${k}: ${m.report[k]} vs ${hand.report[k]} (hand)`);
          }
        }
        const r = plain.report as Record<string, number>;
        if ([r.rows_in, r.silver, r.quarantined, r.condemned].join() !== ['rows_in', 'rows_silver', 'rows_quarantined', 'rows_condemned'].map((k) => hand.report[k]).join()) {
          throw new Error(`the read_csv job disagrees: ${JSON.stringify(r)}`);
        }
      }
      process.stdout.write(`rows (in = silver + quarantined + condemned), identical in all four:\n${notes.join('\n')}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function counts(m: Measurement): string {
  const r = m.report as Record<string, number>;
  if (r.rows_in !== r.rows_silver! + r.rows_quarantined! + r.rows_condemned!) throw new Error(`rows not conserved: ${JSON.stringify(r)}`);
  return `${r.rows_in} = ${r.rows_silver} + ${r.rows_quarantined} + ${r.rows_condemned}`;
}
