import type { DatasetModel } from '../../generators/contract/dataset-model';
import { athenaEtlStaging } from '../../generators/sql/etl/athena-etl';
import type { AthenaEtlPlan, AthenaEtlWorkgroup } from '../../runtime/engine/athena-plan';
import { ATHENA_QUERY_ACTIONS, catalogKeyStatement, datasetPolicyParts, etlDenyStatements, GLUE_READ_ACTIONS, glueStatements, listStatement, platformKeyStatement } from '../access/etl-policy';
import { GLUE_STAGE_ACTIONS } from '../access/gold-policy';
import { athenaDataCatalogArn, athenaWorkgroupArn, glueCatalogArn, glueDatabaseArn, glueTableArn, lambdaFunctionArn, logStreamsArn, s3BucketArn, s3ObjectArn, sqsQueueArn } from '../arns';
import { allow, policyDocument, STAR_ONLY_ACTIONS, xrayStatement, type PolicyDocument } from '../iam/policy-document';
import { RESULTS_PREFIX, type LakeContext } from '../lake-context';
import { BACKFILL_RESULTS_PREFIX } from './backfill-names';

function common(ctx: LakeContext, d: DatasetModel) {
  return { ...datasetPolicyParts(ctx, d), denies: etlDenyStatements(ctx) };
}

/**
 * The backfill state machine's role: Athena reads and writes with the caller's permissions, so this role
 * reads its contract's bronze prefix (the lines table) and published silver, writes only its silver,
 * quarantine and condemned prefixes (through staging tables it creates and drops, in its own Glue names)
 * and its routed rows' prefix in the results bucket, runs queries in the platform workgroup and the two
 * backfill workgroups whose keys the silver and quarantine buckets accept, and invokes its own Lambda.
 * Nothing may be deleted; bronze may not be written.
 */
export function backfillStateMachinePolicy(ctx: LakeContext, d: DatasetModel, plan: AthenaEtlPlan, workgroups: Readonly<Record<AthenaEtlWorkgroup, string>>, functionName: string): PolicyDocument {
  const { env, tables, byLayer, objects, s3ViaService, denies } = common(ctx, d);
  const results = ctx.bucketNames['athena-results'];
  const staging = athenaEtlStaging(d);
  const resultPrefixes = [RESULTS_PREFIX.platform, BACKFILL_RESULTS_PREFIX.silver, BACKFILL_RESULTS_PREFIX.quarantine, staging.routedPrefix];
  const stages = [staging.routed, staging.stages.silver, staging.stages.quarantine, staging.stages.condemned].map((t) => ({ database: t.schema, name: t.name }));
  const databases = [...new Set([...tables.map((t) => t.database), plan.linesTable.database, ...stages.map((s) => s.database)])].map((db) => glueDatabaseArn(env, db));
  return policyDocument([
    allow('ReadOwnBronze', ['s3:GetObject'], objects('bronze', byLayer('bronze'))),
    listStatement('ListOwnBronze', ctx, 'bronze', byLayer('bronze')),
    allow('WriteOwnSilver', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], objects('silver', byLayer('silver'))),
    listStatement('ListOwnSilver', ctx, 'silver', byLayer('silver')),
    allow('WriteOwnQuarantine', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], objects('quarantine', byLayer('quarantine', 'condemned'))),
    listStatement('ListOwnQuarantine', ctx, 'quarantine', byLayer('quarantine', 'condemned')),
    allow('WriteQueryResultsAndRoutedRows', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], resultPrefixes.map((p) => s3ObjectArn(env, results, `${p}*`))),
    allow('ListQueryResults', ['s3:ListBucket'], [s3BucketArn(env, results)], { StringLike: { 's3:prefix': resultPrefixes.map((p) => `${p}*`) } }),
    allow('LocateBuckets', ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], (['bronze', 'silver', 'quarantine', 'athena-results'] as const).map((b) => s3BucketArn(env, ctx.bucketNames[b]))),
    ...denies,
    allow('DecryptBronze', ['kms:Decrypt'], [ctx.keyArns.bronze], s3ViaService),
    allow('EncryptSilverAndQuarantine', ['kms:Decrypt', 'kms:GenerateDataKey'], [ctx.keyArns.silver, ctx.keyArns.quarantine], s3ViaService),
    platformKeyStatement(ctx, ['s3']),
    catalogKeyStatement(ctx),
    allow('ReadOwnTables', GLUE_READ_ACTIONS, [
      glueCatalogArn(env),
      ...databases,
      ...tables.flatMap((t) => [glueTableArn(env, t.database, t.name), glueTableArn(env, t.database, t.readerName)]),
      glueTableArn(env, plan.linesTable.database, plan.linesTable.name),
    ]),
    allow('WriteThroughOwnStages', GLUE_STAGE_ACTIONS, [glueCatalogArn(env), ...databases, ...stages.map((s) => glueTableArn(env, s.database, s.name))]),
    allow('RunQueriesInBackfillWorkgroups', ATHENA_QUERY_ACTIONS, Object.values(workgroups).map((w) => athenaWorkgroupArn(env, w))),
    allow('ReadDataCatalog', ['athena:GetDataCatalog'], [athenaDataCatalogArn(env)]),
    allow('InvokeOwnBackfillFunction', ['lambda:InvokeFunction'], [lambdaFunctionArn(env, functionName)]),
    allow('DeliverExecutionLogs', STAR_ONLY_ACTIONS.filter((a) => a.startsWith('logs:')), ['*']),
    xrayStatement(),
  ]);
}

