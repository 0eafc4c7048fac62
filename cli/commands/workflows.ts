import { DEFAULT_WORKFLOW_CONFIG, generateWorkflows } from '../../generators/workflows/github-workflows';
import { ENVIRONMENTS } from '../../stacks/environments';
import { booleanFlag, parseArgs, UsageError } from '../args';
import { repositoryRoot, writeOrCheckCommitted } from '../committed-files';

export const help = [
  'Options:',
  '  --check   do not write: exit 1 when the committed workflows differ from what lakec generates',
  '',
  'Writes .github/workflows/lakec-pull-request.yml and lakec-deploy.yml at the root of the git repository,',
  'with a plan job and a deploy job per environment of stacks/environments.ts.',
].join('\n');

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { check: 'boolean' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const files = generateWorkflows({ ...DEFAULT_WORKFLOW_CONFIG, environments: ENVIRONMENTS });
  return writeOrCheckCommitted(repositoryRoot('.'), files, booleanFlag(args, 'check'), 'lakec workflows');
}
