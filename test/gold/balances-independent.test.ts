import { goldsOf } from '../../generators/contract/lake-model';
import { EXAMPLE_SPECS, loadModel } from '../support/specs';
import { deliver, HEADER, lakecJson, query, tempDir } from './support/lake-cli';

/**
 * The issue's "done when": on transactions nobody here wrote, every account's month-end balance equals an
 * independent computation to the cent, months without activity included. The transactions come from a
 * generator of this test's own (not the SQL tests' one): another PRNG and seed, 37 accounts with random ids,
 * one to three currencies each, gaps of two to eight quiet months, a month without any transaction at all,
 * heavy-tailed amounts that drive balances negative, times on month boundaries and with UTC offsets that
 * move a transaction into the neighbouring UTC month, broken rows and exact re-deliveries. They go through
 * the real path: three deliveries with `lakec run`, a `lakec gold` after each, `lakec query` to read.
 * The reference is plain TypeScript: BigInt cents per account, currency and UTC month.
 */
const specs = EXAMPLE_SPECS;
const t = tempDir('lakec-balances-');
afterAll(() => t.cleanup());

interface Txn {
  readonly id: string;
  readonly account: string;
  readonly cents: bigint;
  readonly currency: string;
  readonly type: string;
  readonly time: string;
}

/** xorshift32, seeded: another generator than any other test's. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const FIRST = { year: 2019, month: 10 };
const MONTHS = 24; // 2019-10 … 2021-09
const EMPTY_MONTH = 9; // 2020-07: nobody books anything
const monthOf = (i: number) => ({ year: FIRST.year + Math.floor((FIRST.month - 1 + i) / 12), month: ((FIRST.month - 1 + i) % 12) + 1 });
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function money(c: bigint): string {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${pad(Number(a % 100n))}`;
}

function generate(): { valid: Txn[]; broken: string[] } {
  const r = xorshift(0x5eed2025);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const valid: Txn[] = [];
  const ids = new Set<string>();
  let n = 0;
  for (let a = 0; a < 37; a++) {
    let account: string;
    do account = `ACC${pad(int(0, 999999), 6)}`;
    while (ids.has(account));
    ids.add(account);
    const currencies = ['EUR', 'USD', 'GBP'].filter((_c, i) => i === a % 3 || r() < 0.45);
    let m = int(0, 14);
    while (m < MONTHS) {
      const activeFor = int(1, 5);
      for (let k = 0; k < activeFor && m < MONTHS; k++, m++) {
        if (m === EMPTY_MONTH) continue;
        const { year, month } = monthOf(m);
        for (const currency of currencies) {
          for (let j = int(1, 6); j > 0; j--) {
            // Heavy tails: mostly small amounts, now and then a very large one; withdrawals often outweigh deposits.
            const size = BigInt(Math.floor(r() ** 4 * 250_000_00) + 1);
            const type = ['DEPOSIT', 'WITHDRAWAL', 'WITHDRAWAL', 'FEE', 'INTEREST', 'REPAYMENT', ''][int(0, 6)]!;
            const cents = type === 'DEPOSIT' || type === 'INTEREST' ? size : -size;
            const last = daysIn(year, month);
            // No offset may carry a transaction into the empty month.
            const drawn = int(0, 9);
            const shape = (drawn === 2 && m === EMPTY_MONTH + 1) || (drawn === 3 && m === EMPTY_MONTH - 1) ? 4 : drawn;
            const time =
              shape === 0
                ? `${year}-${pad(month)}-01T00:00:00Z`
                : shape === 1
                  ? `${year}-${pad(month)}-${pad(last)}T23:59:59Z`
                  : shape === 2
                    ? `${year}-${pad(month)}-01T00:30:00+01:00` // the previous UTC month
                    : shape === 3
                      ? `${year}-${pad(month)}-${pad(last)}T23:30:00-02:00` // the next UTC month
                      : `${year}-${pad(month)}-${pad(int(1, last))}T${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}${r() < 0.2 ? '+05:30' : 'Z'}`;
            valid.push({ id: `T-${pad(++n, 6)}`, account, cents, currency, type, time });
          }
        }
      }
      m += int(2, 8); // a quiet spell
    }
  }
  const broken = [
    `B-1,ACC000001,1.234,EUR,FEE,2020-01-05T10:00:00Z`,
    `B-2,ACC000001,10.00,JPY,FEE,2020-01-05T10:00:00Z`,
    `B-3,ACC000001,10.00,EUR,FEE,2020-13-05T10:00:00Z`,
    `B-4,ACC1,10.00,EUR,FEE,2020-01-05T10:00:00Z`,
  ];
  return { valid, broken };
}

const csvLine = (x: Txn) => [x.id, x.account, money(x.cents), x.currency, x.type, x.time].join(',');

/** Month-end balances and monthly counts per account and currency, from the first month of each through the latest month of all. */
function reference(txns: readonly Txn[]): Map<string, { balance: string; transactions: number }> {
  const utcMonth = (time: string) => {
    const d = new Date(Date.parse(time));
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  };
  const groups = new Map<string, Map<number, { sum: bigint; count: number }>>();
  let latest = -Infinity;
  for (const x of txns) {
    const m = utcMonth(x.time);
    latest = Math.max(latest, m);
    const key = `${x.account}|${x.currency}`;
    const months = groups.get(key) ?? new Map<number, { sum: bigint; count: number }>();
    groups.set(key, months);
    const cell = months.get(m) ?? { sum: 0n, count: 0 };
    months.set(m, { sum: cell.sum + x.cents, count: cell.count + 1 });
  }
  const out = new Map<string, { balance: string; transactions: number }>();
  for (const [key, months] of groups) {
    let balance = 0n;
    for (let m = Math.min(...months.keys()); m <= latest; m++) {
      const cell = months.get(m);
      balance += cell?.sum ?? 0n;
      out.set(`${key}|${Math.floor(m / 12)}-${pad((m % 12) + 1)}`, { balance: money(balance), transactions: cell?.count ?? 0 });
    }
  }
  return out;
}

