import { generateCatalog } from '../../generators/catalog/catalog';
import { INDEX_PAGE } from '../../generators/catalog/catalog-paths';
import { parseArgs, stringFlag, UsageError } from '../args';
import { EXIT } from '../command';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { writeFileMap } from '../write-file-map';

export const DEFAULT_DOCS_OUT = 'build/docs';

export const help = [
  'Options:',
  '  --specs DIR   contracts directory (default dataset-specs/)',
  `  --out DIR     output directory (default ${DEFAULT_DOCS_OUT}/); lakec owns it`,
  '',
  'Writes a static data catalog in HTML: an index, the lineage, and a page per dataset with every schema',
  'version side by side. No script and no external resource: open index.html from the folder.',
].join('\n');

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', out: 'string' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  const out = stringFlag(args, 'out') ?? DEFAULT_DOCS_OUT;
  const files = generateCatalog(model);
  const { written, removed } = writeFileMap(out, files);
  process.stdout.write(`wrote the data catalog (${written} pages, ${model.contracts.length} contracts) to ${out}/${INDEX_PAGE}${removed ? ` (${removed} stale removed)` : ''}\n`);
  return EXIT.ok;
}
