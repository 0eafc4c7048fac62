import type { LakeKeys } from '../lake-keys';
import { isRunId, runIdAt } from '../publish/run-id';
import type { Storage } from '../storage/storage';
import { parseManifest } from './manifest';

export const BREAKER_WINDOW_MS = 60 * 60 * 1000;

/**
 * The circuit breaker (DESIGN.md): rows failing the same rule and column within a rolling hour, across runs
 * of the dataset, above the contract's `circuit_breaker_per_hour` halt the run. Failures of earlier runs
 * come from the manifests of runs that finished within the hour; duplicates never count.
 */
export class Breaker {
  private readonly counts: Float64Array;

  constructor(
    private readonly limit: number,
    codes: readonly string[],
    private readonly prior: Readonly<Record<string, number>>,
  ) {
    this.counts = new Float64Array(codes.length);
    codes.forEach((c, i) => (this.counts[i] = prior[c] ?? 0));
  }

  /** Counts failing rows (one by default); true when that makes the count go above the limit. */
  fail(code: number, rows = 1): boolean {
    return (this.counts[code]! += rows) > this.limit;
  }

  message(code: number, name: string): string {
    const earlier = this.prior[name] ?? 0;
    return (
      `halted by the circuit breaker: ${this.counts[code]} rows failed \`${name}\` within an hour` +
      `${earlier ? ` (${earlier} of them in earlier runs)` : ''}, above the contract's circuit_breaker_per_hour of ${this.limit}. ` +
      'Nothing was published; the delivery is kept in bronze. Fix the source or the contract, then run again.'
    );
  }
}

/** Failing rows per `rule:column` in runs of this dataset that finished within the last hour. */
export async function recentErrors(storage: Storage, keys: LakeKeys, now: Date): Promise<Record<string, number>> {
  const since = now.getTime() - BREAKER_WINDOW_MS;
  // A run id is its start time: a run that finished within the hour started within the last day, at most
  // a Lambda's or a long run's time before that.
  const oldest = runIdAt(new Date(since - 24 * BREAKER_WINDOW_MS));
  const runs = (await storage.listFolders(keys.runsFolder)).filter((r) => isRunId(r) && r >= oldest);
  const out: Record<string, number> = {};
  for (const runId of runs) {
    const body = await storage.read(keys.runFile(runId, 'manifest.json'));
    if (!body) continue;
    let m;
    try {
      m = parseManifest(body, runId);
    } catch {
      continue;
    }
    if (Date.parse(m.finished_at) < since) continue;
    for (const [code, n] of Object.entries(m.errors)) out[code] = (out[code] ?? 0) + n;
  }
  return out;
}
