import { parsePolicy } from '../iam-evaluation';
import { checkov, policyCheck, type PolicyCheck } from '../policy-check';
import { block, blocks, resources, str, tags, tfUnescape } from '../terraform-json';

/** Runtimes AWS has deprecated (DESIGN.md: nodejs20.x in April 2026). */
const DEPRECATED_LAMBDA_RUNTIMES = /^(nodejs(4\.3|6\.10|8\.10|10|12|14|16|18|20)\.x|nodejs)$/;

const SECRET_NAME = /(secret|passw|token|api_?key|private_?key|credential)/i;
const SECRET_VALUE = /(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----)/;

function isOpenPolicy(text: unknown): string[] {
  return (parsePolicy(text as string) ?? []).filter((s) => s.effect === 'Allow' && s.principals.some((p) => p === '*' || p === 'AWS:*') && !s.hasCondition).map((s) => s.sid);
}

const GLUE_NAME = /^[a-z][a-z0-9_]*$/;
const GLUE_COLUMN = /^[a-z_][a-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f]/;

function gluecomment(fail: (a: string, m: string) => void, address: string, what: string, text: unknown): void {
  if (typeof text !== 'string') return;
  const t = tfUnescape(text);
  if (t.length > 255) fail(address, `${what} comment is ${t.length} characters (Glue: 255)`);
  if (CONTROL_BUT_TAB.test(t)) fail(address, `${what} comment holds a control character`);
}

