import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { bucketName, PLATFORM_BUCKETS, type PlatformBucket } from '../../generators/tables/bucket-names';
import { iamRoleArn, s3BucketArn, s3ObjectArn, servicePrincipal, trailArn } from '../arns';
import type { EnvironmentConfig } from '../environments';
import { policyDocument, policyJson, type Statement } from '../iam/policy-document';
import type { KeyPurpose, LakeKeys } from './kms-keys';

/** Lifecycle ages (DESIGN.md, Platform): nothing expires; quarantine stays readable by Athena and `lakec retry`. */
export const QUARANTINE_TO_GLACIER_IR_DAYS = 90;
export const CONDEMNED_TO_GLACIER_DAYS = 5 * 365;
export const ABORT_INCOMPLETE_UPLOADS_DAYS = 7;
/** S3's own default since 2024, set explicitly so the rule never depends on it: small objects stay put. */
export const TRANSITION_MINIMUM_OBJECT_SIZE = 'all_storage_classes_128K';

/** Key prefixes inside the access-logs bucket. */
export const ACCESS_LOG_PREFIX = 's3/';
export const CLOUDTRAIL_PREFIX = 'cloudtrail';

/** The customer key of each bucket; the access-logs bucket uses SSE-S3 (S3 server access logging cannot write SSE-KMS). */
const BUCKET_KEY: Readonly<Record<PlatformBucket, KeyPurpose | undefined>> = {
  bronze: 'bronze',
  silver: 'silver',
  gold: 'gold',
  quarantine: 'quarantine',
  artifacts: 'platform',
  'athena-results': 'platform',
  'access-logs': undefined,
};

export interface LakeBucketsProps {
  readonly env: EnvironmentConfig;
  readonly keys: LakeKeys;
  readonly trailName: string;
  /** Name pattern of the ETL roles (`…-etl-*`): denied every write to bronze by the bucket policy too. */
  readonly etlRolePattern: string;
}

export interface LakeBucket {
  readonly role: PlatformBucket;
  readonly name: string;
  readonly bucket: S3Bucket;
  readonly key?: KmsKey;
}

/**
 * The seven buckets of an environment, each with DESIGN.md's secure defaults: versioning, every public
 * access block, ACLs disabled, default encryption (customer key except access logs) with SSE-C blocked,
 * a TLS-only and deny-foreign-encryption policy, access logging, a lifecycle that never expires lake data.
 * Bronze adds object lock (governance) with governance bypass denied to everyone, and no ETL write.
 */
export class LakeBuckets extends Construct {
  readonly buckets: Readonly<Record<PlatformBucket, LakeBucket>>;
  readonly policies: Readonly<Record<PlatformBucket, S3BucketPolicy>>;
  private readonly policyByBucket = {} as Record<PlatformBucket, S3BucketPolicy>;

  constructor(scope: Construct, id: string, props: LakeBucketsProps) {
    super(scope, id);
    const { env } = props;
    const buckets = {} as Record<PlatformBucket, LakeBucket>;
    for (const role of PLATFORM_BUCKETS) {
      const name = bucketName(env.namePrefix, env.name, role);
      const purpose = BUCKET_KEY[role];
      const key = purpose ? props.keys.keys[purpose] : undefined;
      const bucket = new S3Bucket(this, `${role}-bucket`, {
        bucket: name,
        objectLockEnabled: role === 'bronze',
        forceDestroy: false,
        tags: { 'lakec:bucket': role },
      });
      buckets[role] = { role, name, bucket, ...(key ? { key } : {}) };
    }
    this.buckets = buckets;
    const logs = buckets['access-logs'];
    for (const b of Object.values(buckets)) this.secure(b, logs, props);
    this.policies = this.policyByBucket;
  }

  private secure(b: LakeBucket, logs: LakeBucket, props: LakeBucketsProps): void {
    const { env } = props;
    const bucket = b.bucket.id;
    const id = (what: string) => `${b.role}-${what}`;
    new S3BucketVersioningA(this, id('versioning'), { bucket, versioningConfiguration: { status: 'Enabled' } });
    const publicAccess = new S3BucketPublicAccessBlock(this, id('public-access-block'), {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, id('ownership'), { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, id('encryption'), {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: b.key ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: b.key.arn } : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: b.key ? true : undefined,
          blockedEncryptionTypes: ['SSE-C'],
        },
      ],
    });
    if (b.role !== 'access-logs') {
      new S3BucketLoggingA(this, id('logging'), { bucket, targetBucket: logs.bucket.id, targetPrefix: `${ACCESS_LOG_PREFIX}${b.name}/` });
    }
    new S3BucketLifecycleConfiguration(this, id('lifecycle'), {
      bucket,
      transitionDefaultMinimumObjectSize: TRANSITION_MINIMUM_OBJECT_SIZE,
      rule: lifecycleRules(b.role, env),
    });
    if (b.role === 'bronze') {
      new S3BucketObjectLockConfigurationA(this, id('object-lock'), {
        bucket,
        objectLockEnabled: 'Enabled',
        rule: { defaultRetention: { mode: 'GOVERNANCE', days: env.bronzeRetentionDays } },
      });
    }
    if (b.role === 'bronze' || b.role === 'silver') {
      // New deliveries start the ETL; a silver publish (_PUBLISHED.json) starts the Gold refresh.
      new S3BucketNotification(this, id('eventbridge'), { bucket, eventbridge: true });
    }
    this.policyByBucket[b.role] = new S3BucketPolicy(this, id('policy'), {
      bucket,
      policy: policyJson(policyDocument(bucketPolicyStatements(b, props))),
      dependsOn: [publicAccess],
    });
  }
}

