import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Construct } from 'constructs';
import { datasetKey } from '../../generators/contract/dataset-id';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import type { GoldModel } from '../../generators/contract/gold-model';
import { athenaGoldRun } from '../../generators/sql/athena-gold-plan';
import { datasetTables, lakeTables } from '../../generators/tables/lake-tables';
import { goldPolicy } from '../access/gold-policy';
import { LakeRole } from '../access/lake-role';
import { eventRuleArn, logGroupArn, servicePrincipal, sqsQueueArn, stateMachineArn } from '../arns';
import { allow, assumeRolePolicy, policyDocument } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';
import { contractSlug, goldRefreshName, goldTriggerName, stateMachineLogGroupName } from '../names';
import { executionAlarms } from '../observability/execution-alarms';
import { logGroup } from '../observability/log-group';
import { tfJson, tfLiteral } from '../terraform-string';
import { goldRefreshDefinition } from './gold-refresh-definition';
import { latestDocumentShape } from './latest-format';

/**
 * Everything one Gold contract adds: its refresh state machine (the SQL engineer's Athena plan, see
 * gold-refresh-definition.ts) with its publisher role and log group, started by EventBridge whenever its
 * source publishes silver (`_PUBLISHED.json` replaced), its statements as Athena named queries, and
 * alarms on failed and timed-out refreshes to the domain's topic.
 */
export class GoldRefresh extends Construct {
  readonly stateMachine: SfnStateMachine;

  constructor(scope: Construct, id: string, props: { ctx: LakeContext; gold: GoldModel; source: DatasetModel; topic: SnsTopic }) {
    super(scope, id);
    const { ctx, gold, source } = props;
    const { env } = ctx;
    const key = datasetKey(gold.id);
    const name = goldRefreshName(env, gold.id);
    const plan = athenaGoldRun(gold, source, ctx.dataBuckets);
    const goldTable = lakeTables({ contracts: [gold] })[0]!;
    const logGroupName = stateMachineLogGroupName(name);
    const logs = logGroup(this, 'log-group', env, logGroupName, ctx.keyArns.platform);

    const role = new LakeRole(this, 'publisher', {
      name,
      description: tfLiteral(`Gold publisher of ${key}: refresh, reconcile, publish`),
      kind: 'gold-publisher',
      contract: key,
      reads: [datasetKey(source.id)],
      trust: assumeRolePolicy({ Service: servicePrincipal('states') }, {
        StringEquals: { 'aws:SourceAccount': env.account },
        ArnLike: { 'aws:SourceArn': stateMachineArn(env, name) },
      }),
      policy: goldPolicy(ctx, gold, source, name, plan.stage.name),
    });

    const definition = goldRefreshDefinition(
      plan,
      {
        dataset: key,
        workgroup: ctx.workgroups.gold,
        database: goldTable.database,
        goldBucket: ctx.bucketNames.gold,
        goldPrefix: goldTable.prefix,
        schemaV: gold.id.schemaV,
        latest: latestDocumentShape(key),
      },
      `Gold refresh of ${key} from ${datasetKey(source.id)} (lakec)`,
    );
    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name,
      type: 'STANDARD',
      roleArn: role.role.arn,
      definition: tfJson(definition),
      loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: `${logGroupArn(env, logGroupName)}:*` },
      tracingConfiguration: { enabled: true },
      tags: { 'lakec:contract': tfLiteral(key) },
      dependsOn: [logs, role.policy],
    });

    const silver = datasetTables(source).find((t) => t.layer === 'silver')!;
    const triggerName = goldTriggerName(env, gold.id);
    const rule = new CloudwatchEventRule(this, 'trigger', {
      name: triggerName,
      description: tfLiteral(`Refresh ${key} when ${datasetKey(source.id)} publishes silver`),
      eventPattern: tfJson({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [ctx.bucketNames.silver] }, object: { key: [`${silver.prefix}schema_v=${source.id.schemaV}/_PUBLISHED.json`] } },
      }),
    });
    const triggerRole = new LakeRole(this, 'trigger-role', {
      name: triggerName,
      description: tfLiteral(`EventBridge starts the Gold refresh of ${key}`),
      kind: 'gold-trigger',
      contract: key,
      trust: assumeRolePolicy({ Service: servicePrincipal('events') }, { StringEquals: { 'aws:SourceArn': eventRuleArn(env, triggerName), 'aws:SourceAccount': env.account } }),
      policy: policyDocument([allow('StartOwnRefresh', ['states:StartExecution'], [stateMachineArn(env, name)])]),
    });
    new CloudwatchEventTarget(this, 'trigger-target', {
      rule: rule.name,
      arn: this.stateMachine.arn,
      roleArn: triggerRole.role.arn,
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: sqsQueueArn(env, ctx.deadLetterQueue) },
    });

    plan.order
      .filter((step, i) => plan.order.indexOf(step) === i)
      .forEach((step, i) => {
        const s = plan.steps[step];
        new AthenaNamedQuery(this, `query-${step}`, {
          name: tfLiteral(`${key} ${i + 1} ${step}`),
          description: tfLiteral(s.description.slice(0, 1024)),
          database: goldTable.database,
          workgroup: ctx.workgroups.gold,
          query: tfLiteral(s.sql.text),
        });
      });

    executionAlarms(this, env, name, ['gold', contractSlug(gold.id)], (what) => `A Gold refresh of ${key} ${what}; nothing new was published. See the execution history.`, props.topic);
  }
}
