import { join } from 'node:path';
import type { ScanFigure } from './gold-lake';
import { fmt, measureCase } from './measure';

/**
 * `npm run bench -- gold`: a 60-month lake from a generated delivery (LAKEC_BENCH_GOLD_ROWS_PER_MONTH rows a
 * month, default 10 000), `lakec gold` for the three example datasets, and how much a month-end report for
 * one month reads against a full scan (files and bytes).
 */
export const benchmark = {
  summary: 'lakec gold on a 60-month lake, and the files a one-month report reads (partition pruning)',
  async run(): Promise<void> {
    const perMonth = Number(process.env.LAKEC_BENCH_GOLD_ROWS_PER_MONTH ?? 10_000);
    const m = await measureCase('gold', [join(__dirname, '..', '..', 'dataset-specs'), String(perMonth)]);
    const r = m.report as { rows: number; runSeconds: number; golds: { dataset: string; rows: number; seconds: number; files: number }[]; scans: ScanFigure[] };
    process.stdout.write(`silver: ${r.rows.toLocaleString('en-US')} rows over 60 months (lakec run ${fmt(r.runSeconds)} s); whole case ${fmt(m.wallSeconds)} s, peak RSS ${fmt(m.peakRssMiB, 0)} MiB\n`);
    process.stdout.write('  gold dataset                    gold rows   files   lakec gold s\n');
    for (const g of r.golds) process.stdout.write(`  ${g.dataset.padEnd(30)}  ${String(g.rows).padStart(9)}   ${String(g.files).padStart(5)}   ${fmt(g.seconds).padStart(12)}\n`);
    process.stdout.write('  month-end report for 2022-03                                        files read        bytes read          less than a full scan\n');
    for (const s of r.scans) {
      const files = `${s.filesOpened}/${s.filesTotal}`;
      const bytes = `${s.bytesOpened.toLocaleString('en-US')}/${s.bytesTotal.toLocaleString('en-US')}`;
      const less = `${fmt(100 * (1 - s.filesOpened / s.filesTotal), 1)} % files, ${fmt(100 * (1 - s.bytesOpened / s.bytesTotal), 1)} % bytes`;
      process.stdout.write(`  ${s.what.padEnd(66)}  ${files.padStart(10)}  ${bytes.padStart(22)}   ${less}\n`);
    }
  },
};
