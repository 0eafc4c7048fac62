import type { DatasetModel } from '../../generators/contract/dataset-model';
import { datasetTables } from '../../generators/tables/lake-tables';
import type { PlatformBucket } from '../../generators/tables/bucket-names';
import type { TableDef } from '../../generators/tables/table-def';
import { athenaDataCatalogArn, athenaWorkgroupArn, glueCatalogArn, glueDatabaseArn, glueTableArn, logStreamsArn, s3BucketArn, s3ObjectArn, sqsQueueArn } from '../arns';
import { allow, policyDocument, xrayStatement, type PolicyDocument, type Statement } from '../iam/policy-document';
import { RESULTS_PREFIX, type LakeContext, type Workgroup } from '../lake-context';
import { tableKeyPatterns } from './key-patterns';

export const ATHENA_QUERY_ACTIONS = ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:StopQueryExecution'];
export const GLUE_READ_ACTIONS = ['glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable'];
/** Replacing a reader view (`CREATE OR REPLACE VIEW` through Athena) creates or updates its Glue table. */
export const GLUE_VIEW_WRITE_ACTIONS = ['glue:CreateTable', 'glue:UpdateTable'];

/**
 * The ETL role of one dataset contract (its Lambda's execution role): read only its bronze prefix, write
 * only its silver, quarantine and condemned prefixes, replace only its reader views, nothing on bronze
 * but reads. Deletes are denied outright: the runtime never deletes, and a bug must not either.
 */
export function etlPolicy(ctx: LakeContext, d: DatasetModel, logGroup: string): PolicyDocument {
  const { env, tables, byLayer, objects, s3ViaService } = datasetPolicyParts(ctx, d);
  const bronze = byLayer('bronze');
  const silver = byLayer('silver');
  const quarantine = byLayer('quarantine', 'condemned');
  return policyDocument([
    allow('ReadOwnBronze', ['s3:GetObject'], objects('bronze', bronze)),
    listStatement('ListOwnBronze', ctx, 'bronze', bronze),
    allow('WriteOwnSilver', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], objects('silver', silver)),
    listStatement('ListOwnSilver', ctx, 'silver', silver),
    allow('WriteOwnQuarantine', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], objects('quarantine', quarantine)),
    listStatement('ListOwnQuarantine', ctx, 'quarantine', quarantine),
    ...etlDenyStatements(ctx),
    allow('DecryptBronze', ['kms:Decrypt'], [ctx.keyArns.bronze], s3ViaService),
    allow('EncryptSilverAndQuarantine', ['kms:Decrypt', 'kms:GenerateDataKey'], [ctx.keyArns.silver, ctx.keyArns.quarantine], s3ViaService),
    platformKeyStatement(ctx, ['lambda', 'sqs', 's3']),
    catalogKeyStatement(ctx),
    ...glueStatements(ctx, tables, tables.filter((t) => t.layer !== 'bronze')),
    ...athenaStatements(ctx, 'platform'),
    allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logStreamsArn(env, logGroup)]),
    allow('SendDeadLetters', ['sqs:SendMessage'], [sqsQueueArn(env, ctx.deadLetterQueue)]),
    xrayStatement(),
  ]);
}

/** What the policies of one dataset contract's jobs build on: its tables, by layer, as object ARNs; KMS through S3. */
export function datasetPolicyParts(ctx: LakeContext, d: DatasetModel) {
  const { env } = ctx;
  const tables = datasetTables(d);
  const byLayer = (...layers: TableDef['layer'][]) => tables.filter((t) => layers.includes(t.layer));
  const objects = (bucket: PlatformBucket, ts: readonly TableDef[]) => ts.flatMap(tableKeyPatterns).map((p) => s3ObjectArn(env, ctx.bucketNames[bucket], p));
  const s3ViaService = { StringEquals: { 'kms:ViaService': `s3.${env.region}.amazonaws.com` } };
  return { env, tables, byLayer, objects, s3ViaService };
}

