import { generateAll } from '../../generators/generate-all';
import { parseArgs, stringFlag, UsageError } from '../args';
import { buildConfig } from '../build-config';
import { EXIT } from '../command';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { writeFileMap } from '../write-file-map';

export const help = 'Options:\n  --specs DIR   contracts directory (default dataset-specs/)\n  --out DIR     output directory (default build/); lakec owns it';

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', out: 'string' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const out = stringFlag(args, 'out') ?? 'build';
  const files = generateAll(model, buildConfig());
  const { written, removed } = writeFileMap(out, files);
  process.stdout.write(`built ${written} file${written === 1 ? '' : 's'} from ${model.contracts.length} contracts into ${out}/${removed ? ` (${removed} stale removed)` : ''}\n`);
  return EXIT.ok;
}
