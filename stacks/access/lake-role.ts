import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { policyJson, type PolicyDocument } from '../iam/policy-document';
import { tfLiteralMap } from '../terraform-string';

/** IAM's limit on the inline policies of one role, all together (whitespace not counted). */
export const ROLE_INLINE_POLICY_LIMIT = 10_240;
/** IAM's limit on one managed policy. */
export const MANAGED_POLICY_LIMIT = 6_144;

/** What the role is for, in its tags: policy checks read them from the synthesized JSON. */
export type RoleKind = 'etl' | 'gold-publisher' | 'gold-trigger' | 'finance' | 'trail-logs' | 'backfill';

export interface LakeRoleProps {
  readonly name: string;
  readonly description: string;
  readonly kind: RoleKind;
  /** `domain.name@vN` for the per-contract roles. */
  readonly contract?: string;
  /** Other contracts the role reads (a Gold publisher reads its source). */
  readonly reads?: readonly string[];
  readonly trust: PolicyDocument;
  readonly policy: PolicyDocument;
  readonly maxSessionSeconds?: number;
}

/** A role with its trust policy and one inline policy, sized against IAM's limit before anything is deployed. */
export class LakeRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: LakeRoleProps) {
    super(scope, id);
    assertPolicySize(props.policy, ROLE_INLINE_POLICY_LIMIT, `the inline policy of role ${props.name}`);
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: props.description,
      assumeRolePolicy: policyJson(props.trust),
      maxSessionDuration: props.maxSessionSeconds ?? 3600,
      forceDetachPolicies: true,
      tags: tfLiteralMap({
        'lakec:role': props.kind,
        ...(props.contract ? { 'lakec:contract': props.contract } : {}),
        ...(props.reads?.length ? { 'lakec:reads': props.reads.join(',') } : {}),
      }),
    });
    this.policy = new IamRolePolicy(this, 'policy', { name: 'lakec-least-privilege', role: this.role.id, policy: policyJson(props.policy) });
  }
}

/**
 * Fails synth when a policy would exceed an IAM size limit, counting each cdktf token (a key ARN) at the
 * length of the longest ARN it can become.
 */
export function assertPolicySize(doc: PolicyDocument, limit: number, what: string): void {
  const text = JSON.stringify(doc).replace(/\$\{TfToken\[[^\]]+\]\}/g, 'x'.repeat(100));
  if (text.length > limit) {
    throw new Error(`${what} would be ${text.length} characters, over IAM's limit of ${limit}`);
  }
}
