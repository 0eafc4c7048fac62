/**
 * `npm run bench [-- NAME…]`: prints figures (wall time, peak RSS, throughput) for each benchmark.
 * Benchmarks print; tests never assert on wall time.
 */
interface Benchmark {
  readonly summary: string;
  readonly run: () => Promise<void>;
}

const BENCHMARKS: Readonly<Record<string, () => Promise<Benchmark>>> = {
  contracts: async () => (await import('./contracts-bench.js')).benchmark,
  engine: async () => (await import('./engine-bench.js')).benchmark,
  gold: async () => (await import('./gold-bench.js')).benchmark,
  'gold-sql': async () => (await import('./gold-sql-bench.js')).benchmark,
  pr: async () => (await import('./pr-bench.js')).benchmark,
  runtime: async () => (await import('./runtime-bench.js')).benchmark,
  synth: async () => (await import('./synth-bench.js')).benchmark,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(BENCHMARKS);
  for (const name of names) {
    const load = BENCHMARKS[name];
    if (!load) {
      process.stderr.write(`unknown benchmark ${name}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
    const b = await load();
    process.stdout.write(`\n== ${name}: ${b.summary}\n`);
    await b.run();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
