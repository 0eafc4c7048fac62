import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../bench/synthetic-contracts';

/**
 * The bundled sample delivery of mortgages.transactions (examples/deliveries/…/2024-07-02.csv): what core
 * banking would export for January to June 2024 — 30 accounts, mostly EUR, some with USD or GBP sub-accounts,
 * monthly repayments and interest, fees, deposits and withdrawals; accounts that go quiet for months (their
 * balances are carried forward) and one that goes negative. Eight rows break the contract on purpose
 * (quarantined, each for another rule) and one row is delivered twice (condemned as a duplicate).
 *
 * Regenerate with `npx tsc -p tsconfig.json && node dist/examples/sample-delivery.js`; a test checks the
 * committed file is exactly this output.
 */
export const SAMPLE_DELIVERY = join('examples', 'deliveries', 'mortgages', 'transactions', '2024-07-02.csv');

const HEADER = 'transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp';
const MONTHS = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'];

function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function sampleDelivery(): string {
  const r = prng(20240702);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const rows: string[][] = [];
  let id = 0;
  const add = (account: string, cents: number, currency: string, type: string, month: string, day: number, second: number) => {
    id++;
    const time = `${month}-${String(day).padStart(2, '0')}T${String(8 + (second % 10)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}:${String((second * 7) % 60).padStart(2, '0')}Z`;
    rows.push([`TX${String(id).padStart(6, '0')}`, account, money(cents), currency, type, time]);
  };
  for (let a = 1; a <= 30; a++) {
    const account = `ACC${String(100000 + a * 37).padStart(6, '0')}`;
    const currencies = a % 7 === 0 ? ['EUR', 'USD'] : a % 11 === 0 ? ['EUR', 'GBP'] : ['EUR'];
    const opened = Math.floor(r() * 3);
    // Every fifth account goes quiet for two or three months: its balance is carried forward.
    const quiet = a % 5 === 0 ? new Set([opened + 1, opened + 2, ...(a % 10 === 0 ? [opened + 3] : [])]) : new Set<number>();
    for (let m = opened; m < MONTHS.length; m++) {
      if (quiet.has(m)) continue;
      const month = MONTHS[m]!;
      for (const currency of currencies) {
        const scale = currency === 'EUR' ? 1 : 0.4;
        if (m === opened) add(account, Math.round((50_000 + r() * 250_000) * scale) * 100, currency, 'DEPOSIT', month, 1 + Math.floor(r() * 5), a + m);
        add(account, -Math.round((800 + r() * 900) * scale) * 100, currency, 'REPAYMENT', month, 5, a * 3 + m);
        add(account, Math.round((150 + r() * 400) * scale * 100), currency, 'INTEREST', month, 28, a * 5 + m);
        const extra = Math.floor(r() * 3);
        for (let k = 0; k < extra; k++) {
          const type = pick(['DEPOSIT', 'WITHDRAWAL', 'FEE', 'WITHDRAWAL', 'DEPOSIT', '']);
          const size = Math.round((type === 'FEE' ? 5 + r() * 40 : 20 + r() * 3000) * scale * 100);
          add(account, type === 'WITHDRAWAL' || type === 'FEE' ? -size : size, currency, type, month, 6 + Math.floor(r() * 20), a * 11 + m * 3 + k);
        }
      }
    }
  }
  // An account that spends more than it has: its balance goes negative.
  add('ACC999001', 20_000, 'EUR', 'DEPOSIT', '2024-02', 2, 1);
  add('ACC999001', -95_050, 'EUR', 'WITHDRAWAL', '2024-04', 17, 2);
  add('ACC999001', -1_500, 'EUR', 'FEE', '2024-04', 30, 3);
  // Rows that break the contract: each is quarantined with the rule it fails.
  const broken: string[][] = [
    ['BAD000001', 'ACC100037', '12,50', 'EUR', 'DEPOSIT', '2024-03-10T10:00:00Z'], // a decimal comma: one cell too many
    ['BAD000002', 'ACC100074', '40.00', 'CHF', 'DEPOSIT', '2024-03-11T10:00:00Z'], // currency not allowed
    ['BAD000003', 'ACC12345', '10.00', 'EUR', 'FEE', '2024-03-12T10:00:00Z'], // account id pattern
    ['BAD000004', 'ACC100111', '10.00', 'EUR', 'FEE', '2024-02-30T10:00:00Z'], // no such day
    ['BAD000005', 'ACC100148', '1.005', 'EUR', 'INTEREST', '2024-04-28T10:00:00Z'], // three decimals
    ['BAD000006', 'ACC100185', '25.00', 'EUR', 'TRANSFER', '2024-05-03T10:00:00Z'], // type not allowed
    ['BAD000007', '', '25.00', 'EUR', 'DEPOSIT', '2024-05-04T10:00:00Z'], // required account id missing
    ['BAD000008', 'ACC100222', '99999999.00', 'EUR', 'DEPOSIT', '2024-06-01T10:00:00Z'], // above max
  ];
  const interleaved: string[][] = [];
  const every = Math.floor(rows.length / broken.length);
  rows.forEach((row, i) => {
    interleaved.push(row);
    if (i % every === every - 1 && broken.length) interleaved.push(broken.shift()!);
  });
  interleaved.push(...broken);
  // A row delivered twice (an export retried mid-file): the copy is condemned as a duplicate.
  interleaved.splice(Math.floor(interleaved.length / 2), 0, [...rows[17]!]);
  return `${[HEADER, ...interleaved.map((c) => c.join(','))].join('\n')}\n`;
}

if (require.main === module) {
  const root = join(__dirname, '..', '..');
  writeFileSync(join(root, SAMPLE_DELIVERY), sampleDelivery());
  process.stdout.write(`wrote ${SAMPLE_DELIVERY}\n`);
}
