import { fmt, measureCase } from './measure';

/** The Gold SQL on DuckDB: each example Gold contract computed and reconciled over N silver rows (1M, 10M with `-- gold-sql 10m`). */
export const benchmark = {
  summary: 'example Gold contracts computed and reconciled by the DuckDB SQL over N silver rows (60 months)',
  async run(): Promise<void> {
    const sizes = process.env.LAKEC_BENCH_GOLD_ROWS ? process.env.LAKEC_BENCH_GOLD_ROWS.split(',').map(Number) : [1_000_000];
    process.stdout.write('       rows   gold                     gold s   reconcile s   silver rows/s   gold rows   peak RSS MiB\n');
    for (const n of sizes) {
      const m = await measureCase('gold-sql', [String(n)]);
      for (const [name, r] of Object.entries(m.report)) {
        if (typeof r !== 'object' || r === null) continue;
        const x = r as { goldSeconds: number; reconcileSeconds: number; silverRowsPerSecond: number; goldRows: number };
        process.stdout.write(
          `${String(n).padStart(11)}   ${name.padEnd(22)}   ${fmt(x.goldSeconds).padStart(6)}   ${fmt(x.reconcileSeconds).padStart(11)}   ${String(x.silverRowsPerSecond).padStart(13)}   ${String(x.goldRows).padStart(9)}   ${fmt(m.peakRssMiB, 0).padStart(12)}\n`,
        );
      }
    }
  },
};
