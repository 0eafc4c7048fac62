import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lakec } from '../../support/cli';
import { LocalStorage } from '../../../runtime/storage/local-storage';
export { tempDir } from '../../runtime/support/lake';
export { HEADER, lakec, SMOKE_DELIVERY } from '../../support/cli';

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
