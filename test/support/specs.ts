import { join } from 'node:path';
import { readContractFiles } from '../../cli/read-specs';
import { checkContracts } from '../../generators/contract/compile-contracts';
import type { LakeModel } from '../../generators/contract/lake-model';

export const REPO_ROOT = join(__dirname, '..', '..');
export const EXAMPLE_SPECS = join(REPO_ROOT, 'dataset-specs');

/** The checked model of a specs directory; fails the test on any contract error. */
export function loadModel(specsDir: string = EXAMPLE_SPECS): LakeModel {
  const result = checkContracts(readContractFiles(specsDir));
  if (!result.model) throw new Error(`contracts in ${specsDir} have errors:\n${result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n')}`);
  return result.model;
}

/** A model from contract texts given inline: { 'demo/x.yaml': 'kind: dataset…' }. */
export function modelFromTexts(files: Record<string, string>): ReturnType<typeof checkContracts> {
  return checkContracts(Object.entries(files).map(([relPath, text]) => ({ path: relPath, relPath, bytes: Buffer.from(text) })));
}