export const SERVICE_CHECKS: readonly PolicyCheck[] = [
  // Athena
  checkov('CKV_AWS_82', 'Ensure Athena Workgroup should enforce configuration to prevent client disabling encryption', (doc, fail) => {
    for (const w of resources(doc, 'aws_athena_workgroup')) if (block(w.config.configuration)?.enforce_workgroup_configuration !== true) fail(w.address, 'configuration is not enforced');
  }),
  checkov('CKV_AWS_159', 'Ensure that Athena Workgroup is encrypted', (doc, fail) => {
    for (const w of resources(doc, 'aws_athena_workgroup')) {
      const enc = block(block(block(w.config.configuration)?.result_configuration)?.encryption_configuration);
      if (!enc || !['SSE_KMS', 'CSE_KMS', 'SSE_S3'].includes(str(enc.encryption_option) ?? '')) fail(w.address, 'query results are not encrypted');
      else if (str(enc.encryption_option) !== 'SSE_S3' && !enc.kms_key_arn) fail(w.address, 'KMS result encryption without a key');
    }
  }),
  policyCheck('LAKEC_ATHENA_BYTES_SCANNED_CUTOFF', 'issue 3 (a bytes-scanned cut-off per query)', 'Ensure every workgroup limits the bytes one query may scan', (doc, fail) => {
    for (const w of resources(doc, 'aws_athena_workgroup')) if (!(Number(block(w.config.configuration)?.bytes_scanned_cutoff_per_query) > 0)) fail(w.address, 'no bytes-scanned cut-off');
  }),
  policyCheck('LAKEC_ATHENA_CLOUDWATCH_METRICS', 'issue 3 (workgroup CloudWatch metrics)', 'Ensure every workgroup publishes CloudWatch metrics', (doc, fail) => {
    for (const w of resources(doc, 'aws_athena_workgroup')) if (block(w.config.configuration)?.publish_cloudwatch_metrics_enabled !== true) fail(w.address, 'CloudWatch metrics are off');
  }),
  // Glue
  checkov('CKV_AWS_94', 'Ensure Glue Data Catalog Encryption is enabled', (doc, fail) => {
    const settings = resources(doc, 'aws_glue_data_catalog_encryption_settings');
    if (settings.length === 0 && resources(doc, 'aws_glue_catalog_table').length > 0) fail('aws_glue_data_catalog_encryption_settings', 'the catalog holds tables but has no encryption settings');
    for (const s of settings) {
      const c = block(s.config.data_catalog_encryption_settings);
      const rest = block(c?.encryption_at_rest);
      const pw = block(c?.connection_password_encryption);
      if (str(rest?.catalog_encryption_mode) !== 'SSE-KMS' || !rest?.sse_aws_kms_key_id) fail(s.address, 'catalog metadata is not encrypted with a KMS key');
      if (pw?.return_connection_password_encrypted !== true || !pw?.aws_kms_key_id) fail(s.address, 'connection passwords are not encrypted');
    }
  }),
  policyCheck('LAKEC_GLUE_NAMES_AND_COMMENTS', 'DESIGN.md (Athena names ≤ 128, ^[a-z][a-z0-9_]*$; Glue comments ≤ 255, one line)', 'Ensure Glue names and comments fit Athena and Glue', (doc, fail) => {
    for (const d of resources(doc, 'aws_glue_catalog_database')) {
      const name = tfUnescape(str(d.config.name) ?? '');
      if (!GLUE_NAME.test(name) || name.length > 128) fail(d.address, `database name ${name} is not a valid Athena name`);
    }
    for (const t of resources(doc, 'aws_glue_catalog_table')) {
      const name = tfUnescape(str(t.config.name) ?? '');
      if (!GLUE_NAME.test(name) || name.length > 128) fail(t.address, `table name ${name} is not a valid Athena name`);
      gluecomment(fail, t.address, 'table', t.config.description);
      const columns = [...blocks(block(t.config.storage_descriptor)?.columns), ...blocks(t.config.partition_keys)];
      for (const c of columns) {
        const col = tfUnescape(str(c.name) ?? '');
        if (!GLUE_COLUMN.test(col) || col.length > 128) fail(t.address, `column name ${col} is not a valid Athena name`);
        gluecomment(fail, t.address, `column ${col}`, c.comment);
      }
    }
  }),
  policyCheck('LAKEC_GLUE_PARTITION_PROJECTION', 'DESIGN.md (partition projection: nothing registers partitions)', 'Ensure every partitioned table projects all its partition keys', (doc, fail) => {
    for (const t of resources(doc, 'aws_glue_catalog_table')) {
      const keys = blocks(t.config.partition_keys).map((k) => tfUnescape(str(k.name) ?? ''));
      if (keys.length === 0) continue;
      const params = (t.config.parameters ?? {}) as Record<string, string>;
      if (params['projection.enabled'] !== 'true') fail(t.address, 'partition projection is off');
      for (const k of keys) if (!params[`projection.${k}.type`]) fail(t.address, `partition key ${k} has no projection`);
      const template = tfUnescape(params['storage.location.template'] ?? '');
      for (const k of keys) if (!template.includes(`\${${k}}`)) fail(t.address, `storage.location.template lacks \${${k}}`);
    }
  }),
  // CloudWatch Logs
  checkov('CKV_AWS_66', 'Ensure that CloudWatch Log Group specifies retention days', (doc, fail) => {
    for (const g of resources(doc, 'aws_cloudwatch_log_group')) if (!(Number(g.config.retention_in_days) > 0)) fail(g.address, 'no retention');
  }),
  checkov('CKV_AWS_158', 'Ensure that CloudWatch Log Group is encrypted by KMS', (doc, fail) => {
    for (const g of resources(doc, 'aws_cloudwatch_log_group')) if (!g.config.kms_key_id) fail(g.address, 'no KMS key');
  }),
  checkov('CKV_AWS_338', 'Ensure CloudWatch log groups retains logs for at least 1 year', (doc, fail) => {
    for (const g of resources(doc, 'aws_cloudwatch_log_group')) if (!(Number(g.config.retention_in_days) >= 365)) fail(g.address, `retention ${String(g.config.retention_in_days)} days`);
  }),
  // SNS and SQS
  checkov('CKV_AWS_26', 'Ensure all data stored in the SNS topic is encrypted', (doc, fail) => {
    for (const t of resources(doc, 'aws_sns_topic')) if (!t.config.kms_master_key_id) fail(t.address, 'topic is not encrypted');
  }),
  checkov('CKV_AWS_169', 'Ensure SNS topic policy is not public by only allowing specific services or principals to access it', (doc, fail) => {
    for (const p of resources(doc, 'aws_sns_topic_policy')) for (const sid of isOpenPolicy(p.config.policy)) fail(p.address, `statement ${sid} is public`);
  }),
  checkov('CKV_AWS_27', 'Ensure all data stored in the SQS queue is encrypted', (doc, fail) => {
    for (const q of resources(doc, 'aws_sqs_queue')) if (!q.config.kms_master_key_id && q.config.sqs_managed_sse_enabled !== true) fail(q.address, 'queue is not encrypted');
  }),
  checkov('CKV_AWS_168', 'Ensure SQS queue policy is not public by only allowing specific services or principals to access it', (doc, fail) => {
    for (const p of resources(doc, 'aws_sqs_queue_policy')) for (const sid of isOpenPolicy(p.config.policy)) fail(p.address, `statement ${sid} is public`);
  }),
  // Lambda
  checkov('CKV_AWS_50', 'X-Ray tracing is enabled for Lambda', (doc, fail) => {
    for (const f of resources(doc, 'aws_lambda_function')) if (str(block(f.config.tracing_config)?.mode) !== 'Active') fail(f.address, 'tracing is not Active');
  }),
  checkov('CKV_AWS_115', 'Ensure that AWS Lambda function is configured for function-level concurrent execution limit', (doc, fail) => {
    for (const f of resources(doc, 'aws_lambda_function')) if (typeof f.config.reserved_concurrent_executions !== 'number' || f.config.reserved_concurrent_executions < 0) fail(f.address, 'no reserved concurrency');
  }),
  checkov('CKV_AWS_116', 'Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)', (doc, fail) => {
    for (const f of resources(doc, 'aws_lambda_function')) if (!block(f.config.dead_letter_config)?.target_arn) fail(f.address, 'no dead-letter queue');
  }),
  checkov('CKV_AWS_173', 'Check encryption settings for Lambda environmental variable', (doc, fail) => {
    for (const f of resources(doc, 'aws_lambda_function')) if (block(f.config.environment)?.variables && !f.config.kms_key_arn) fail(f.address, 'environment variables without a customer key');
  }),
  checkov('CKV_AWS_45', 'Ensure no hard-coded secrets exist in lambda environment', (doc, fail) => {
    for (const f of resources(doc, 'aws_lambda_function')) {
      const vars = (block(f.config.environment)?.variables ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(vars)) if (SECRET_NAME.test(k) || SECRET_VALUE.test(String(v))) fail(f.address, `environment variable ${k} looks like a secret`);
    }
  }),
  checkov('CKV_AWS_301', 'Ensure that AWS Lambda function is not publicly accessible (and service grants name their source)', (doc, fail) => {
    for (const p of resources(doc, 'aws_lambda_permission')) {
      if (str(p.config.principal) === '*') fail(p.address, 'any principal may invoke');
      else if (/\.amazonaws\.com$/.test(str(p.config.principal) ?? '') && !p.config.source_arn) fail(p.address, 'a service may invoke from any source');
    }
  }),
  policyCheck('LAKEC_LAMBDA_SUPPORTED_RUNTIME', 'DESIGN.md (runtime is a config value, nodejs22.x by default; nodejs20.x deprecated April 2026)', 'Ensure no function runs on a deprecated runtime', (doc, fail) => {
    for (const f of resources(doc, 'aws_lambda_function')) if (DEPRECATED_LAMBDA_RUNTIMES.test(str(f.config.runtime) ?? '')) fail(f.address, `runtime ${String(f.config.runtime)} is deprecated`);
  }),
  // Step Functions
  checkov('CKV_AWS_284', 'Ensure State Machine has X-Ray tracing enabled', (doc, fail) => {
    for (const m of resources(doc, 'aws_sfn_state_machine')) if (block(m.config.tracing_configuration)?.enabled !== true) fail(m.address, 'tracing is off');
  }),
  checkov('CKV_AWS_285', 'Ensure State Machine has execution history logging enabled', (doc, fail) => {
    for (const m of resources(doc, 'aws_sfn_state_machine')) {
      const l = block(m.config.logging_configuration);
      if (l?.include_execution_data !== true || !['ALL', 'ERROR', 'FATAL'].includes(str(l?.level) ?? '') || !l?.log_destination) fail(m.address, 'execution history is not logged');
    }
  }),
  // CloudTrail
  checkov('CKV_AWS_35', 'Ensure CloudTrail logs are encrypted at rest using KMS CMKs', (doc, fail) => {
    for (const t of resources(doc, 'aws_cloudtrail')) if (!t.config.kms_key_id) fail(t.address, 'log files are not KMS-encrypted');
  }),
  checkov('CKV_AWS_36', 'Ensure CloudTrail log file validation is enabled', (doc, fail) => {
    for (const t of resources(doc, 'aws_cloudtrail')) if (t.config.enable_log_file_validation !== true) fail(t.address, 'log file validation is off');
  }),
  checkov('CKV_AWS_67', 'Ensure CloudTrail is enabled in all Regions', (doc, fail) => {
    for (const t of resources(doc, 'aws_cloudtrail')) if (t.config.is_multi_region_trail !== true) fail(t.address, 'not a multi-region trail');
  }),
  checkov('CKV2_AWS_10', 'Ensure CloudTrail trails are integrated with CloudWatch Logs', (doc, fail) => {
    for (const t of resources(doc, 'aws_cloudtrail')) if (!t.config.cloud_watch_logs_group_arn || !t.config.cloud_watch_logs_role_arn) fail(t.address, 'not sent to CloudWatch Logs');
  }),
  policyCheck('LAKEC_TRAIL_DATA_EVENTS', 'issue 3 (CloudTrail S3 data events on the gold and quarantine buckets)', 'Ensure a trail records S3 data events on the gold and quarantine buckets', (doc, fail) => {
    const trails = resources(doc, 'aws_cloudtrail');
    const watched = resources(doc, 'aws_s3_bucket').filter((b) => ['gold', 'quarantine'].includes(tags(b)['lakec:bucket'] ?? ''));
    if (watched.length && trails.length === 0) fail('aws_cloudtrail', 'no trail');
    for (const b of watched) {
      const name = str(b.config.bucket) ?? '';
      const covered = trails.some((t) =>
        blocks(t.config.advanced_event_selector).some((sel) => {
          const fields = blocks(sel.field_selector);
          const eq = (field: string, value: string) => fields.some((f) => f.field === field && Array.isArray(f.equals) && f.equals.includes(value));
          const arn = fields.find((f) => f.field === 'resources.ARN');
          const arnOk = !arn || (Array.isArray(arn.starts_with) && arn.starts_with.some((p) => `arn:aws:s3:::${name}/`.startsWith(String(p).replace(/^arn:aws[a-z-]*:/, 'arn:aws:'))));
          return eq('eventCategory', 'Data') && eq('resources.type', 'AWS::S3::Object') && arnOk && !fields.some((f) => f.field === 'readOnly');
        }),
      );
      if (!covered) fail(b.address, `no trail records reads and writes of objects in ${name}`);
    }
  }),
  // Provider
  checkov('CKV_AWS_41', 'Ensure no hard coded AWS access key and secret key exists in provider', (doc, fail) => {
    for (const p of doc.provider?.aws ?? []) if (p.access_key || p.secret_key) fail('provider.aws', 'credentials in the provider block');
  }),
  policyCheck('LAKEC_PROVIDER_PINNED_ACCOUNT', 'lakec (a plan against the wrong account fails before any change)', 'Ensure the AWS provider is pinned to the environment’s account', (doc, fail) => {
    for (const p of doc.provider?.aws ?? []) if (!Array.isArray(p.allowed_account_ids) || p.allowed_account_ids.length !== 1) fail('provider.aws', 'allowed_account_ids does not pin one account');
    if (!doc.provider?.aws?.length) fail('provider.aws', 'no AWS provider');
  }),
];

