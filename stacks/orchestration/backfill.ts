import type { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { datasetKey } from '../../generators/contract/dataset-id';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { athenaEtlPlan } from '../../generators/sql/etl/athena-etl';
import { bronzeLinesTable } from '../../generators/tables/lake-tables';
import { glueTable } from '../catalog/glue-catalog';
import { BACKFILL_DESCRIPTOR_ENV } from '../../runtime/engine/backfill-handler';
import { LAMBDA_WORKGROUP_ENV } from '../../runtime/lambda/handler';
import { lakeBucketVariables } from '../compute/etl-pipeline';
import { LakeRole } from '../access/lake-role';
import { lambdaFunctionArn, logGroupArn, servicePrincipal, sqsQueueArn, stateMachineArn } from '../arns';
import { assumeRolePolicy } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';
import { contractSlug, lambdaLogGroupName, NAME_LIMITS, resourceName, stateMachineLogGroupName } from '../names';
import { executionAlarms } from '../observability/execution-alarms';
import { logGroup } from '../observability/log-group';
import { enforcedWorkgroup } from '../query/athena-workgroups';
import { tfJson, tfLiteral } from '../terraform-string';
import { BACKFILL_DESCRIPTOR, BACKFILL_HANDLER, backfillPackage } from './backfill-code';
import { backfillDefinition } from './backfill-definition';
import { BACKFILL_RESULTS_PREFIX, backfillName, backfillWorkgroups } from './backfill-names';
import { backfillFunctionPolicy, backfillStateMachinePolicy } from './backfill-policy';

/**
 * The two Athena workgroups every backfill of an environment writes through: Athena encrypts what CREATE
 * TABLE AS and INSERT INTO write with the workgroup's result encryption, and the silver and quarantine
 * buckets each accept only their own key. Enforced, encrypted, cut off and measured like the others.
 */
export class BackfillWorkgroups extends Construct {
  constructor(scope: Construct, id: string, ctx: LakeContext) {
    super(scope, id);
    const names = backfillWorkgroups(ctx.env);
    for (const layer of ['silver', 'quarantine'] as const) {
      enforcedWorkgroup(this, `${layer}-workgroup`, ctx, {
        name: names[layer],
        description: `lakec backfills: writes ${layer} (encrypted with the ${layer} key)`,
        resultsPrefix: BACKFILL_RESULTS_PREFIX[layer],
        kmsKeyArn: ctx.keyArns[layer],
      });
    }
  }
}

/**
 * Everything one dataset contract adds to backfill it with Athena: the lines table over its bronze prefix
 * (the deliveries a line per row), its backfill Lambda (runtime/engine/backfill-handler.ts) with its role and
 * log group, and its state machine (backfill-definition.ts) with its role, log group and an alarm on failed
 * and timed-out executions to the domain's topic. Start it with `{"from": "YYYY-MM", "to": "YYYY-MM"}`.
 */
export class Backfill extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: { ctx: LakeContext; dataset: DatasetModel; bronzeDatabase: GlueCatalogDatabase; layer: LambdaLayerVersion; topic: SnsTopic }) {
    super(scope, id);
    const { ctx, dataset: d } = props;
    const { env } = ctx;
    const key = datasetKey(d.id);
    const name = backfillName(env, d.id);
    const plan = athenaEtlPlan(d, { buckets: ctx.dataBuckets, resultsBucket: ctx.bucketNames['athena-results'] });

    glueTable(this, 'lines-table', bronzeLinesTable(d), props.bronzeDatabase, { account: env.account, buckets: ctx.dataBuckets, classification: () => d.classification });

    const functionLogs = lambdaLogGroupName(name);
    const fnLogGroup = logGroup(this, 'function-log-group', env, functionLogs, ctx.keyArns.platform);
    const fnRole = new LakeRole(this, 'function-role', {
      name: resourceName(env, ['backfill-fn', contractSlug(d.id)], NAME_LIMITS.iamRole),
      description: tfLiteral(`Backfill steps of ${key}: read deliveries, publish runs, replace reader views`),
      kind: 'backfill',
      contract: key,
      trust: assumeRolePolicy({ Service: servicePrincipal('lambda') }),
      policy: backfillFunctionPolicy(ctx, d, ctx.workgroups.platform, functionLogs),
    });
    const pkg = backfillPackage(d);
    const code = new TerraformAsset(this, 'code', { path: pkg.file, type: AssetType.FILE, assetHash: pkg.hash });
    const l = env.etlLambda;
    this.function = new LambdaFunction(this, 'function', {
      functionName: name,
      description: tfLiteral(`lakec Athena backfill steps of ${key}`),
      role: fnRole.role.arn,
      runtime: l.runtime,
      architectures: [l.architecture],
      handler: BACKFILL_HANDLER,
      filename: code.path,
      layers: [props.layer.arn],
      sourceCodeHash: pkg.base64Sha256,
      memorySize: l.memoryMb,
      // Preparing a delivery reads it whole (SHA-256, line ends): the longest a function may run.
      timeout: 900,
      reservedConcurrentExecutions: 2,
      tracingConfig: { mode: 'Active' },
      deadLetterConfig: { targetArn: sqsQueueArn(env, ctx.deadLetterQueue) },
      kmsKeyArn: ctx.keyArns.platform,
      loggingConfig: { logFormat: 'Text', logGroup: functionLogs },
      environment: {
        variables: {
          ...lakeBucketVariables(ctx),
          [LAMBDA_WORKGROUP_ENV]: ctx.workgroups.platform,
          [BACKFILL_DESCRIPTOR_ENV]: BACKFILL_DESCRIPTOR,
        },
      },
      tags: { 'lakec:contract': tfLiteral(key) },
      dependsOn: [fnLogGroup, fnRole.policy],
    });

    const workgroups = { platform: ctx.workgroups.platform, ...backfillWorkgroups(env) };
    const machineLogs = stateMachineLogGroupName(name);
    const machineLogGroup = logGroup(this, 'log-group', env, machineLogs, ctx.keyArns.platform);
    const role = new LakeRole(this, 'role', {
      name,
      description: tfLiteral(`Athena backfill of ${key}: its bronze deliveries into its silver, quarantine and condemned prefixes`),
      kind: 'backfill',
      contract: key,
      trust: assumeRolePolicy({ Service: servicePrincipal('states') }, {
        StringEquals: { 'aws:SourceAccount': env.account },
        ArnLike: { 'aws:SourceArn': stateMachineArn(env, name) },
      }),
      policy: backfillStateMachinePolicy(ctx, d, plan, workgroups, name),
    });
    const definition = backfillDefinition(plan, { workgroups, functionArn: lambdaFunctionArn(env, name) }, `Athena backfill of ${key} (lakec): {"from": "YYYY-MM", "to": "YYYY-MM"}`);
    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name,
      type: 'STANDARD',
      roleArn: role.role.arn,
      definition: tfJson(definition),
      loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: `${logGroupArn(env, machineLogs)}:*` },
      tracingConfiguration: { enabled: true },
      tags: { 'lakec:contract': tfLiteral(key) },
      dependsOn: [machineLogGroup, role.policy, this.function],
    });

    executionAlarms(this, env, name, ['backfill', contractSlug(d.id)], (what) => `An Athena backfill of ${key} ${what}; the runs published before it stay. See the execution history.`, props.topic, 'failed (a run halted, failed, or a step failed)');
  }
}
