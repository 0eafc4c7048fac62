import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { eventRuleArn, servicePrincipal, sqsQueueArn } from '../arns';
import { policyDocument, policyJson } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';

/** Fourteen days, SQS's maximum: time to read, fix and redrive a failed delivery. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * Where deliveries go whose ETL invocation failed after its retries (Lambda) or could not be delivered
 * (EventBridge): one encrypted queue per environment, watched by an alarm. EventBridge rules of this
 * environment may send to it (matched by name, so a new dataset's rule needs no policy change).
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, ctx: LakeContext) {
    super(scope, id);
    const { env } = ctx;
    this.queue = new SqsQueue(this, 'queue', {
      name: ctx.deadLetterQueue,
      kmsMasterKeyId: ctx.keyArns.platform,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    const arn = sqsQueueArn(env, ctx.deadLetterQueue);
    new SqsQueuePolicy(this, 'policy', {
      queueUrl: this.queue.url,
      policy: policyJson(
        policyDocument([
          {
            Sid: 'EventBridgeRulesOfThisEnvironment',
            Effect: 'Allow',
            Principal: { Service: servicePrincipal('events') },
            Action: ['sqs:SendMessage'],
            Resource: [arn],
            Condition: { ArnLike: { 'aws:SourceArn': eventRuleArn(env, `${env.namePrefix}-${env.name}-*`) } },
          },
          { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: [arn], Condition: { Bool: { 'aws:SecureTransport': false } } },
        ]),
      ),
    });
  }
}
