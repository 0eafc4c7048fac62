import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { assumeRolePolicy, policyJson } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';
import { NAME_LIMITS, resourceName } from '../names';
import { financePolicy, financeRestrictedDenies } from './finance-policy';
import { assertPolicySize, LakeRole, MANAGED_POLICY_LIMIT } from './lake-role';

/** IAM's default quota of managed policies attached to one role (one is left for an administrator). */
export const MAX_FINANCE_DENY_POLICIES = 9;

export function financeRoleName(ctx: LakeContext): string {
  return resourceName(ctx.env, ['finance-read'], NAME_LIMITS.iamRole);
}

/**
 * The finance read-only role: assumed by the configured principals, queries only in the finance
 * workgroup, reads Gold and non-restricted Silver. Restricted Silver is denied through managed
 * policies (the deny list grows with restricted contracts; inline policies share one 10 KB budget).
 */
export class FinanceAccess extends Construct {
  readonly role: LakeRole;

  constructor(scope: Construct, id: string, ctx: LakeContext) {
    super(scope, id);
    this.role = new LakeRole(this, 'finance', {
      name: financeRoleName(ctx),
      description: 'Finance: read-only Athena queries on the Gold views (never restricted Silver)',
      kind: 'finance',
      trust: assumeRolePolicy({ AWS: [...ctx.env.financePrincipals].sort() }),
      policy: financePolicy(ctx),
    });
    const denies = financeRestrictedDenies(ctx, MANAGED_POLICY_LIMIT);
    if (denies.length > MAX_FINANCE_DENY_POLICIES) {
      throw new Error(
        `${denies.length} managed policies would be needed to deny the finance role every restricted silver table, over the ${MAX_FINANCE_DENY_POLICIES} a role can hold; ` +
          'move restricted datasets to their own environment or raise the IAM quota and MAX_FINANCE_DENY_POLICIES',
      );
    }
    denies.forEach((doc, i) => {
      const name = resourceName(ctx.env, ['finance-deny-restricted', String(i + 1)], NAME_LIMITS.iamPolicy);
      assertPolicySize(doc, MANAGED_POLICY_LIMIT, `managed policy ${name}`);
      const policy = new IamPolicy(this, `deny-restricted-${i + 1}`, { name, description: 'Finance never reads restricted silver', policy: policyJson(doc) });
      new IamRolePolicyAttachment(this, `deny-restricted-${i + 1}-attachment`, { role: this.role.role.name, policyArn: policy.arn });
    });
  }
}
