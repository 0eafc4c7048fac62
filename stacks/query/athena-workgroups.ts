import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { Construct } from 'constructs';
import { RESULTS_PREFIX, type LakeContext, type Workgroup } from '../lake-context';

export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

const DESCRIPTION: Readonly<Record<Workgroup, string>> = {
  platform: 'lakec platform: ETL view replacement, Gold refresh and reconciliation',
  finance: 'Finance: read-only queries on the Gold views',
};

/**
 * Two workgroups per environment, both with their configuration enforced (clients cannot turn off
 * result encryption or move results), results encrypted with the platform key, the environment's
 * bytes-scanned cut-off per query and CloudWatch metrics on.
 */
export class AthenaWorkgroups extends Construct {
  readonly workgroups: Readonly<Record<Workgroup, AthenaWorkgroup>>;

  constructor(scope: Construct, id: string, ctx: LakeContext, platformKeyArn: string) {
    super(scope, id);
    const make = (w: Workgroup) =>
      new AthenaWorkgroup(this, `${w}-workgroup`, {
        name: ctx.workgroups[w],
        description: DESCRIPTION[w],
        state: 'ENABLED',
        forceDestroy: false,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: ctx.env.bytesScannedCutoff,
          requesterPaysEnabled: false,
          engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
          resultConfiguration: {
            outputLocation: `s3://${ctx.bucketNames['athena-results']}/${RESULTS_PREFIX[w]}`,
            expectedBucketOwner: ctx.env.account,
            encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: platformKeyArn },
            aclConfiguration: { s3AclOption: 'BUCKET_OWNER_FULL_CONTROL' },
          },
        },
      });
    this.workgroups = { platform: make('platform'), finance: make('finance') };
  }
}