function lifecycleRules(role: PlatformBucket, env: EnvironmentConfig): S3BucketLifecycleConfigurationRule[] {
  const rules: S3BucketLifecycleConfigurationRule[] = [
    {
      id: 'abort-incomplete-multipart-uploads',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_DAYS }],
    },
  ];
  if (role === 'quarantine') {
    rules.push(
      { id: 'quarantine-to-glacier-instant-retrieval', status: 'Enabled', filter: [{ prefix: 'quarantine/' }], transition: [{ days: QUARANTINE_TO_GLACIER_IR_DAYS, storageClass: 'GLACIER_IR' }] },
      { id: 'condemned-to-glacier', status: 'Enabled', filter: [{ prefix: 'condemned/' }], transition: [{ days: CONDEMNED_TO_GLACIER_DAYS, storageClass: 'GLACIER' }] },
    );
  }
  if (role === 'athena-results') {
    // Query results are a cache of what the lake holds, not lake data.
    rules.push({ id: 'expire-query-results', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: env.athenaResultsRetentionDays }] });
  }
  return rules;
}

function bucketPolicyStatements(b: LakeBucket, props: LakeBucketsProps): Statement[] {
  const { env } = props;
  const bucketArn = s3BucketArn(env, b.name);
  const objects = s3ObjectArn(env, b.name, '*');
  const statements: Statement[] = [
    { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: ['s3:*'], Resource: [bucketArn, objects], Condition: { Bool: { 'aws:SecureTransport': false } } },
    { Sid: 'DenyTlsOlderThan12', Effect: 'Deny', Principal: '*', Action: ['s3:*'], Resource: [bucketArn, objects], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
  ];
  // Uploads without an encryption header get the bucket default; an upload asking for another algorithm or key is refused.
  const algorithms = b.key ? ['aws:kms'] : ['AES256', 'aws:kms'];
  statements.push({
    Sid: 'DenyOtherEncryption',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:PutObject'],
    Resource: [objects],
    Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': algorithms }, Null: { 's3:x-amz-server-side-encryption': 'false' } },
  });
  // CloudTrail writes its files to access-logs with the platform key; the Gold refresh's Athena results use the
  // gold key, the backfills' writing workgroups the silver and quarantine keys (stacks/orchestration/backfill.ts).
  const allowedKeys = [
    ...(b.key ? [b.key] : []),
    ...(b.role === 'access-logs' ? [props.keys.keys.platform] : []),
    ...(b.role === 'athena-results' ? [props.keys.keys.gold, props.keys.keys.silver, props.keys.keys.quarantine] : []),
  ];
  if (allowedKeys.length) {
    statements.push({
      Sid: 'DenyOtherKmsKey',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject'],
      Resource: [objects],
      Condition: {
        StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': allowedKeys.map((k) => k.arn) },
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
      },
    });
  }
  if (b.role === 'bronze') {
    statements.push(
      { Sid: 'DenyGovernanceBypass', Effect: 'Deny', Principal: '*', Action: ['s3:BypassGovernanceRetention'], Resource: [bucketArn, objects] },
      {
        Sid: 'DenyEtlWrites',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention'],
        Resource: [objects],
        Condition: { ArnLike: { 'aws:PrincipalArn': iamRoleArn(env, props.etlRolePattern) } },
      },
    );
  }
  if (b.role === 'access-logs') {
    statements.push(
      {
        Sid: 'S3ServerAccessLogsDelivery',
        Effect: 'Allow',
        Principal: { Service: servicePrincipal('logging.s3') },
        Action: ['s3:PutObject'],
        Resource: [s3ObjectArn(env, b.name, `${ACCESS_LOG_PREFIX}*`)],
        Condition: { StringEquals: { 'aws:SourceAccount': env.account }, ArnLike: { 'aws:SourceArn': s3BucketArn(env, `${env.namePrefix}-${env.name}-*`) } },
      },
      {
        Sid: 'CloudTrailAclCheck',
        Effect: 'Allow',
        Principal: { Service: servicePrincipal('cloudtrail') },
        Action: ['s3:GetBucketAcl'],
        Resource: [bucketArn],
        Condition: { StringEquals: { 'aws:SourceArn': trailArn(env, props.trailName) } },
      },
      {
        Sid: 'CloudTrailDelivery',
        Effect: 'Allow',
        Principal: { Service: servicePrincipal('cloudtrail') },
        Action: ['s3:PutObject'],
        Resource: [s3ObjectArn(env, b.name, `${CLOUDTRAIL_PREFIX}/AWSLogs/${env.account}/*`)],
        Condition: { StringEquals: { 'aws:SourceArn': trailArn(env, props.trailName), 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    );
  }
  return statements;
}
