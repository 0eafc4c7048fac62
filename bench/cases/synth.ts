import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readContractFiles } from '../../cli/read-specs';
import { checkContracts } from '../../generators/contract/compile-contracts';
import { ENVIRONMENTS } from '../../stacks/environments';
import { lakeApp } from '../../stacks/lake-app';

/** What `cdktf synth` runs (stacks/main.ts), in this process: contracts → one stack per environment. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const [specs, outdir] = args;
  if (!specs || !outdir) throw new Error('usage: synth SPECS OUTDIR');
  const { model } = checkContracts(readContractFiles(specs));
  if (!model) throw new Error(`contracts in ${specs} have errors`);
  lakeApp(model, ENVIRONMENTS, { outdir }).synth();
  let resources = 0;
  let bytes = 0;
  for (const stack of readdirSync(join(outdir, 'stacks'))) {
    const file = join(outdir, 'stacks', stack, 'cdk.tf.json');
    bytes += statSync(file).size;
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    resources += Object.values(doc.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  }
  return { contracts: model.contracts.length, stacks: ENVIRONMENTS.length, resources, bytes };
}
