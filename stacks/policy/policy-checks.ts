import { IAM_CHECKS } from './checks/iam-checks';
import { KMS_CHECKS } from './checks/kms-checks';
import { S3_CHECKS } from './checks/s3-checks';
import { SERVICE_CHECKS } from './checks/service-checks';
import { TERRAFORM_CHECKS } from './checks/terraform-checks';
import type { Finding, PolicyCheck } from './policy-check';
import type { TerraformJson } from './terraform-json';

/** Every policy check, run over every synthesized stack by the tests and by `npm run policy`. */
export const POLICY_CHECKS: readonly PolicyCheck[] = [...S3_CHECKS, ...KMS_CHECKS, ...IAM_CHECKS, ...SERVICE_CHECKS, ...TERRAFORM_CHECKS];

export function runPolicyChecks(doc: TerraformJson, checks: readonly PolicyCheck[] = POLICY_CHECKS): Finding[] {
  return checks.flatMap((c) => c.run(doc));
}
