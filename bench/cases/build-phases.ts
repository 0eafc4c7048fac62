import { buildConfig } from '../../cli/build-config';
import { requireModel } from '../../cli/load-model';
import { writeFileMap } from '../../cli/write-file-map';
import { generateAll } from '../../generators/generate-all';

/** What `lakec build` does (cli/commands/build.ts), phase by phase, with each phase's wall seconds. */
export async function run([specs, out]: string[]): Promise<Record<string, unknown>> {
  const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
  let t = process.hrtime.bigint();
  const model = requireModel(specs!);
  const check = seconds(t);
  t = process.hrtime.bigint();
  const files = generateAll(model, buildConfig());
  const generate = seconds(t);
  t = process.hrtime.bigint();
  const { written } = writeFileMap(out!, files);
  const write = seconds(t);
  let bytes = 0;
  for (const text of files.values()) bytes += Buffer.byteLength(text);
  return { check, generate, write, files: written, megabytes: bytes / 1e6 };
}
