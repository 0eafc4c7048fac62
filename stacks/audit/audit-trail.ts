import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import type { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { logGroupArn, logStreamsArn, s3ObjectArn, servicePrincipal, trailArn } from '../arns';
import { allow, assumeRolePolicy, policyDocument } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';
import { LakeRole } from '../access/lake-role';
import { logGroup } from '../observability/log-group';
import { NAME_LIMITS, resourceName } from '../names';
import { CLOUDTRAIL_PREFIX } from '../storage/lake-buckets';

export function trailLogGroupName(ctx: LakeContext): string {
  return `/aws/cloudtrail/${ctx.trailName}`;
}

/**
 * The environment's trail: every region's management events, plus S3 data events (reads and writes of
 * each object) on the gold and quarantine buckets — who read which finance figures and which rejected
 * rows. Log files are KMS-encrypted with digest validation, and also sent to CloudWatch Logs.
 */
export class AuditTrail extends Construct {
  constructor(scope: Construct, id: string, ctx: LakeContext, dependsOn: S3BucketPolicy) {
    super(scope, id);
    const { env } = ctx;
    const groupName = trailLogGroupName(ctx);
    const group = logGroup(this, 'log-group', env, groupName, ctx.keyArns.platform);
    const roleName = resourceName(env, ['trail-logs'], NAME_LIMITS.iamRole);
    const role = new LakeRole(this, 'logs-role', {
      name: roleName,
      description: 'CloudTrail delivers the audit trail to CloudWatch Logs',
      kind: 'trail-logs',
      trust: assumeRolePolicy({ Service: servicePrincipal('cloudtrail') }, { StringEquals: { 'aws:SourceArn': trailArn(env, ctx.trailName) } }),
      policy: policyDocument([allow('DeliverTrailToLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logStreamsArn(env, groupName)])]),
    });
    const objects = (bucket: string) => s3ObjectArn(env, bucket, '');
    new Cloudtrail(this, 'trail', {
      name: ctx.trailName,
      s3BucketName: ctx.bucketNames['access-logs'],
      s3KeyPrefix: CLOUDTRAIL_PREFIX,
      kmsKeyId: ctx.keyArns.platform,
      enableLogging: true,
      enableLogFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      cloudWatchLogsGroupArn: `${logGroupArn(env, groupName)}:*`,
      cloudWatchLogsRoleArn: role.role.arn,
      advancedEventSelector: [
        { name: 'Management events', fieldSelector: [{ field: 'eventCategory', equalTo: ['Management'] }] },
        {
          name: 'S3 data events on gold and quarantine',
          fieldSelector: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            { field: 'resources.ARN', startsWith: [objects(ctx.bucketNames.gold), objects(ctx.bucketNames.quarantine)] },
          ],
        },
      ],
      dependsOn: [dependsOn, group],
    });
  }
}
