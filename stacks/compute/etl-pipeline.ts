import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { datasetKey } from '../../generators/contract/dataset-id';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { datasetTables } from '../../generators/tables/lake-tables';
import { LAMBDA_ENV, LAMBDA_WORKGROUP_ENV } from '../../runtime/lambda/handler';
import { METRIC_DIMENSION, METRICS } from '../../runtime/metrics';
import { etlPolicy } from '../access/etl-policy';
import { LakeRole } from '../access/lake-role';
import { eventRuleArn, servicePrincipal, sqsQueueArn } from '../arns';
import { assumeRolePolicy } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';
import { contractSlug, etlName, lambdaLogGroupName, NAME_LIMITS, resourceName } from '../names';
import { logGroup } from '../observability/log-group';
import { tfJson, tfLiteral } from '../terraform-string';
import { FUNCTION_HANDLER, FUNCTION_REGISTRY, functionPackage } from './lambda-code';

/** The lake's buckets as the runtime's Lambda handlers read them from their environment (LAMBDA_ENV). */
export function lakeBucketVariables(ctx: LakeContext): Record<string, string> {
  return Object.fromEntries((Object.keys(LAMBDA_ENV) as (keyof typeof LAMBDA_ENV)[]).map((role) => [LAMBDA_ENV[role], ctx.bucketNames[role]]));
}

/** How long an event waits for a free function (reserved concurrency) before it goes to the dead letters. */
export const MAX_EVENT_AGE_SECONDS = 6 * 3600;

/**
 * Everything one dataset contract adds to run its ETL: its role (etl-policy.ts), its log group, its
 * function (the runtime layer and its own registry), the EventBridge rule on new objects under its bronze
 * prefix, and its alarms — quarantine rate above the contract's `max_quarantine_rate`, failed runs,
 * function errors — to its domain's topic.
 */
export class EtlPipeline extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: { ctx: LakeContext; dataset: DatasetModel; layer: LambdaLayerVersion; topic: SnsTopic }) {
    super(scope, id);
    const { ctx, dataset: d } = props;
    const { env } = ctx;
    const key = datasetKey(d.id);
    const name = etlName(env, d.id);
    const logGroupName = lambdaLogGroupName(name);
    const logs = logGroup(this, 'log-group', env, logGroupName, ctx.keyArns.platform);
    const role = new LakeRole(this, 'role', {
      name,
      description: tfLiteral(`ETL of ${key}: its bronze deliveries into its silver, quarantine and condemned prefixes`),
      kind: 'etl',
      contract: key,
      trust: assumeRolePolicy({ Service: servicePrincipal('lambda') }),
      policy: etlPolicy(ctx, d, logGroupName),
    });
    const pkg = functionPackage(d);
    const code = new TerraformAsset(this, 'code', { path: pkg.file, type: AssetType.FILE, assetHash: pkg.hash });
    const l = env.etlLambda;
    this.function = new LambdaFunction(this, 'function', {
      functionName: name,
      description: tfLiteral(`lakec ETL of ${key}`),
      role: role.role.arn,
      runtime: l.runtime,
      architectures: [l.architecture],
      handler: FUNCTION_HANDLER,
      filename: code.path,
      sourceCodeHash: pkg.base64Sha256,
      layers: [props.layer.arn],
      memorySize: l.memoryMb,
      timeout: l.timeoutSeconds,
      reservedConcurrentExecutions: l.reservedConcurrency,
      tracingConfig: { mode: 'Active' },
      deadLetterConfig: { targetArn: sqsQueueArn(env, ctx.deadLetterQueue) },
      kmsKeyArn: ctx.keyArns.platform,
      loggingConfig: { logFormat: 'Text', logGroup: logGroupName },
      environment: {
        variables: {
          ...lakeBucketVariables(ctx),
          LAKEC_REGISTRY: FUNCTION_REGISTRY,
          // Publishing in AWS ends by replacing the dataset's reader views (DESIGN.md, Publishing).
          [LAMBDA_WORKGROUP_ENV]: ctx.workgroups.platform,
        },
      },
      tags: { 'lakec:contract': tfLiteral(key) },
      dependsOn: [logs, role.policy],
    });
    new LambdaFunctionEventInvokeConfig(this, 'invoke-config', {
      functionName: this.function.functionName,
      maximumRetryAttempts: l.maxRetryAttempts,
      maximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS,
    });

    const bronze = datasetTables(d).find((t) => t.layer === 'bronze')!;
    const rule = new CloudwatchEventRule(this, 'trigger', {
      name,
      description: tfLiteral(`New deliveries of ${key} in bronze start its ETL`),
      eventPattern: tfJson({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [ctx.bucketNames.bronze] }, object: { key: [{ prefix: bronze.prefix }] } },
      }),
    });
    new CloudwatchEventTarget(this, 'trigger-target', {
      rule: rule.name,
      arn: this.function.arn,
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: sqsQueueArn(env, ctx.deadLetterQueue) },
    });
    new LambdaPermission(this, 'trigger-permission', {
      statementId: 'EventBridgeDeliveries',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: servicePrincipal('events'),
      sourceArn: eventRuleArn(env, name),
      sourceAccount: env.account,
    });

    const alarm = (what: string, props2: { namespace: string; metric: string; dimensions: Record<string, string>; statistic: string; threshold: number; description: string }) =>
      new CloudwatchMetricAlarm(this, `alarm-${what}`, {
        alarmName: resourceName(env, ['etl', contractSlug(d.id), what], NAME_LIMITS.alarm),
        alarmDescription: tfLiteral(props2.description),
        namespace: props2.namespace,
        metricName: props2.metric,
        dimensions: props2.dimensions,
        statistic: props2.statistic,
        period: 300,
        evaluationPeriods: 1,
        threshold: props2.threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [props.topic.arn],
        okActions: [props.topic.arn],
      });
    const dimensions = { [METRIC_DIMENSION]: tfLiteral(key) };
    alarm('quarantine-rate', {
      namespace: ctx.metricNamespace,
      metric: METRICS.quarantineRate.name,
      dimensions,
      statistic: 'Maximum',
      threshold: d.quality.maxQuarantineRate,
      description: `A run of ${key} quarantined more than ${Number((d.quality.maxQuarantineRate * 100).toPrecision(6))}% of its rows (the contract's max_quarantine_rate). It was published; look at quarantine_${d.id.domain}.${d.id.name}_${d.id.schemaV}.`,
    });
    alarm('failed-runs', {
      namespace: ctx.metricNamespace,
      metric: METRICS.runFailed.name,
      dimensions,
      statistic: 'Sum',
      threshold: 0,
      description: `A run of ${key} halted, was rejected or failed: nothing of it was published. See the function's log.`,
    });
    alarm('errors', {
      namespace: 'AWS/Lambda',
      metric: 'Errors',
      dimensions: { FunctionName: name },
      statistic: 'Sum',
      threshold: 0,
      description: `The ETL function of ${key} failed (it is retried; after the retries the event goes to the dead-letter queue).`,
    });
  }
}
