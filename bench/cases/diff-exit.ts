import { main } from '../../cli/main';

/** `lakec diff …` in this process; exit 0 or 1 are both results (1: a blocking change), anything else fails. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const write = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => ((bytes += chunk.length), true)) as typeof process.stdout.write;
  try {
    const code = await main(args);
    if (code !== 0 && code !== 1) throw new Error(`lakec ${args.join(' ')} exited with ${code}`);
    return { exitCode: code, bytes };
  } finally {
    process.stdout.write = write;
  }
}
