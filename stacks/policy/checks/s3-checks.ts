import { parsePolicy, statementCovers, type ParsedStatement } from '../iam-evaluation';
import { checkov, policyCheck, type PolicyCheck } from '../policy-check';
import { block, blocks, referencedName, resources, resourcesReferring, str, tags, type ResourceRef, type TerraformJson } from '../terraform-json';

const BUCKET = 'aws_s3_bucket';

function buckets(doc: TerraformJson): ResourceRef[] {
  return resources(doc, BUCKET);
}

function bucketRole(b: ResourceRef): string | undefined {
  return tags(b)['lakec:bucket'];
}

/** Buckets that receive server access logs: they cannot log to themselves nor use SSE-KMS. */
function logTargets(doc: TerraformJson): Set<string> {
  return new Set(resources(doc, 'aws_s3_bucket_logging').map((l) => referencedName(l.config.target_bucket, BUCKET)).filter((n): n is string => !!n));
}

function companions(doc: TerraformJson, type: string, b: ResourceRef): ResourceRef[] {
  return resourcesReferring(doc, type, 'bucket', b);
}

function bucketPolicy(doc: TerraformJson, b: ResourceRef): ParsedStatement[] {
  return companions(doc, 'aws_s3_bucket_policy', b).flatMap((p) => parsePolicy(p.config.policy) ?? []);
}

function encryptionRules(doc: TerraformJson, b: ResourceRef) {
  return companions(doc, 'aws_s3_bucket_server_side_encryption_configuration', b).flatMap((c) => blocks(c.config.rule));
}

function lifecycleRules(doc: TerraformJson, b: ResourceRef) {
  return companions(doc, 'aws_s3_bucket_lifecycle_configuration', b).flatMap((c) => blocks(c.config.rule));
}

const PUBLIC_ACCESS_FLAGS: readonly [string, string, string][] = [
  ['CKV_AWS_53', 'block_public_acls', 'Ensure S3 bucket has block public ACLS enabled'],
  ['CKV_AWS_54', 'block_public_policy', 'Ensure S3 bucket has block public policy enabled'],
  ['CKV_AWS_55', 'ignore_public_acls', 'Ensure S3 bucket has ignore public ACLs enabled'],
  ['CKV_AWS_56', 'restrict_public_buckets', "Ensure S3 bucket has 'restrict_public_bucket' enabled"],
];

function isPublicAllow(s: ParsedStatement): boolean {
  return s.effect === 'Allow' && s.principals.includes('*') && !s.hasCondition;
}

