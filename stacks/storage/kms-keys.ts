import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { accountRootArn, logGroupArn, partition, servicePrincipal, trailArn } from '../arns';
import type { EnvironmentConfig } from '../environments';
import { policyDocument, policyJson, type Statement } from '../iam/policy-document';
import { NAME_LIMITS, resourceName } from '../names';

/**
 * The customer keys of an environment, one per purpose so that a grant on one never opens another:
 * a key per data bucket, one for the Glue catalog (every catalog reader needs it) and one for the
 * platform's own records (logs, alarm topics, dead letters, trail, Athena results, artifacts).
 */
export type KeyPurpose = 'bronze' | 'silver' | 'gold' | 'quarantine' | 'catalog' | 'platform';

export const KEY_PURPOSES: readonly KeyPurpose[] = ['bronze', 'silver', 'gold', 'quarantine', 'catalog', 'platform'];

/**
 * Every action a key policy can grant on a key, named one by one (no `kms:*`): the account may manage
 * and use its keys, and IAM policies decide which role uses which key. A KMS action AWS adds later has
 * to be added here before anyone can use it.
 */
export const KMS_KEY_ACTIONS: readonly string[] = [
  'CancelKeyDeletion', 'CreateAlias', 'CreateGrant', 'Decrypt', 'DeleteAlias', 'DeleteImportedKeyMaterial', 'DeriveSharedSecret',
  'DescribeKey', 'DisableKey', 'DisableKeyRotation', 'EnableKey', 'EnableKeyRotation', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GetKeyPolicy', 'GetKeyRotationStatus',
  'GetParametersForImport', 'GetPublicKey', 'ImportKeyMaterial', 'ListGrants', 'ListKeyPolicies', 'ListKeyRotations', 'ListResourceTags',
  'PutKeyPolicy', 'ReEncryptFrom', 'ReEncryptTo', 'ReplicateKey', 'RetireGrant', 'RevokeGrant', 'RotateKeyOnDemand', 'ScheduleKeyDeletion',
  'Sign', 'SynchronizeMultiRegionKey', 'TagResource', 'UntagResource', 'UpdateAlias', 'UpdateKeyDescription', 'UpdatePrimaryRegion',
  'Verify', 'VerifyMac',
].map((a) => `kms:${a}`);

/** The platform key's trail name is needed before the trail exists (its encryption context names it). */
export interface KmsKeysProps {
  readonly env: EnvironmentConfig;
  readonly trailName: string;
}

export class LakeKeys extends Construct {
  readonly keys: Readonly<Record<KeyPurpose, KmsKey>>;

  constructor(scope: Construct, id: string, props: KmsKeysProps) {
    super(scope, id);
    const { env } = props;
    const keys = {} as Record<KeyPurpose, KmsKey>;
    for (const purpose of KEY_PURPOSES) {
      const key = new KmsKey(this, `${purpose}-key`, {
        description: `lakec ${env.name}: ${DESCRIPTIONS[purpose]}`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: env.kmsDeletionWindowDays,
        isEnabled: true,
        policy: policyJson(policyDocument([accountStatement(env), ...serviceStatements(purpose, props)])),
        tags: { 'lakec:key-purpose': purpose },
      });
      new KmsAlias(this, `${purpose}-alias`, { name: `alias/${resourceName(env, [purpose], NAME_LIMITS.kmsAlias - 6)}`, targetKeyId: key.keyId });
      keys[purpose] = key;
    }
    this.keys = keys;
  }
}

const DESCRIPTIONS: Readonly<Record<KeyPurpose, string>> = {
  bronze: 'bronze bucket (raw deliveries)',
  silver: 'silver bucket (validated data)',
  gold: 'gold bucket (finance aggregates)',
  quarantine: 'quarantine bucket (quarantined and condemned rows)',
  catalog: 'Glue Data Catalog metadata',
  platform: 'logs, alarm topics, dead letters, CloudTrail, Athena results, artifacts',
};

function accountStatement(env: EnvironmentConfig): Statement {
  return { Sid: 'AccountManagesAndIamDelegates', Effect: 'Allow', Principal: { AWS: accountRootArn(env) }, Action: KMS_KEY_ACTIONS, Resource: ['*'] };
}

/** What AWS services do with the key on the platform's behalf (customer keys need it spelled out). */
function serviceStatements(purpose: KeyPurpose, { env, trailName }: KmsKeysProps): Statement[] {
  if (purpose !== 'platform') return [];
  const p = partition(env);
  return [
    {
      Sid: 'CloudWatchLogsEncryptsLogGroups',
      Effect: 'Allow',
      Principal: { Service: `logs.${env.region}.amazonaws.com` },
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      Resource: ['*'],
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn(env, '*') } },
    },
    {
      // Alarms publish to the encrypted alarm topics; EventBridge sends failed events to the encrypted dead-letter queue.
      Sid: 'AlarmsAndEventsUseEncryptedTopicsAndQueues',
      Effect: 'Allow',
      Principal: { Service: [servicePrincipal('cloudwatch'), servicePrincipal('events')] },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: ['*'],
    },
    {
      Sid: 'CloudTrailEncryptsLogFiles',
      Effect: 'Allow',
      Principal: { Service: servicePrincipal('cloudtrail') },
      Action: ['kms:GenerateDataKey'],
      Resource: ['*'],
      Condition: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${p}:cloudtrail:*:${env.account}:trail/*` },
        StringEquals: { 'aws:SourceArn': trailArn(env, trailName) },
      },
    },
    {
      Sid: 'CloudTrailDescribesKey',
      Effect: 'Allow',
      Principal: { Service: servicePrincipal('cloudtrail') },
      Action: ['kms:DescribeKey'],
      Resource: ['*'],
    },
  ];
}
