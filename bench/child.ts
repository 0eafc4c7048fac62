/**
 * Runs a benchmark case module in this process and prints, as its last stdout line, the case's report
 * and this process's peak RSS. A case module exports `run(args): Promise<Record<string, unknown>>`.
 */
async function main(): Promise<void> {
  const [script, ...args] = process.argv.slice(2);
  const mod = require(script!) as { run(args: string[]): Promise<Record<string, unknown>> };
  const report = await mod.run(args);
  process.stdout.write(`\n${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, report })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
