/**
 * `npm run policy [-- DIR]`: runs every policy check over each synthesized stack in DIR (default
 * cdktf.out/stacks) and exits 1 on any finding. CI runs it after `cdktf synth`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_CHECKS, runPolicyChecks } from './policy-checks';
import type { TerraformJson } from './terraform-json';

function main(): number {
  const dir = process.argv[2] ?? join('cdktf.out', 'stacks');
  if (!existsSync(dir)) {
    process.stderr.write(`policy: ${dir} does not exist; run \`npx cdktf synth\` first\n`);
    return 2;
  }
  const stacks = readdirSync(dir).filter((s) => existsSync(join(dir, s, 'cdk.tf.json'))).sort();
  if (stacks.length === 0) {
    process.stderr.write(`policy: no cdk.tf.json under ${dir}\n`);
    return 2;
  }
  let failures = 0;
  for (const stack of stacks) {
    const doc = JSON.parse(readFileSync(join(dir, stack, 'cdk.tf.json'), 'utf8')) as TerraformJson;
    const findings = runPolicyChecks(doc);
    failures += findings.length;
    process.stdout.write(`${stack}: ${POLICY_CHECKS.length} checks, ${findings.length ? `${findings.length} finding${findings.length === 1 ? '' : 's'}` : 'all pass'}\n`);
    for (const f of findings) process.stdout.write(`  FAIL ${f.check}  ${f.address}: ${f.message}\n`);
  }
  return failures ? 1 : 0;
}

process.exitCode = main();