/** What no ETL job may do, whatever else it is allowed: write bronze, or delete from silver and quarantine. */
export function etlDenyStatements(ctx: LakeContext): Statement[] {
  const { env } = ctx;
  return [
    {
      Sid: 'DenyBronzeWrites',
      Effect: 'Deny',
      Action: ['s3:BypassGovernanceRetention', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention'],
      Resource: [s3ObjectArn(env, ctx.bucketNames.bronze, '*')],
    },
    { Sid: 'DenyDeletes', Effect: 'Deny', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: [s3ObjectArn(env, ctx.bucketNames.silver, '*'), s3ObjectArn(env, ctx.bucketNames.quarantine, '*')] },
  ];
}

/**
 * `s3:ListBucket` on one bucket: a listing that names a prefix must be within the given tables' prefixes.
 * `IfExists`, because S3 answers a read of a missing key with 404 only to a caller that may list the
 * bucket — checked without any prefix — and the runtime and the Gold refresh rely on that 404 for a first
 * `_PUBLISHED.json` / `_LATEST.json`. (A listing without a prefix stays possible: key names, not data.)
 */
export function listStatement(Sid: string, ctx: LakeContext, bucket: PlatformBucket, tables: readonly TableDef[]): Statement {
  const prefixes = [...new Set(tables.map((t) => `${t.prefix}*`))];
  return allow(Sid, ['s3:ListBucket'], [s3BucketArn(ctx.env, ctx.bucketNames[bucket])], { StringLikeIfExists: { 's3:prefix': prefixes } });
}

export function platformKeyStatement(ctx: LakeContext, services: readonly string[]): Statement {
  return allow('UsePlatformKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [ctx.keyArns.platform], {
    StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${ctx.env.region}.amazonaws.com`) },
  });
}

/** The Glue catalog is encrypted with its own key: every reader of table definitions needs it. */
export function catalogKeyStatement(ctx: LakeContext, write = true): Statement {
  return allow('UseCatalogKey', write ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'], [ctx.keyArns.catalog], {
    StringEquals: { 'kms:ViaService': `glue.${ctx.env.region}.amazonaws.com` },
  });
}

/** Read the given tables; create or update the reader views of `viewsOf` (their `readerName`s). */
export function glueStatements(ctx: LakeContext, read: readonly TableDef[], viewsOf: readonly TableDef[]): Statement[] {
  const { env } = ctx;
  const catalog = glueCatalogArn(env);
  const databases = (ts: readonly TableDef[]) => [...new Set(ts.map((t) => glueDatabaseArn(env, t.database)))];
  const readTables = [...new Set(read.flatMap((t) => [glueTableArn(env, t.database, t.name), glueTableArn(env, t.database, t.readerName)]))];
  const views = [...new Set(viewsOf.map((t) => glueTableArn(env, t.database, t.readerName)))];
  return [
    allow('ReadOwnTables', GLUE_READ_ACTIONS, [catalog, ...databases(read), ...readTables]),
    ...(views.length ? [allow('ReplaceOwnReaderViews', GLUE_VIEW_WRITE_ACTIONS, [catalog, ...databases(viewsOf), ...views])] : []),
  ];
}

/** Queries in one workgroup, and its results prefix. */
export function athenaStatements(ctx: LakeContext, workgroup: Workgroup): Statement[] {
  const { env } = ctx;
  const results = ctx.bucketNames['athena-results'];
  return [
    allow('RunQueriesInWorkgroup', ATHENA_QUERY_ACTIONS, [athenaWorkgroupArn(env, ctx.workgroups[workgroup])]),
    allow('ReadDataCatalog', ['athena:GetDataCatalog'], [athenaDataCatalogArn(env)]),
    allow('WriteQueryResults', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], [s3ObjectArn(env, results, `${RESULTS_PREFIX[workgroup]}*`)]),
    allow('LocateQueryResults', ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], [s3BucketArn(env, results)]),
    allow('ListQueryResults', ['s3:ListBucket'], [s3BucketArn(env, results)], { StringLike: { 's3:prefix': [`${RESULTS_PREFIX[workgroup]}*`] } }),
  ];
}
