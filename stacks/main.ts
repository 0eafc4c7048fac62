/**
 * `cdktf synth` runs this (cdktf.json: `node dist/stacks/main.js`): reads the contracts, checks them like
 * `lakec check`, and synthesizes one stack per environment. LAKEC_SPECS names another specs directory;
 * LAKEC_LOCAL_STATE=1 writes a local backend into every stack.
 */
import { formatDiagnostic } from '../generators/contract/diagnostic';
import { checkContracts } from '../generators/contract/compile-contracts';
import { readContractFiles, SpecsDirError } from '../cli/read-specs';
import { ENVIRONMENTS } from './environments';
import { EnvironmentConfigError, lakeApp } from './lake-app';

function main(): number {
  const specs = process.env.LAKEC_SPECS ?? 'dataset-specs';
  const files = readContractFiles(specs);
  const { model, diagnostics } = checkContracts(files);
  for (const d of diagnostics) if (d.severity === 'error' || !model) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!model) {
    process.stderr.write(`lakec stacks: the contracts in ${specs} have errors; run \`lakec check\` and fix them first\n`);
    return 1;
  }
  if (files.length === 0) {
    process.stderr.write(`lakec stacks: no contracts (*.yaml) found in ${specs}\n`);
    return 1;
  }
  const app = lakeApp(model, ENVIRONMENTS, { localState: process.env.LAKEC_LOCAL_STATE === '1' });
  app.synth();
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  if (err instanceof EnvironmentConfigError || err instanceof SpecsDirError) {
    process.stderr.write(`lakec stacks: ${err.message}\n`);
    process.exitCode = 1;
  } else throw err;
}
