import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments';
import { tfLiteral } from '../terraform-string';

/** A log group the stack owns (never one a service creates on first write): retention and the platform key. */
export function logGroup(scope: Construct, id: string, env: EnvironmentConfig, name: string, platformKeyArn: string): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, { name: tfLiteral(name), retentionInDays: env.logRetentionDays, kmsKeyId: platformKeyArn, logGroupClass: 'STANDARD' });
}
