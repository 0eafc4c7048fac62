import type { TerraformJson } from './terraform-json';

export interface Finding {
  readonly check: string;
  /** Terraform address of the offending resource (`aws_s3_bucket.buckets-bronze-bucket`). */
  readonly address: string;
  readonly message: string;
}

/**
 * One static check over a synthesized stack. `id` is the Checkov id the check mirrors where Checkov has
 * one (same resource, same intent); checks Checkov lacks are `LAKEC_…` and say what they mirror.
 */
export interface PolicyCheck {
  readonly id: string;
  readonly mirrors: string;
  readonly title: string;
  readonly run: (doc: TerraformJson) => Finding[];
}

export function policyCheck(id: string, mirrors: string, title: string, run: (doc: TerraformJson, fail: (address: string, message: string) => void) => void): PolicyCheck {
  return {
    id,
    mirrors,
    title,
    run(doc) {
      const findings: Finding[] = [];
      run(doc, (address, message) => findings.push({ check: id, address, message }));
      return findings;
    },
  };
}

/** `Checkov CKV_AWS_18: Ensure the S3 bucket has access logging enabled` */
export function checkov(id: string, title: string, run: Parameters<typeof policyCheck>[3]): PolicyCheck {
  return policyCheck(id, `Checkov ${id}`, title, run);
}