/**
 * The backfill Lambda's role: read its bronze deliveries (to hash and check them), read its published silver
 * and the files a run wrote (checksums, overlap checks), write its run records and `_PUBLISHED.json`, read the
 * state machine's query results, and replace its three reader views through the platform workgroup.
 */
export function backfillFunctionPolicy(ctx: LakeContext, d: DatasetModel, platformWorkgroup: string, logGroup: string): PolicyDocument {
  const { env, byLayer, objects, s3ViaService, denies } = common(ctx, d);
  const results = ctx.bucketNames['athena-results'];
  const readerTables = byLayer('silver', 'quarantine', 'condemned');
  return policyDocument([
    allow('ReadOwnBronze', ['s3:GetObject'], objects('bronze', byLayer('bronze'))),
    listStatement('ListOwnBronze', ctx, 'bronze', byLayer('bronze')),
    allow('WriteOwnSilver', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], objects('silver', byLayer('silver'))),
    listStatement('ListOwnSilver', ctx, 'silver', byLayer('silver')),
    allow('ReadOwnQuarantine', ['s3:GetObject'], objects('quarantine', byLayer('quarantine', 'condemned'))),
    listStatement('ListOwnQuarantine', ctx, 'quarantine', byLayer('quarantine', 'condemned')),
    allow('ReadQueryResults', ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], [s3ObjectArn(env, results, `${RESULTS_PREFIX.platform}*`)]),
    allow('ListQueryResults', ['s3:ListBucket'], [s3BucketArn(env, results)], { StringLike: { 's3:prefix': [`${RESULTS_PREFIX.platform}*`] } }),
    allow('LocateQueryResults', ['s3:GetBucketLocation'], [s3BucketArn(env, results)]),
    ...denies,
    allow('DecryptBronzeAndQuarantine', ['kms:Decrypt'], [ctx.keyArns.bronze, ctx.keyArns.quarantine], s3ViaService),
    allow('EncryptSilver', ['kms:Decrypt', 'kms:GenerateDataKey'], [ctx.keyArns.silver], s3ViaService),
    platformKeyStatement(ctx, ['lambda', 'sqs', 's3']),
    catalogKeyStatement(ctx),
    ...glueStatements(ctx, readerTables, readerTables),
    allow('RunQueriesInPlatformWorkgroup', ATHENA_QUERY_ACTIONS, [athenaWorkgroupArn(env, platformWorkgroup)]),
    allow('ReadDataCatalog', ['athena:GetDataCatalog'], [athenaDataCatalogArn(env)]),
    allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logStreamsArn(env, logGroup)]),
    allow('SendDeadLetters', ['sqs:SendMessage'], [sqsQueueArn(env, ctx.deadLetterQueue)]),
    xrayStatement(),
  ]);
}
