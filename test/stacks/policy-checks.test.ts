import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { TerraformStack, Testing } from 'cdktf';
import { POLICY_CHECKS, runPolicyChecks } from '../../stacks/policy/policy-checks';
import type { TerraformJson } from '../../stacks/policy/terraform-json';
import { ENVIRONMENTS } from '../../stacks/environments';
import { exampleStack } from './support';
import { MUTATIONS, type MutableDoc } from './policy-mutations';

describe('policy checks', () => {
  it('are named after the Checkov ids they mirror, or LAKEC_ with what they mirror', () => {
    for (const c of POLICY_CHECKS) {
      if (c.id.startsWith('LAKEC_')) expect(c.mirrors.length).toBeGreaterThan(5);
      else expect(c.id).toMatch(/^CKV2?_AWS_[0-9]+$/), expect(c.mirrors).toBe(`Checkov ${c.id}`);
    }
    expect(new Set(POLICY_CHECKS.map((c) => c.id)).size).toBe(POLICY_CHECKS.length);
  });

  it.each(ENVIRONMENTS.map((e) => e.name))('all pass on the %s stack of the example contracts', (env) => {
    expect(runPolicyChecks(exampleStack(env).doc)).toEqual([]);
  });

  it('every check has a deliberately broken stack that makes it fail', () => {
    expect(Object.keys(MUTATIONS).sort()).toEqual(POLICY_CHECKS.map((c) => c.id).sort());
  });

  describe.each(POLICY_CHECKS.map((c) => [c.id, c] as const))('%s', (id, check) => {
    it('fails on its broken stack, naming the resource', () => {
      const { doc } = exampleStack('dev');
      MUTATIONS[id]!(doc as Mutable);
      const findings = check.run(doc);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) expect(f.check).toBe(id), expect(f.address.length).toBeGreaterThan(0);
    });
  });
});

describe('a stack written without the lakec constructs', () => {
  it('fails the checks a naive bucket, key, role, topic, log group and workgroup would', () => {
    const app = Testing.app({ stubVersion: true });
    const stack = new TerraformStack(app, 'naive');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new S3Bucket(stack, 'data', { bucket: 'naive-data', tags: { 'lakec:bucket': 'bronze' } });
    new KmsKey(stack, 'key', { description: 'no rotation' });
    const role = new IamRole(stack, 'role', { name: 'naive', assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }) });
    new IamRolePolicy(stack, 'policy', { role: role.id, policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:PassRole'], Resource: '*' }] }) });
    new SnsTopic(stack, 'topic', { name: 'naive' });
    new CloudwatchLogGroup(stack, 'logs', { name: 'naive' });
    new AthenaWorkgroup(stack, 'wg', { name: 'naive' });
    const doc = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const failed = new Set(runPolicyChecks(doc).map((f) => f.check));
    for (const id of ['CKV_AWS_18', 'CKV_AWS_21', 'CKV2_AWS_6', 'CKV_AWS_145', 'CKV2_AWS_65', 'CKV2_AWS_61', 'CKV_AWS_143', 'LAKEC_S3_TLS_ONLY', 'CKV_AWS_7', 'CKV2_AWS_64', 'CKV_AWS_355', 'CKV_AWS_286', 'CKV_AWS_60', 'LAKEC_IAM_NO_ACTION_WILDCARDS', 'CKV_AWS_26', 'CKV_AWS_66', 'CKV_AWS_158', 'CKV_AWS_82', 'CKV_AWS_159', 'LAKEC_PROVIDER_PINNED_ACCOUNT']) {
      expect([...failed]).toContain(id);
    }
  });
});

type Mutable = MutableDoc;
