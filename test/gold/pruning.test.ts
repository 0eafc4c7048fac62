import { goldReportScan, LAKE_MONTHS, build60MonthLake, silverReportScan } from '../../bench/gold-lake';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { tempDir } from './support/lake-cli';

/**
 * Partition pruning on a 60-month lake built by `lakec run` and `lakec gold`: a month-end report for one
 * month reads that month's files only — 1 file of 60 through `lakec query` on the Gold tables, and 1 of 60
 * silver files for the Gold SQL of one month. Files and bytes, never time (npm run bench -- gold prints the
 * figures at size).
 */
const model = loadModel(EXAMPLE_SPECS);
const t = tempDir('lakec-pruning-');
afterAll(() => t.cleanup());
let lake: string;

beforeAll(async () => {
  const built = await build60MonthLake(model, t.dir, 20);
  lake = built.lake;
  expect(built.golds.map((g) => g.months.length)).toEqual([60, 60, 60]);
}, 120_000);

test('lakec query: a month-end report opens one Gold file of 60, at least 95 % fewer bytes than a full scan', async () => {
  for (const name of ['monthly_reports', 'account_balances', 'transaction_summaries']) {
    const f = await goldReportScan(model, lake, name, '2022-03');
    expect([name, f.filesOpened, f.filesTotal]).toEqual([name, 1, 60]);
    expect(f.bytesOpened).toBeGreaterThan(0);
    expect(f.bytesOpened).toBeLessThanOrEqual(0.05 * f.bytesTotal);
  }
  expect(LAKE_MONTHS).toHaveLength(60);
});

test('the Gold SQL of one month reads one silver file of 60', async () => {
  const f = await silverReportScan(model, lake, 'monthly_reports', '2023-11');
  expect([f.filesOpened, f.filesTotal]).toEqual([1, 60]);
  expect(f.bytesOpened).toBeLessThanOrEqual(0.05 * f.bytesTotal);
});
