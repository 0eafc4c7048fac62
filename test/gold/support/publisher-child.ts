import { publishGoldRun } from '../../../runtime/publish/gold-latest';
import { LocalStorage } from '../../../runtime/storage/local-storage';

/**
 * One concurrent publisher (a process of its own): `node publisher-child.js LAKE PREFIX SWITCHES RUN…` points
 * `_LATEST.json` at random runs of the list, SWITCHES times, and prints one JSON line: the switches it made
 * (run and the run it replaced, as the conditional write saw them) and how many races it lost.
 */
async function main(): Promise<void> {
  const [lake, prefix, count, ...runs] = process.argv.slice(2);
  let conflicts = 0;
  const storage = new LocalStorage(lake!);
  const replace = storage.replace.bind(storage);
  storage.replace = async (key, body, expected) => {
    const ok = await replace(key, body, expected);
    if (!ok) conflicts++;
    return ok;
  };
  const switches: { run_id: string; previous_run_id: string | null }[] = [];
  let seed = process.pid;
  for (let i = 0; i < Number(count); i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const runId = runs[seed % runs.length]!;
    const latest = await publishGoldRun(storage, prefix!, { dataset: 'finance.account_balances@v1', schemaVersion: 'v1', runId, action: 'publish' });
    switches.push({ run_id: latest.run_id, previous_run_id: latest.previous_run_id });
  }
  process.stdout.write(`${JSON.stringify({ switches, conflicts })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
