import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import type { LakeContext } from '../lake-context';
import { NAME_LIMITS, resourceName } from '../names';

/** Alarms on the environment as a whole: a delivery that could not be processed waits in the dead-letter queue. */
export class PlatformAlarms extends Construct {
  constructor(scope: Construct, id: string, props: { ctx: LakeContext; topic: SnsTopic; deadLetters: SqsQueue }) {
    super(scope, id);
    new CloudwatchMetricAlarm(this, 'dead-letters', {
      alarmName: resourceName(props.ctx.env, ['etl-dead-letters'], NAME_LIMITS.alarm),
      alarmDescription: 'A delivery failed its ETL after every retry and waits in the dead-letter queue; fix the cause, then redrive.',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.ctx.deadLetterQueue },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [props.topic.arn],
      okActions: [props.topic.arn],
      dependsOn: [props.deadLetters],
    });
  }
}
