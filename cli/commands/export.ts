import { parseDatasetRef } from '../../generators/contract/dataset-id';
import { resolveContract, type ContractModel } from '../../generators/contract/lake-model';
import { exportOdcs, odcsFileName } from '../../generators/odcs/export-odcs';
import { parseArgs, stringFlag, UsageError } from '../args';
import { EXIT, UserError } from '../command';
import { DEFAULT_SPECS, requireModel } from '../load-model';
import { writeFileMap } from '../write-file-map';

export const DEFAULT_EXPORT_OUT = 'build/odcs';

export const help = [
  'Usage: lakec export odcs [DATASET] [--specs DIR] [--out DIR]',
  '',
  'Options:',
  '  DATASET       domain.name (the newest schema_v that is not deprecated) or domain.name@vN; default: every contract',
  '  --specs DIR   contracts directory (default dataset-specs/)',
  `  --out DIR     output directory (default ${DEFAULT_EXPORT_OUT}/; lakec owns it), or - to print to standard output`,
  '',
  'Writes each contract as an Open Data Contract Standard (ODCS) v3 document, DOMAIN.NAME.vN.odcs.yaml.',
  "lakec's own fields (source format, partitions, quality thresholds, Gold definitions) travel in customProperties,",
  'so that `lakec import odcs` gives back the same contract.',
].join('\n');

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', out: 'string' });
  const [format, dataset, ...rest] = args.positionals;
  if (format !== 'odcs') throw new UsageError(format ? `unknown export format \`${format}\`; lakec exports odcs` : 'say what to export: `lakec export odcs [DATASET]`');
  if (rest.length) throw new UsageError(`unexpected argument \`${rest[0]}\``);
  const model = requireModel(stringFlag(args, 'specs') ?? DEFAULT_SPECS);
  let contracts: readonly ContractModel[] = model.contracts;
  if (dataset !== undefined) {
    const ref = parseDatasetRef(dataset);
    if (!ref) throw new UsageError(`\`${dataset}\` is not a dataset: write domain.name or domain.name@vN`);
    const found = resolveContract(model, ref);
    if (!found) throw new UserError(`no contract \`${dataset}\` in the specs`);
    contracts = [found];
  }
  const out = stringFlag(args, 'out') ?? DEFAULT_EXPORT_OUT;
  if (out === '-') {
    process.stdout.write(contracts.map(exportOdcs).join('---\n'));
    return EXIT.ok;
  }
  const files = new Map(contracts.map((c) => [odcsFileName(c), exportOdcs(c)]));
  const { written } = writeFileMap(out, files);
  process.stdout.write(`exported ${written} ODCS document${written === 1 ? '' : 's'} to ${out}/\n`);
  return EXIT.ok;
}
