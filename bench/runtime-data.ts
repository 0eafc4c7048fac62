import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from './synthetic-contracts';

/**
 * Deliveries for the runtime benchmark, in the example contract's shape (mortgages.transactions):
 * unique transaction ids, about 2 % bad rows spread over the rules (a decimal with three places, a bad
 * account id, an unknown currency, an impossible date, a wrong cell count) and about 0.2 % exact
 * duplicates of earlier rows. Deterministic for a row count and seed; cached under os.tmpdir().
 */
export const BENCH_HEADER = 'transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp';

export interface BenchData {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

export async function benchDelivery(rows: number, seed = 1): Promise<BenchData> {
  const dir = join(tmpdir(), 'lakec-bench-data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `transactions-${rows}-${seed}.csv`);
  const meta = `${path}.json`;
  if (existsSync(path) && existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8')) as BenchData;
  const rnd = prng(seed);
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  let bytes = 0;
  let buf = `${BENCH_HEADER}\n`;
  const currencies = ['EUR', 'USD', 'GBP'];
  const types = ['DEPOSIT', 'WITHDRAWAL', 'INTEREST', 'FEE', 'REPAYMENT', ''];
  const recent: string[] = [];
  for (let i = 0; i < rows; i++) {
    let line: string;
    const r = rnd();
    if (r < 0.002 && recent.length) {
      line = recent[Math.floor(rnd() * recent.length)]!;
    } else {
      const month = 1 + Math.floor(rnd() * 12);
      const day = 1 + Math.floor(rnd() * 28);
      const cents = Math.floor(rnd() * 2_000_000) - 1_000_000;
      const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
      const cells = [
        `TX${String(i).padStart(10, '0')}`,
        `ACC${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}`,
        amount,
        currencies[i % 3]!,
        types[Math.floor(rnd() * types.length)]!,
        `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}:00Z`,
      ];
      const bad = rnd();
      if (bad < 0.004) cells[2] = `${cells[2]}0`;
      else if (bad < 0.008) cells[1] = `AC${cells[1]!.slice(2)}X`;
      else if (bad < 0.012) cells[3] = 'CHF';
      else if (bad < 0.016) cells[5] = '2024-02-30T00:00:00Z';
      else if (bad < 0.02) cells.pop();
      line = cells.join(',');
      if (recent.length < 1000) recent.push(line);
      else if (rnd() < 0.01) recent[Math.floor(rnd() * 1000)] = line;
    }
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      bytes += buf.length;
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  bytes += buf.length;
  await new Promise<void>((resolve, reject) => out.end(buf, () => resolve()).on('error', reject));
  renameSync(tmp, path);
  const data: BenchData = { path, rows, bytes };
  writeFileSync(meta, JSON.stringify(data));
  return data;
}

/**
 * The benchmark's contracts: the example's transactions with its own circuit breaker threshold (the
 * example's 100 an hour would rightly halt a 2 % bad file), and a variant without duplicate detection
 * (no unique column) for the RSS-is-flat figure.
 */
export function writeBenchContracts(dir: string, exampleContract: string): { specs: string; specsNoUnique: string } {
  const text = readFileSync(exampleContract, 'utf8').replace('circuit_breaker_per_hour: 100', 'circuit_breaker_per_hour: 1000000000');
  const specs = join(dir, 'specs');
  const specsNoUnique = join(dir, 'specs-no-unique');
  mkdirSync(join(specs, 'mortgages'), { recursive: true });
  mkdirSync(join(specsNoUnique, 'mortgages'), { recursive: true });
  writeFileSync(join(specs, 'mortgages', 'transactions.yaml'), text);
  writeFileSync(join(specsNoUnique, 'mortgages', 'transactions.yaml'), text.replace('    unique: true\n', ''));
  return { specs, specsNoUnique };
}
