import { parseArgs, stringFlag, UsageError } from '../args';
import { EXIT } from '../command';
import { DEFAULT_SPECS, loadContracts, printDiagnostics } from '../load-model';

export const help = 'Options:\n  --specs DIR   contracts directory (default dataset-specs/)';

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const specs = stringFlag(args, 'specs') ?? DEFAULT_SPECS;
  const { model, diagnostics, files } = loadContracts(specs);
  printDiagnostics(diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (files === 0) {
    process.stderr.write(`lakec check: no contracts (*.yaml) found in \`${specs}\`\n`);
    return EXIT.failure;
  }
  const summary = `${files} contract file${files === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  if (model) {
    const datasets = model.contracts.filter((c) => c.kind === 'dataset').length;
    process.stdout.write(`ok: ${summary} (${datasets} dataset, ${model.contracts.length - datasets} gold)\n`);
    return EXIT.ok;
  }
  process.stderr.write(`${summary}\n`);
  return EXIT.failure;
}
