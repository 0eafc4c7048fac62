import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../cli/main';
import { LocalStorage } from '../../../runtime/storage/local-storage';
export { tempDir } from '../../runtime/support/lake';

/** `lakec …` in this process: exit code, stdout and stderr (nothing reaches the terminal). */
export async function lakec(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** `lakec … --json`: the one JSON object it prints (the test fails on anything else). */
export async function lakecJson(...argv: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const r = await lakec(...argv, '--json');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(r.out) as Record<string, unknown>;
  } catch {
    throw new Error(`lakec ${argv.join(' ')} --json printed no JSON (exit ${r.code}):\n${r.out}\n${r.err}`);
  }
  return { code: r.code, json, err: r.err };
}

export const HEADER = 'transaction_id,account_id,amount,currency,transaction_type,transaction_timestamp';

/** The acceptance delivery: 4 good rows, 1 bad, 1 exact duplicate. */
export const SMOKE_DELIVERY = `${HEADER}
S1,ACC000001,100.00,EUR,DEPOSIT,2024-01-10T09:00:00Z
S2,ACC000001,-40.50,EUR,WITHDRAWAL,2024-01-20T09:00:00Z
S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z
S4,ACC000001,5.25,EUR,INTEREST,2024-03-31T23:59:59Z
S5,ACC000003,1.000,EUR,DEPOSIT,2024-02-01T00:00:00Z
S3,ACC000002,10.00,USD,FEE,2024-02-03T09:00:00Z
`;

/** Writes a delivery file and runs it into the lake with `lakec run`; fails the test unless it publishes. */
export async function deliver(dir: string, lake: string, specs: string, name: string, csv: string): Promise<Record<string, unknown>> {
  const file = join(dir, name);
  writeFileSync(file, csv);
  const r = await lakecJson('run', 'mortgages.transactions', file, '--lake', lake, '--specs', specs);
  if (r.json.status !== 'published') throw new Error(`delivery ${name} was not published: ${JSON.stringify(r.json)}`);
  return r.json;
}

export function readJson(lake: string, key: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new LocalStorage(lake).localPath(key), 'utf8')) as Record<string, unknown>;
}

/** Rows of `lakec query --format json`. */
export async function query(lake: string, specs: string, sql: string): Promise<Record<string, unknown>[]> {
  const r = await lakec('query', sql, '--lake', lake, '--specs', specs, '--format', 'json');
  if (r.code !== 0) throw new Error(`lakec query failed: ${r.err}`);
  return JSON.parse(r.out) as Record<string, unknown>[];
}
