/**
 * One deliberately broken stack per policy check: each mutation takes the example contracts' synthesized
 * dev stack and undoes exactly the setting its check guards (as a careless edit of a construct would).
 */
type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface MutableDoc {
  resource: Record<string, Record<string, Config>>;
  provider: Record<string, Config[]>;
  [key: string]: unknown;
}

function byType(doc: MutableDoc, type: string): [string, Config][] {
  return Object.entries(doc.resource[type] ?? {});
}

function first(doc: MutableDoc, type: string, where: (c: Config, name: string) => boolean = () => true): Config {
  const hit = byType(doc, type).find(([n, c]) => where(c, n));
  if (!hit) throw new Error(`no ${type} to break`);
  return hit[1];
}

function bucket(doc: MutableDoc, role: string): string {
  const hit = byType(doc, 'aws_s3_bucket').find(([, c]) => c.tags?.['lakec:bucket'] === role);
  if (!hit) throw new Error(`no ${role} bucket`);
  return hit[0];
}

/** The companion resource (versioning, policy, …) of a bucket. */
function of(doc: MutableDoc, type: string, role: string): Config {
  return first(doc, type, (c) => c.bucket === `\${aws_s3_bucket.${bucket(doc, role)}.id}`);
}

function remove(doc: MutableDoc, type: string, where: (c: Config, name: string) => boolean): void {
  const hit = byType(doc, type).find(([n, c]) => where(c, n));
  if (!hit) throw new Error(`no ${type} to remove`);
  delete doc.resource[type]![hit[0]];
}

function editPolicy(config: Config, attribute: string, edit: (statements: Config[]) => Config[]): void {
  const doc = JSON.parse(config[attribute]);
  doc.Statement = edit(doc.Statement);
  config[attribute] = JSON.stringify(doc);
}

function role(doc: MutableDoc, kind: string): [string, Config] {
  const hit = byType(doc, 'aws_iam_role').find(([, c]) => c.tags?.['lakec:role'] === kind);
  if (!hit) throw new Error(`no ${kind} role`);
  return hit;
}

function inlinePolicy(doc: MutableDoc, kind: string): Config {
  const [name] = role(doc, kind);
  return first(doc, 'aws_iam_role_policy', (c) => c.role === `\${aws_iam_role.${name}.id}`);
}

const allow = (Action: string[] | string, Resource: string[] | string, extra: Config = {}) => ({ Sid: 'Broken', Effect: 'Allow', Action, Resource, ...extra });
const without = (sid: string) => (s: Config[]) => {
  const kept = s.filter((x) => x.Sid !== sid);
  if (kept.length === s.length) throw new Error(`no statement ${sid}`);
  return kept;
};

const workgroup = (doc: MutableDoc) => first(doc, 'aws_athena_workgroup').configuration;
const lambda = (doc: MutableDoc) => first(doc, 'aws_lambda_function');
const stateMachine = (doc: MutableDoc) => first(doc, 'aws_sfn_state_machine');
const trail = (doc: MutableDoc) => first(doc, 'aws_cloudtrail');