test('the example contract reads the generated data as the reference assumes', () => {
  const g = goldsOf(loadModel(specs)).find((x) => x.id.name === 'account_balances')!;
  expect(g.dimensions.map((d) => d.name)).toEqual(['account_id', 'currency']);
  expect(g.measures.find((m) => m.name === 'balance')).toMatchObject({ text: 'sum(amount)', running: true });
  expect(g.filter).toBeUndefined();
});

test('every month-end balance equals the independent computation to the cent, quiet months included, after each delivery', async () => {
  const { valid, broken } = generate();
  // Three deliveries; rows arrive late (a delivery holds rows of any month), some twice.
  const r = xorshift(77);
  const parts: Txn[][] = [[], [], []];
  for (const x of valid) parts[Math.floor(r() * 3)]!.push(x);
  const lake = `${t.dir}/lake`;
  const seen: Txn[] = [];
  for (let i = 0; i < 3; i++) {
    const part = parts[i]!;
    const again = [...part.slice(0, 5), ...(i > 0 ? parts[i - 1]!.slice(0, 3) : [])]; // exact copies: condemned, never counted twice
    const lines = [...part.map(csvLine), ...again.map(csvLine), broken[i]!];
    const run = await deliver(t.dir, lake, specs, `delivery-${i + 1}.csv`, `${HEADER}\n${lines.join('\n')}\n`);
    expect(run).toMatchObject({ rows_silver: part.length, rows_quarantined: 1, rows_condemned: again.length });
    seen.push(...part);

    const gold = await lakecJson('gold', 'finance.account_balances', '--lake', lake, '--specs', specs, '--allow-restatement');
    expect(gold.json).toMatchObject({ status: 'published', reconciliation: { ok: true } });
    const rows = await query(lake, specs, 'select account_id, currency, as_of_month, balance, transactions from gold_finance.account_balances_v1');
    const got = new Map(rows.map((x) => [`${x.account_id}|${x.currency}|${x.as_of_month}`, { balance: x.balance, transactions: x.transactions }]));
    const want = reference(seen);
    expect(got.size).toBe(want.size);
    expect([...got.entries()].sort()).toEqual([...want.entries()].sort());

    if (i === 2) {
      // What the comparison covered: quiet months, a month nobody booked in, negative balances, several currencies per account.
      const values = [...want.entries()];
      expect(values.filter(([, v]) => v.transactions === 0).length).toBeGreaterThan(200);
      expect(values.filter(([k]) => k.endsWith('|2020-07')).every(([, v]) => v.transactions === 0)).toBe(true);
      expect(values.some(([k]) => k.endsWith('|2020-07'))).toBe(true);
      expect(values.filter(([, v]) => v.balance.startsWith('-')).length).toBeGreaterThan(50);
      const currencies = new Map<string, Set<string>>();
      for (const [k] of values) {
        const [account, currency] = k.split('|') as [string, string];
        currencies.set(account, (currencies.get(account) ?? new Set()).add(currency));
      }
      expect([...currencies.values()].filter((s) => s.size >= 2).length).toBeGreaterThan(10);
      expect([...currencies.values()].some((s) => s.size === 3)).toBe(true);
    }
  }
}, 180_000);
