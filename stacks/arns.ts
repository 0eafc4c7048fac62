import type { EnvironmentConfig } from './environments';

/**
 * ARNs computed from the configuration (account, region, names), not read from resources: policies
 * that name them stay plain strings, and a policy is the same whatever else the stack holds.
 */
export function partition(env: Pick<EnvironmentConfig, 'region'>): string {
  if (env.region.startsWith('cn-')) return 'aws-cn';
  if (env.region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function s3BucketArn(env: EnvironmentConfig, bucket: string): string {
  return `arn:${partition(env)}:s3:::${bucket}`;
}

/** Objects under a key pattern (`silver/mortgages/transactions/*`). */
export function s3ObjectArn(env: EnvironmentConfig, bucket: string, keyPattern: string): string {
  return `arn:${partition(env)}:s3:::${bucket}/${keyPattern}`;
}

export function glueCatalogArn(env: EnvironmentConfig): string {
  return `arn:${partition(env)}:glue:${env.region}:${env.account}:catalog`;
}

export function glueDatabaseArn(env: EnvironmentConfig, database: string): string {
  return `arn:${partition(env)}:glue:${env.region}:${env.account}:database/${database}`;
}

export function glueTableArn(env: EnvironmentConfig, database: string, table: string): string {
  return `arn:${partition(env)}:glue:${env.region}:${env.account}:table/${database}/${table}`;
}

export function athenaWorkgroupArn(env: EnvironmentConfig, workgroup: string): string {
  return `arn:${partition(env)}:athena:${env.region}:${env.account}:workgroup/${workgroup}`;
}

/** The account's Glue Data Catalog as Athena names it. */
export function athenaDataCatalogArn(env: EnvironmentConfig): string {
  return `arn:${partition(env)}:athena:${env.region}:${env.account}:datacatalog/AwsDataCatalog`;
}

export function logGroupArn(env: EnvironmentConfig, logGroup: string): string {
  return `arn:${partition(env)}:logs:${env.region}:${env.account}:log-group:${logGroup}`;
}

export function logStreamsArn(env: EnvironmentConfig, logGroup: string): string {
  return `${logGroupArn(env, logGroup)}:log-stream:*`;
}

export function iamRoleArn(env: EnvironmentConfig, role: string): string {
  return `arn:${partition(env)}:iam::${env.account}:role/${role}`;
}

export function accountRootArn(env: EnvironmentConfig): string {
  return `arn:${partition(env)}:iam::${env.account}:root`;
}

export function lambdaFunctionArn(env: EnvironmentConfig, fn: string): string {
  return `arn:${partition(env)}:lambda:${env.region}:${env.account}:function:${fn}`;
}

export function stateMachineArn(env: EnvironmentConfig, name: string): string {
  return `arn:${partition(env)}:states:${env.region}:${env.account}:stateMachine:${name}`;
}

export function stateMachineExecutionsArn(env: EnvironmentConfig, name: string): string {
  return `arn:${partition(env)}:states:${env.region}:${env.account}:execution:${name}:*`;
}

export function eventRuleArn(env: EnvironmentConfig, rule: string): string {
  return `arn:${partition(env)}:events:${env.region}:${env.account}:rule/${rule}`;
}

export function sqsQueueArn(env: EnvironmentConfig, queue: string): string {
  return `arn:${partition(env)}:sqs:${env.region}:${env.account}:${queue}`;
}

export function snsTopicArn(env: EnvironmentConfig, topic: string): string {
  return `arn:${partition(env)}:sns:${env.region}:${env.account}:${topic}`;
}

export function trailArn(env: EnvironmentConfig, trail: string): string {
  return `arn:${partition(env)}:cloudtrail:${env.region}:${env.account}:trail/${trail}`;
}

export function servicePrincipal(service: string): string {
  return `${service}.amazonaws.com`;
}