export const S3_CHECKS: readonly PolicyCheck[] = [
  checkov('CKV_AWS_18', 'Ensure the S3 bucket has access logging enabled (the log-target bucket itself excepted)', (doc, fail) => {
    const targets = logTargets(doc);
    for (const b of buckets(doc)) {
      if (targets.has(b.name)) continue;
      if (companions(doc, 'aws_s3_bucket_logging', b).length === 0) fail(b.address, 'no aws_s3_bucket_logging for this bucket');
    }
    if (buckets(doc).length > 0 && targets.size === 0) fail('aws_s3_bucket_logging', 'no bucket receives access logs');
  }),
  checkov('CKV_AWS_21', 'Ensure all data stored in the S3 bucket have versioning enabled', (doc, fail) => {
    for (const b of buckets(doc)) {
      const enabled = companions(doc, 'aws_s3_bucket_versioning', b).some((v) => str(block(v.config.versioning_configuration)?.status) === 'Enabled');
      if (!enabled) fail(b.address, 'versioning is not enabled');
    }
  }),
  checkov('CKV2_AWS_6', 'Ensure that S3 bucket has a Public Access block', (doc, fail) => {
    for (const b of buckets(doc)) {
      const pab = companions(doc, 'aws_s3_bucket_public_access_block', b);
      if (!pab.some((p) => PUBLIC_ACCESS_FLAGS.every(([, flag]) => p.config[flag] === true))) fail(b.address, 'no public access block with all four settings on');
    }
  }),
  ...PUBLIC_ACCESS_FLAGS.map(([id, flag, title]) =>
    checkov(id, title, (doc, fail) => {
      for (const p of resources(doc, 'aws_s3_bucket_public_access_block')) if (p.config[flag] !== true) fail(p.address, `${flag} is not true`);
    }),
  ),
  checkov('CKV_AWS_145', 'Ensure that S3 buckets are encrypted with KMS by default (the access-log target excepted: S3 server access logging cannot write SSE-KMS)', (doc, fail) => {
    const targets = logTargets(doc);
    for (const b of buckets(doc)) {
      const rules = encryptionRules(doc, b);
      const algorithm = rules.map((r) => str(block(r.apply_server_side_encryption_by_default)?.sse_algorithm)).find(Boolean);
      if (targets.has(b.name) ? !algorithm : algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') fail(b.address, `default encryption is ${algorithm ?? 'not configured'}`);
    }
  }),
  checkov('CKV2_AWS_67', 'Ensure AWS S3 bucket encrypted with Customer Managed Key (CMK) has regular rotation', (doc, fail) => {
    for (const b of buckets(doc)) {
      for (const r of encryptionRules(doc, b)) {
        const keyRef = block(r.apply_server_side_encryption_by_default)?.kms_master_key_id;
        if (keyRef === undefined) continue;
        const key = referencedName(keyRef, 'aws_kms_key');
        const rotating = key !== undefined && doc.resource?.aws_kms_key?.[key]?.enable_key_rotation === true;
        if (!rotating) fail(b.address, `KMS key ${String(keyRef)} is not a customer key of this stack with rotation on`);
      }
    }
  }),
  policyCheck('LAKEC_S3_SSE_C_BLOCKED', 'lakec (customer-provided keys bypass KMS and its audit trail)', 'Ensure uploads with SSE-C are blocked', (doc, fail) => {
    for (const b of buckets(doc)) {
      const blocked = encryptionRules(doc, b).some((r) => Array.isArray(r.blocked_encryption_types) && r.blocked_encryption_types.includes('SSE-C'));
      if (!blocked) fail(b.address, 'SSE-C uploads are not blocked');
    }
  }),
  checkov('CKV2_AWS_65', 'Ensure access control lists for S3 buckets are disabled', (doc, fail) => {
    for (const b of buckets(doc)) {
      const enforced = companions(doc, 'aws_s3_bucket_ownership_controls', b).some((o) => str(block(o.config.rule)?.object_ownership) === 'BucketOwnerEnforced');
      if (!enforced) fail(b.address, 'object ownership is not BucketOwnerEnforced');
    }
  }),
  checkov('CKV2_AWS_61', 'Ensure that an S3 bucket has a lifecycle configuration', (doc, fail) => {
    for (const b of buckets(doc)) if (lifecycleRules(doc, b).filter((r) => r.status === 'Enabled').length === 0) fail(b.address, 'no enabled lifecycle rule');
  }),
  checkov('CKV_AWS_300', 'Ensure S3 lifecycle configuration sets period for aborting failed uploads', (doc, fail) => {
    for (const b of buckets(doc)) {
      const aborts = lifecycleRules(doc, b).some((r) => r.status === 'Enabled' && typeof block(r.abort_incomplete_multipart_upload)?.days_after_initiation === 'number');
      if (!aborts) fail(b.address, 'no rule aborts incomplete multipart uploads');
    }
  }),
  policyCheck('LAKEC_S3_NEVER_EXPIRES', 'DESIGN.md (lifecycle never expiring)', 'Ensure no lifecycle rule expires lake data or audit logs (Athena query results excepted)', (doc, fail) => {
    for (const b of buckets(doc)) {
      if (bucketRole(b) === 'athena-results') continue;
      for (const r of lifecycleRules(doc, b)) {
        if (r.status === 'Enabled' && (blocks(r.expiration).length > 0 || blocks(r.noncurrent_version_expiration).length > 0)) fail(b.address, `lifecycle rule ${String(r.id)} expires objects`);
      }
    }
  }),
  policyCheck('LAKEC_S3_QUARANTINE_ARCHIVE', 'DESIGN.md (Platform: quarantine → Glacier IR after 90 days, condemned → Glacier after 5 years, small objects stay)', 'Ensure quarantine and condemned rows move to Glacier classes on time and stay readable', (doc, fail) => {
    for (const b of buckets(doc).filter((x) => bucketRole(x) === 'quarantine')) {
      const config = companions(doc, 'aws_s3_bucket_lifecycle_configuration', b)[0];
      if (!config) {
        fail(b.address, 'no lifecycle configuration');
        continue;
      }
      if (config.config.transition_default_minimum_object_size !== 'all_storage_classes_128K') fail(config.address, 'objects under 128 KB would be transitioned');
      const rules = blocks(config.config.rule).filter((r) => r.status === 'Enabled');
      const transition = (prefix: string) => rules.filter((r) => str(block(r.filter)?.prefix) === prefix).flatMap((r) => blocks(r.transition));
      if (!transition('quarantine/').some((t) => t.storage_class === 'GLACIER_IR' && t.days === 90)) fail(config.address, 'quarantine/ does not move to GLACIER_IR after 90 days');
      if (!transition('condemned/').some((t) => (t.storage_class === 'GLACIER' || t.storage_class === 'DEEP_ARCHIVE') && typeof t.days === 'number' && t.days >= 1825)) {
        fail(config.address, 'condemned/ does not move to a Glacier class after 5 years');
      }
    }
  }),
  checkov('CKV_AWS_143', 'Ensure that S3 bucket has lock configuration enabled by default (bronze buckets)', (doc, fail) => {
    for (const b of buckets(doc).filter((x) => bucketRole(x) === 'bronze')) {
      const lock = companions(doc, 'aws_s3_bucket_object_lock_configuration', b).map((l) => block(block(l.config.rule)?.default_retention)).find(Boolean);
      if (b.config.object_lock_enabled !== true || !lock || (lock.mode !== 'GOVERNANCE' && lock.mode !== 'COMPLIANCE') || !(Number(lock.days) > 0 || Number(lock.years) > 0)) {
        fail(b.address, 'bronze has no object lock with a default retention');
      }
    }
  }),
  policyCheck('LAKEC_S3_NO_GOVERNANCE_BYPASS', 'DESIGN.md (object lock on bronze with s3:BypassGovernanceRetention denied)', 'Ensure nobody may bypass governance retention on bronze', (doc, fail) => {
    for (const b of buckets(doc).filter((x) => bucketRole(x) === 'bronze')) {
      const denied = bucketPolicy(doc, b).some((s) => s.effect === 'Deny' && s.principals.includes('*') && !s.hasCondition && s.actions.some((a) => a.toLowerCase() === 's3:bypassgovernanceretention'));
      if (!denied) fail(b.address, 's3:BypassGovernanceRetention is not denied to every principal');
    }
  }),
  checkov('CKV_AWS_70', 'Ensure S3 bucket does not allow an action with any Principal', (doc, fail) => {
    for (const p of resources(doc, 'aws_s3_bucket_policy')) {
      for (const s of parsePolicy(p.config.policy) ?? []) if (isPublicAllow(s)) fail(p.address, `statement ${s.sid} allows any principal`);
    }
  }),
  checkov('CKV_AWS_93', 'Ensure S3 bucket policy does not lockout all but root user', (doc, fail) => {
    for (const p of resources(doc, 'aws_s3_bucket_policy')) {
      for (const s of parsePolicy(p.config.policy) ?? []) {
        if (s.effect === 'Deny' && s.principals.includes('*') && !s.hasCondition && s.actions.some((a) => a === 's3:*' || a === '*')) fail(p.address, `statement ${s.sid} denies everything to everyone`);
      }
    }
  }),
  policyCheck('LAKEC_S3_TLS_ONLY', 'AWS Security Hub S3.5 (no Checkov check for Terraform)', 'Ensure every bucket policy denies requests without TLS', (doc, fail) => {
    for (const b of buckets(doc)) {
      const tls = bucketPolicy(doc, b).some((st) => {
        const secure = (st.condition.Bool as Record<string, unknown> | undefined)?.['aws:SecureTransport'];
        const onBucket = st.resources.some((r) => !r.includes('/'));
        const onObjects = st.resources.some((r) => r.endsWith('/*'));
        const everything = statementCovers(st, 's3:GetObject', st.resources.find((r) => r.endsWith('/*')) ?? '') && statementCovers(st, 's3:ListBucket', st.resources.find((r) => !r.includes('/')) ?? '');
        return st.effect === 'Deny' && st.principals.includes('*') && onBucket && onObjects && everything && String(secure) === 'false';
      });
      if (!tls) fail(b.address, 'bucket policy does not deny aws:SecureTransport = false on the bucket and its objects');
    }
  }),
  policyCheck('LAKEC_S3_DENY_FOREIGN_ENCRYPTION', 'lakec (deny-unencrypted-upload policy; default encryption covers uploads without a header)', 'Ensure a bucket policy refuses uploads asking for another encryption than the bucket’s', (doc, fail) => {
    for (const b of buckets(doc)) {
      const denies = bucketPolicy(doc, b).some(
        (s) => s.effect === 'Deny' && s.principals.includes('*') && s.actions.includes('s3:PutObject') && (s.condition.StringNotEquals as Record<string, unknown> | undefined)?.['s3:x-amz-server-side-encryption'] !== undefined,
      );
      if (!denies) fail(b.address, 'no Deny of s3:PutObject with another s3:x-amz-server-side-encryption');
    }
  }),
];
