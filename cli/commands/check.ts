import { engineFlag, parseArgs, stringFlag, UsageError } from '../args';
import { EXIT } from '../command';
import { DEFAULT_SPECS, loadContracts, printDiagnostics } from '../load-model';

export const help = `Options:
  --specs DIR          contracts directory (default dataset-specs/)
  --engine duckdb|athena   also warn where that SQL engine cannot route a contract's rows exactly as the
                       TypeScript engine does (ts: nothing to add)`;

export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { specs: 'string', engine: 'string' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument \`${args.positionals[0]}\``);
  const specs = stringFlag(args, 'specs') ?? DEFAULT_SPECS;
  const engine = engineFlag(args, ['ts', 'duckdb', 'athena']);
  const { model, diagnostics, files } = loadContracts(specs, engine === 'ts' ? {} : { engine });
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
