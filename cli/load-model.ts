import { checkContracts, type CheckOptions } from '../generators/contract/compile-contracts';
import { formatDiagnostic, type Diagnostic } from '../generators/contract/diagnostic';
import type { LakeModel } from '../generators/contract/lake-model';
import { UserError } from './command';
import { readContractFiles, SpecsDirError } from './read-specs';

export const DEFAULT_SPECS = 'dataset-specs';

export interface LoadedModel {
  readonly model?: LakeModel;
  readonly diagnostics: readonly Diagnostic[];
  readonly files: number;
}

/** Reads and checks the specs directory. Throws a UserError for a missing directory. */
export function loadContracts(specsDir: string, options: CheckOptions = {}): LoadedModel {
  let files;
  try {
    files = readContractFiles(specsDir);
  } catch (err) {
    if (err instanceof SpecsDirError) throw new UserError(err.message);
    throw err;
  }
  const result = checkContracts(files, options);
  return { ...result, files: files.length };
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], out: NodeJS.WritableStream = process.stderr): void {
  for (const d of diagnostics) out.write(`${formatDiagnostic(d)}\n`);
}

/** For commands that need a valid model: prints diagnostics and stops on errors. */
export function requireModel(specsDir: string): LakeModel {
  const { model, diagnostics, files } = loadContracts(specsDir);
  printDiagnostics(diagnostics.filter((d) => d.severity === 'error' || !model));
  if (files === 0) throw new UserError(`no contracts (*.yaml) found in \`${specsDir}\``);
  if (!model) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    throw new UserError(`${errors} error${errors === 1 ? '' : 's'} in contracts; run \`lakec check\` and fix them first`);
  }
  return model;
}
