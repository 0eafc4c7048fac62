import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { Construct } from 'constructs';
import { RESULTS_PREFIX, type LakeContext, type Workgroup } from '../lake-context';
import type { KeyPurpose } from '../storage/kms-keys';

export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

const DESCRIPTION: Readonly<Record<Workgroup, string>> = {
  platform: 'lakec platform: reader view replacement by the ETL',
  gold: 'lakec Gold refresh: writes Gold runs (encrypted with the gold key), reconciles, publishes views',
  finance: 'Finance: read-only queries on the Gold views',
};

/**
 * The key each workgroup encrypts with. Athena encrypts what CREATE TABLE AS and INSERT INTO write with
 * the workgroup's result encryption, so the Gold refresh's workgroup uses the gold key: its files land in
 * the gold bucket, which refuses any other key.
 */
export const WORKGROUP_KEY: Readonly<Record<Workgroup, KeyPurpose>> = { platform: 'platform', gold: 'gold', finance: 'platform' };

/**
 * Three workgroups per environment, each with its configuration enforced (clients cannot turn off
 * result encryption or move results), results KMS-encrypted (WORKGROUP_KEY), the environment's
 * bytes-scanned cut-off per query and CloudWatch metrics on.
 */
export class AthenaWorkgroups extends Construct {
  readonly workgroups: Readonly<Record<Workgroup, AthenaWorkgroup>>;

  constructor(scope: Construct, id: string, ctx: LakeContext) {
    super(scope, id);
    const make = (w: Workgroup) =>
      enforcedWorkgroup(this, `${w}-workgroup`, ctx, { name: ctx.workgroups[w], description: DESCRIPTION[w], resultsPrefix: RESULTS_PREFIX[w], kmsKeyArn: ctx.keyArns[WORKGROUP_KEY[w]] });
    this.workgroups = { platform: make('platform'), gold: make('gold'), finance: make('finance') };
  }
}

/**
 * One Athena workgroup as every lakec workgroup is: configuration enforced (clients cannot turn off result
 * encryption or move results), results KMS-encrypted in the Athena results bucket under `resultsPrefix`, the
 * environment's bytes-scanned cut-off per query, CloudWatch metrics on.
 */
export function enforcedWorkgroup(
  scope: Construct,
  id: string,
  ctx: LakeContext,
  w: { readonly name: string; readonly description: string; readonly resultsPrefix: string; readonly kmsKeyArn: string },
): AthenaWorkgroup {
  return new AthenaWorkgroup(scope, id, {
    name: w.name,
    description: w.description,
    state: 'ENABLED',
    forceDestroy: false,
    configuration: {
      enforceWorkgroupConfiguration: true,
      publishCloudwatchMetricsEnabled: true,
      bytesScannedCutoffPerQuery: ctx.env.bytesScannedCutoff,
      requesterPaysEnabled: false,
      engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
      resultConfiguration: {
        outputLocation: `s3://${ctx.bucketNames['athena-results']}/${w.resultsPrefix}`,
        expectedBucketOwner: ctx.env.account,
        encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: w.kmsKeyArn },
        aclConfiguration: { s3AclOption: 'BUCKET_OWNER_FULL_CONTROL' },
      },
    },
  });
}
