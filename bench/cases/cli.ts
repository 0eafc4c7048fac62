import { main } from '../../cli/main';

/** Runs one lakec command in this process (the benchmark child), as a user's shell would. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const code = await main(args);
  if (code !== 0) throw new Error(`lakec ${args.join(' ')} exited with ${code}`);
  return { exitCode: code };
}
