import { generateCodeowners } from '../../generators/codeowners/codeowners';
import { booleanFlag, parseArgs, stringFlag, UsageError } from '../args';
import { repositoryPath, repositoryRoot, writeOrCheckCommitted } from '../committed-files';
import { DEFAULT_SPECS, requireModel } from '../load-model';

export const help = [
  'Options:',
  '  --specs DIR   contracts directory (default dataset-specs/)',
  '  --check       do not write: exit 1 when the committed .github/CODEOWNERS differs from the contracts',
  '',
  'Writes .github/CODEOWNERS at the root of the git repository holding the specs: each contract file is owned',
  'by its owners.reviewers.',
].join('\n');

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', check: 'boolean' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const specsDir = stringFlag(args, 'specs') ?? DEFAULT_SPECS;
  const model = requireModel(specsDir);
  const root = repositoryRoot(specsDir);
  const files = generateCodeowners(model, { specsPath: repositoryPath(root, specsDir) });
  return writeOrCheckCommitted(root, files, booleanFlag(args, 'check'), 'lakec codeowners');
}
