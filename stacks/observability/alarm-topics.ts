import { createHash } from 'node:crypto';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { accountRootArn, partition, servicePrincipal, snsTopicArn } from '../arns';
import type { EnvironmentConfig } from '../environments';
import { policyDocument, policyJson } from '../iam/policy-document';
import { NAME_LIMITS, resourceName } from '../names';
import { tfLiteral } from '../terraform-string';

/** `{prefix}-{env}-alarms-{domain}`; the platform's own topic is `{prefix}-{env}-platform-alarms` (a domain cannot hold `-`). */
export function domainTopicName(env: EnvironmentConfig, domain: string): string {
  return resourceName(env, ['alarms', domain], NAME_LIMITS.snsTopic);
}

export function platformTopicName(env: EnvironmentConfig): string {
  return resourceName(env, ['platform-alarms'], NAME_LIMITS.snsTopic);
}

/**
 * One encrypted alarm topic: only CloudWatch alarms of this account publish, only over TLS; e-mail
 * subscribers from the environment configuration (they confirm by e-mail once).
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: { env: EnvironmentConfig; name: string; platformKeyArn: string; subscribers: readonly string[]; displayName: string }) {
    super(scope, id);
    const { env } = props;
    this.topic = new SnsTopic(this, 'topic', { name: tfLiteral(props.name), displayName: tfLiteral(props.displayName), kmsMasterKeyId: props.platformKeyArn });
    const arn = snsTopicArn(env, props.name);
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyJson(
        policyDocument([
          {
            Sid: 'AccountManagesTopic',
            Effect: 'Allow',
            Principal: { AWS: accountRootArn(env) },
            Action: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:Publish', 'sns:SetTopicAttributes', 'sns:Subscribe'],
            Resource: [arn],
          },
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: servicePrincipal('cloudwatch') },
            Action: ['sns:Publish'],
            Resource: [arn],
            Condition: { StringEquals: { 'aws:SourceAccount': env.account }, ArnLike: { 'aws:SourceArn': `arn:${partition(env)}:cloudwatch:${env.region}:${env.account}:alarm:*` } },
          },
          { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: ['sns:Publish'], Resource: [arn], Condition: { Bool: { 'aws:SecureTransport': false } } },
        ]),
      ),
    });
    for (const email of [...new Set(props.subscribers)].sort()) {
      new SnsTopicSubscription(this, `email-${email.replace(/[^A-Za-z0-9]/g, '_')}-${createHash('sha256').update(email).digest('hex').slice(0, 6)}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: email });
    }
  }
}
