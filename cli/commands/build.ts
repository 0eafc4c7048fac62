import { generateAllParts } from '../../generators/generate-all';
import { parseArgs, stringFlag, UsageError } from '../args';
import { buildConfig } from '../build-config';
import { EXIT } from '../command';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { OutputDir } from '../write-file-map';

export const help = 'Options:\n  --specs DIR   contracts directory (default dataset-specs/)\n  --out DIR     output directory (default build/); lakec owns it';

/** generateAll's files, written contract by contract as they are generated, so a build never holds them all. */
export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', out: 'string' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const outDir = stringFlag(args, 'out') ?? 'build';
  const out = OutputDir.open(outDir);
  for (const files of generateAllParts(model, buildConfig())) out.write(files);
  const { written, removed } = out.close();
  process.stdout.write(`built ${written} file${written === 1 ? '' : 's'} from ${model.contracts.length} contracts into ${outDir}/${removed ? ` (${removed} stale removed)` : ''}\n`);
  return EXIT.ok;
}
