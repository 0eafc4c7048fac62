import { policyCheck, type PolicyCheck } from '../policy-check';
import { strings, templateSequences } from '../terraform-json';

/** What a `${…}` in our JSON may hold: a reference to something the configuration declares. */
const REFERENCE = /^(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_]+|\[[0-9]+\])*$/;

export const TERRAFORM_CHECKS: readonly PolicyCheck[] = [
  policyCheck(
    'LAKEC_TF_NO_STRAY_TEMPLATES',
    'issue 3 (contract text goes through one Terraform-string escape: a hostile description never becomes an interpolation)',
    'Ensure every ${…} is a reference to a declared resource and no %{…} directive exists',
    (doc, fail) => {
      const declared = new Set<string>();
      for (const [type, byName] of Object.entries(doc.resource ?? {})) for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);
      for (const { path, value } of strings(doc)) {
        if (path.startsWith('//') || path.includes('.//')) continue;
        for (const seq of templateSequences(value)) {
          if (seq.startsWith('%{')) {
            fail(path, `template directive ${seq.slice(0, 60)} would be evaluated`);
            continue;
          }
          const target = seq.split('.').slice(0, 2).join('.');
          if (!REFERENCE.test(seq) || !declared.has(target)) fail(path, `\${${seq.slice(0, 60)}} would be evaluated by Terraform`);
        }
      }
    },
  ),
];