export const MUTATIONS: Readonly<Record<string, (doc: MutableDoc) => void>> = {
  CKV_AWS_18: (d) => remove(d, 'aws_s3_bucket_logging', (c) => c.bucket === `\${aws_s3_bucket.${bucket(d, 'silver')}.id}`),
  CKV_AWS_21: (d) => (of(d, 'aws_s3_bucket_versioning', 'silver').versioning_configuration.status = 'Suspended'),
  CKV2_AWS_6: (d) => remove(d, 'aws_s3_bucket_public_access_block', (c) => c.bucket === `\${aws_s3_bucket.${bucket(d, 'gold')}.id}`),
  CKV_AWS_53: (d) => (of(d, 'aws_s3_bucket_public_access_block', 'gold').block_public_acls = false),
  CKV_AWS_54: (d) => (of(d, 'aws_s3_bucket_public_access_block', 'gold').block_public_policy = false),
  CKV_AWS_55: (d) => (of(d, 'aws_s3_bucket_public_access_block', 'gold').ignore_public_acls = false),
  CKV_AWS_56: (d) => (of(d, 'aws_s3_bucket_public_access_block', 'gold').restrict_public_buckets = false),
  CKV_AWS_145: (d) => (of(d, 'aws_s3_bucket_server_side_encryption_configuration', 'gold').rule[0].apply_server_side_encryption_by_default = { sse_algorithm: 'AES256' }),
  CKV2_AWS_67: (d) => (first(d, 'aws_kms_key', (c) => c.tags?.['lakec:key-purpose'] === 'gold').enable_key_rotation = false),
  LAKEC_S3_SSE_C_BLOCKED: (d) => delete of(d, 'aws_s3_bucket_server_side_encryption_configuration', 'silver').rule[0].blocked_encryption_types,
  CKV2_AWS_65: (d) => (of(d, 'aws_s3_bucket_ownership_controls', 'silver').rule.object_ownership = 'BucketOwnerPreferred'),
  CKV2_AWS_61: (d) => remove(d, 'aws_s3_bucket_lifecycle_configuration', (c) => c.bucket === `\${aws_s3_bucket.${bucket(d, 'silver')}.id}`),
  CKV_AWS_300: (d) => {
    const lc = of(d, 'aws_s3_bucket_lifecycle_configuration', 'silver');
    lc.rule = lc.rule.filter((r: Config) => !r.abort_incomplete_multipart_upload);
    lc.rule.push({ id: 'placeholder', status: 'Enabled', filter: [{ prefix: 'x/' }], transition: [{ days: 30, storage_class: 'STANDARD_IA' }] });
  },
  LAKEC_S3_NEVER_EXPIRES: (d) => (of(d, 'aws_s3_bucket_lifecycle_configuration', 'silver').rule[0].expiration = [{ days: 365 }]),
  LAKEC_S3_QUARANTINE_ARCHIVE: (d) => {
    const rule = of(d, 'aws_s3_bucket_lifecycle_configuration', 'quarantine').rule.find((r: Config) => r.filter?.[0]?.prefix === 'quarantine/');
    rule.transition[0].days = 30;
  },
  CKV_AWS_143: (d) => (d.resource.aws_s3_bucket![bucket(d, 'bronze')]!.object_lock_enabled = false),
  LAKEC_S3_NO_GOVERNANCE_BYPASS: (d) => editPolicy(of(d, 'aws_s3_bucket_policy', 'bronze'), 'policy', without('DenyGovernanceBypass')),
  CKV_AWS_70: (d) => editPolicy(of(d, 'aws_s3_bucket_policy', 'gold'), 'policy', (s) => [...s, { ...allow('s3:GetObject', 'arn:aws:s3:::x/*'), Principal: '*' }]),
  CKV_AWS_93: (d) => editPolicy(of(d, 'aws_s3_bucket_policy', 'gold'), 'policy', (s) => [...s, { Sid: 'Lockout', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::x/*' }]),
  LAKEC_S3_TLS_ONLY: (d) => editPolicy(of(d, 'aws_s3_bucket_policy', 'silver'), 'policy', without('DenyInsecureTransport')),
  LAKEC_S3_DENY_FOREIGN_ENCRYPTION: (d) => editPolicy(of(d, 'aws_s3_bucket_policy', 'silver'), 'policy', without('DenyOtherEncryption')),
  CKV_AWS_7: (d) => (first(d, 'aws_kms_key').enable_key_rotation = false),
  CKV_AWS_33: (d) => editPolicy(first(d, 'aws_kms_key'), 'policy', (s) => [...s, { ...allow('kms:Decrypt', '*'), Principal: { AWS: '*' } }]),
  CKV2_AWS_64: (d) => delete first(d, 'aws_kms_key').policy,
  CKV_AWS_227: (d) => (first(d, 'aws_kms_key').is_enabled = false),
  CKV_AWS_63: (d) => editPolicy(inlinePolicy(d, 'finance'), 'policy', (s) => [...s, allow('*', 'arn:aws:s3:::x')]),
  CKV_AWS_62: (d) => editPolicy(inlinePolicy(d, 'finance'), 'policy', (s) => [...s, allow('*', '*')]),
  LAKEC_IAM_NO_ACTION_WILDCARDS: (d) => editPolicy(inlinePolicy(d, 'finance'), 'policy', (s) => [...s, allow('s3:Get*', 'arn:aws:s3:::x/*')]),
  CKV_AWS_355: (d) => editPolicy(inlinePolicy(d, 'finance'), 'policy', (s) => [...s, allow('s3:GetObject', '*')]),
  LAKEC_IAM_METRICS_NAMESPACE: (d) => editPolicy(inlinePolicy(d, 'trail-logs'), 'policy', (s) => [...s, allow('cloudwatch:PutMetricData', '*')]),
  CKV_AWS_286: (d) => editPolicy(inlinePolicy(d, 'finance'), 'policy', (s) => [...s, allow('iam:PassRole', 'arn:aws:iam::111111111111:role/x')]),
  CKV_AWS_60: (d) => editPolicy(role(d, 'finance')[1], 'assume_role_policy', (s) => [{ ...s[0], Principal: { AWS: '*' } }]),
  CKV_AWS_61: (d) => editPolicy(role(d, 'finance')[1], 'assume_role_policy', (s) => [{ ...s[0], Principal: { AWS: 'arn:aws:iam::*:root' } }]),
  CKV_AWS_40: (d) => (d.resource.aws_iam_user_policy = { broken: { user: 'someone', policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }) } }),
  CKV_AWS_274: (d) =>
    (d.resource.aws_iam_role_policy_attachment = { ...(d.resource.aws_iam_role_policy_attachment ?? {}), admin: { role: 'x', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } }),
  LAKEC_IAM_CONTRACT_SCOPE: (d) => editPolicy(inlinePolicy(d, 'etl'), 'policy', (s) => [...s, allow('s3:PutObject', `arn:aws:s3:::${d.resource.aws_s3_bucket![bucket(d, 'silver')]!.bucket}/silver/finance/other/*`)]),
  LAKEC_IAM_ETL_NO_BRONZE_WRITES: (d) => editPolicy(inlinePolicy(d, 'etl'), 'policy', without('DenyBronzeWrites')),
  LAKEC_IAM_FINANCE_NO_RESTRICTED: (d) => (first(d, 'aws_glue_catalog_table', (c) => c.parameters?.['lakec.layer'] === 'silver').parameters['lakec.classification'] = 'restricted'),
  CKV_AWS_82: (d) => (workgroup(d).enforce_workgroup_configuration = false),
  CKV_AWS_159: (d) => delete workgroup(d).result_configuration.encryption_configuration,
  LAKEC_ATHENA_BYTES_SCANNED_CUTOFF: (d) => delete workgroup(d).bytes_scanned_cutoff_per_query,
  LAKEC_ATHENA_CLOUDWATCH_METRICS: (d) => (workgroup(d).publish_cloudwatch_metrics_enabled = false),
  CKV_AWS_94: (d) => (first(d, 'aws_glue_data_catalog_encryption_settings').data_catalog_encryption_settings.encryption_at_rest.catalog_encryption_mode = 'DISABLED'),
  LAKEC_GLUE_NAMES_AND_COMMENTS: (d) => (first(d, 'aws_glue_catalog_table').storage_descriptor.columns[0].comment = 'x'.repeat(256)),
  LAKEC_GLUE_PARTITION_PROJECTION: (d) => (first(d, 'aws_glue_catalog_table').parameters['projection.enabled'] = 'false'),
  CKV_AWS_66: (d) => delete first(d, 'aws_cloudwatch_log_group').retention_in_days,
  CKV_AWS_158: (d) => delete first(d, 'aws_cloudwatch_log_group').kms_key_id,
  CKV_AWS_338: (d) => (first(d, 'aws_cloudwatch_log_group').retention_in_days = 30),
  CKV_AWS_26: (d) => delete first(d, 'aws_sns_topic').kms_master_key_id,
  CKV_AWS_169: (d) => editPolicy(first(d, 'aws_sns_topic_policy'), 'policy', (s) => [...s, { ...allow('sns:Publish', '*'), Principal: '*' }]),
  CKV_AWS_27: (d) => delete first(d, 'aws_sqs_queue').kms_master_key_id,
  CKV_AWS_168: (d) => editPolicy(first(d, 'aws_sqs_queue_policy'), 'policy', (s) => [...s, { ...allow('sqs:SendMessage', '*'), Principal: { AWS: '*' } }]),
  CKV_AWS_50: (d) => (lambda(d).tracing_config.mode = 'PassThrough'),
  CKV_AWS_115: (d) => delete lambda(d).reserved_concurrent_executions,
  CKV_AWS_116: (d) => delete lambda(d).dead_letter_config,
  CKV_AWS_173: (d) => delete lambda(d).kms_key_arn,
  CKV_AWS_45: (d) => (lambda(d).environment.variables.DB_PASSWORD = 'hunter2'),
  CKV_AWS_301: (d) => (first(d, 'aws_lambda_permission').principal = '*'),
  LAKEC_LAMBDA_SUPPORTED_RUNTIME: (d) => (lambda(d).runtime = 'nodejs20.x'),
  CKV_AWS_284: (d) => (stateMachine(d).tracing_configuration.enabled = false),
  CKV_AWS_285: (d) => (stateMachine(d).logging_configuration.include_execution_data = false),
  CKV_AWS_35: (d) => delete trail(d).kms_key_id,
  CKV_AWS_36: (d) => (trail(d).enable_log_file_validation = false),
  CKV_AWS_67: (d) => (trail(d).is_multi_region_trail = false),
  CKV2_AWS_10: (d) => delete trail(d).cloud_watch_logs_group_arn,
  LAKEC_TRAIL_DATA_EVENTS: (d) => (trail(d).advanced_event_selector = trail(d).advanced_event_selector.slice(0, 1)),
  CKV_AWS_41: (d) => (d.provider.aws![0]!.access_key = 'AKIAEXAMPLEEXAMPLE12'),
  LAKEC_PROVIDER_PINNED_ACCOUNT: (d) => delete d.provider.aws![0]!.allowed_account_ids,
  LAKEC_TF_NO_STRAY_TEMPLATES: (d) => (first(d, 'aws_glue_catalog_table').description = 'Pasted from a contract: ${file("/etc/passwd")}'),
};
