import { buildConfig } from '../../cli/build-config';
import { requireModel } from '../../cli/load-model';
import { OutputDir } from '../../cli/write-file-map';
import { generateAllParts } from '../../generators/generate-all';

/** What `lakec build` does (cli/commands/build.ts), with the wall seconds of each phase: check, generate, write. */
export async function run([specs, out]: string[]): Promise<Record<string, unknown>> {
  const now = () => process.hrtime.bigint();
  const seconds = (ns: bigint) => Number(ns) / 1e9;
  let t = now();
  const model = requireModel(specs!);
  const check = seconds(now() - t);
  let generate = 0n;
  let write = 0n;
  let bytes = 0;
  const dir = OutputDir.open(out!);
  const parts = generateAllParts(model, buildConfig());
  for (;;) {
    t = now();
    const part = parts.next();
    generate += now() - t;
    if (part.done) break;
    for (const text of part.value.values()) bytes += Buffer.byteLength(text);
    t = now();
    dir.write(part.value);
    write += now() - t;
  }
  t = now();
  const { written } = dir.close();
  write += now() - t;
  return { check, generate: seconds(generate), write: seconds(write), files: written, megabytes: bytes / 1e6 };
}
