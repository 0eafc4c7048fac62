import { formatDiagnostic } from '../../generators/contract/diagnostic';
import { checkContractsLeniently } from '../../generators/diff/lenient-contracts';
import { msg, type Message } from '../../generators/diff/change';
import { diffModels } from '../../generators/diff/diff-models';
import { DIFF_FORMATS, diffStatus, renderDiff, type DiffDocument, type DiffFormat } from '../../generators/diff/render-diff';
import { parseArgs, stringFlag, UsageError } from '../args';
import { EXIT } from '../command';
import { locateSpecs, readContractFilesAt, resolveCommit } from '../git-contracts';
import { DEFAULT_SPECS, loadContracts } from '../load-model';
import { readContractFiles } from '../read-specs';

export const help = [
  'Options:',
  '  --base REF      git ref (branch, tag or commit) whose contracts are the base, e.g. origin/main',
  '  --format F      text (default), markdown (the pull-request comment) or json',
  '  --specs DIR     contracts directory (default dataset-specs/); the base is read from the git repository holding it',
  '',
  'Compares the contracts at REF with the working tree and classifies every change as breaking, compatible or',
  'informational. Exit 1 when a breaking change touches an existing schema_v, a schema_v is removed without being',
  'deprecated at REF first, or the contracts here have errors; 0 otherwise.',
].join('\n');

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { base: 'string', format: 'string', specs: 'string' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const ref = stringFlag(args, 'base');
  if (!ref) throw new UsageError('`--base REF` is required (e.g. --base origin/main)');
  const format = (stringFlag(args, 'format') ?? 'text') as DiffFormat;
  if (!DIFF_FORMATS.includes(format)) throw new UsageError(`unknown format \`${format}\`; use ${DIFF_FORMATS.join(', ')}`);
  const specsDir = stringFlag(args, 'specs') ?? DEFAULT_SPECS;

  const specs = locateSpecs(specsDir);
  const commit = resolveCommit(specs, ref);
  const loaded = loadContracts(specsDir);
  const base = { ref, commit: commit.slice(0, 12) };
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  // With errors here, what does compile is still compared, so the comment says what the change means.
  const head = loaded.model ? { model: loaded.model, broken: [] } : checkContractsLeniently(readContractFiles(specsDir));

  const atBase = readContractFilesAt(specs, commit, ref);
  const notes: Message[] = [];
  if (!atBase.exists) notes.push(msg`${ref} has no ${specs.prefix || './'} directory: every contract here is new.`);
  const compiled = checkContractsLeniently(atBase.files);
  for (const b of compiled.broken) {
    notes.push(msg`${b.path} has errors at the base, so ${b.key ?? 'its contract'} could not be compared; review its changes by hand.`);
  }
  const uncompared = new Map<string, 'base' | 'head'>();
  for (const b of compiled.broken) if (b.key) uncompared.set(b.key, 'base');
  for (const b of head.broken) if (b.key) uncompared.set(b.key, 'head');
  const report = diffModels({ base: compiled.model, head: head.model, uncompared, notes });
  return print({ base, errors, report }, format);
}

function print(doc: DiffDocument, format: DiffFormat): number {
  process.stdout.write(renderDiff(doc, format));
  return diffStatus(doc) === 'ok' ? EXIT.ok : EXIT.failure;
}
