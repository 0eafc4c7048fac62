import { parsePolicy } from '../iam-evaluation';
import { checkov, type PolicyCheck } from '../policy-check';
import { resources } from '../terraform-json';

export const KMS_CHECKS: readonly PolicyCheck[] = [
  checkov('CKV_AWS_7', 'Ensure rotation for customer created CMKs is enabled', (doc, fail) => {
    for (const k of resources(doc, 'aws_kms_key')) if (k.config.enable_key_rotation !== true) fail(k.address, 'key rotation is off');
  }),
  checkov('CKV_AWS_33', 'Ensure KMS key policy does not contain wildcard (*) principal', (doc, fail) => {
    for (const k of resources(doc, 'aws_kms_key')) {
      for (const s of parsePolicy(k.config.policy) ?? []) if (s.effect === 'Allow' && s.principals.includes('*')) fail(k.address, `statement ${s.sid} allows any principal`);
    }
  }),
  checkov('CKV2_AWS_64', 'Ensure KMS key Policy is defined', (doc, fail) => {
    for (const k of resources(doc, 'aws_kms_key')) if (!parsePolicy(k.config.policy)?.length) fail(k.address, 'no key policy');
  }),
  checkov('CKV_AWS_227', 'Ensure KMS key is enabled', (doc, fail) => {
    for (const k of resources(doc, 'aws_kms_key')) if (k.config.is_enabled === false) fail(k.address, 'key is disabled');
  }),
];
