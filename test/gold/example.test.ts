import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SAMPLE_DELIVERY, sampleDelivery } from '../../examples/sample-delivery';
import { cliBundle } from '../runtime/support/bundle';
import { EXAMPLE_SPECS, REPO_ROOT } from '../support/specs';
import { query, tempDir } from './support/lake-cli';

/**
 * README's main command, `npm run example` (examples/quickstart.sh), on the bundled sample delivery: it runs
 * whole, and the month-end report it prints agrees with the delivery computed here by hand.
 */
const t = tempDir('lakec-example-');
afterAll(() => t.cleanup());

test('the committed sample delivery is exactly what its generator writes', () => {
  expect(readFileSync(join(REPO_ROOT, SAMPLE_DELIVERY), 'utf8')).toBe(sampleDelivery());
});

test('npm run example: check, build, run, three Gold runs and the month-end report; the figures agree with the delivery', async () => {
  const lake = join(t.dir, 'lake');
  const { stdout } = await promisify(execFile)('bash', [join(REPO_ROOT, 'examples', 'quickstart.sh')], {
    cwd: REPO_ROOT,
    env: { ...process.env, LAKEC_CLI: cliBundle(), LAKEC_EXAMPLE_LAKE: lake, LAKEC_EXAMPLE_BUILD: join(t.dir, 'build') },
    maxBuffer: 1 << 24,
  });
  expect(stdout).toMatch(/lakec run mortgages\.transactions: PUBLISHED .*\n {2}rows in +530\n {2}silver +521\n {2}quarantined +8 .*\n {2}condemned +1 +\(1 duplicate, 0 at max_attempts\)/);
  for (const g of ['account_balances', 'monthly_reports', 'transaction_summaries']) expect(stdout).toMatch(new RegExp(`lakec gold finance\\.${g}: PUBLISHED`));
  expect(stdout).toMatch(/== Month-end report, June 2024 .*\nas_of_month \| currency \| inflow +\| outflow +\| net +\| transactions \| active_accounts\n/);
  expect(stdout).toMatch(/\(3 rows\)\n/);

  // The June report and balances, computed from the delivery: rows that break the contract and the repeated row left out.
  const lines = sampleDelivery().trim().split('\n').slice(1).map((l) => l.split(','));
  const seen = new Set<string>();
  const valid = lines.filter((c) => {
    const key = c.join(',');
    const ok = c.length === 6 && !c[0]!.startsWith('BAD') && !seen.has(key);
    seen.add(key);
    return ok;
  });
  expect(valid).toHaveLength(521);
  const cents = (a: string) => BigInt(a.replace('.', ''));
  const money = (c: bigint) => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;
  const june = valid.filter((c) => c[5]!.startsWith('2024-06'));
  const report = ['EUR', 'GBP', 'USD'].map((currency) => {
    const rows = june.filter((c) => c[3] === currency);
    const amounts = rows.map((c) => cents(c[2]!));
    return {
      currency,
      inflow: money(amounts.filter((a) => a > 0n).reduce((s, a) => s + a, 0n)),
      outflow: money(-amounts.filter((a) => a < 0n).reduce((s, a) => s + a, 0n)),
      net: money(amounts.reduce((s, a) => s + a, 0n)),
      transactions: rows.length,
      active_accounts: new Set(rows.map((c) => c[1])).size,
    };
  });
  expect(await query(lake, EXAMPLE_SPECS, "select currency, inflow, outflow, net, transactions, active_accounts from gold_finance.monthly_reports_v1 where as_of_month = '2024-06' order by currency")).toEqual(report);
  const balance = (account: string, currency: string) => money(valid.filter((c) => c[1] === account && c[3] === currency && c[5]! < '2024-07').reduce((s, c) => s + cents(c[2]!), 0n));
  const got = await query(lake, EXAMPLE_SPECS, "select account_id, currency, balance from gold_finance.account_balances_v1 where as_of_month = '2024-06'");
  expect(got.length).toBeGreaterThan(30);
  for (const r of got) expect([r.account_id, r.currency, r.balance]).toEqual([r.account_id, r.currency, balance(String(r.account_id), String(r.currency))]);
  expect(got.find((r) => r.account_id === 'ACC999001')?.balance).toBe('-765.50');
}, 120_000);
