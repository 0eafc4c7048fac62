import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import type { Construct } from 'constructs';
import { stateMachineArn } from '../arns';
import type { EnvironmentConfig } from '../environments';
import { NAME_LIMITS, resourceName } from '../names';
import { tfLiteral } from '../terraform-string';

/**
 * Alarms on a state machine's failed and timed-out executions, to its domain's topic. `nameParts` name the
 * alarms (the metric is appended); `describe` says what a failed or timed-out execution means.
 */
export function executionAlarms(
  scope: Construct,
  env: EnvironmentConfig,
  stateMachineName: string,
  nameParts: readonly string[],
  describe: (what: string) => string,
  topic: SnsTopic,
  failedMeans = 'failed',
): void {
  for (const [metric, what] of [
    ['ExecutionsFailed', failedMeans],
    ['ExecutionsTimedOut', 'timed out'],
  ] as const) {
    new CloudwatchMetricAlarm(scope, `alarm-${metric}`, {
      alarmName: resourceName(env, [...nameParts, metric], NAME_LIMITS.alarm),
      alarmDescription: tfLiteral(describe(what)),
      namespace: 'AWS/States',
      metricName: metric,
      dimensions: { StateMachineArn: stateMachineArn(env, stateMachineName) },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    });
  }
}
