import type { DatasetModel } from '../../generators/contract/dataset-model';
import type { GoldModel } from '../../generators/contract/gold-model';
import { datasetTables, lakeTables } from '../../generators/tables/lake-tables';
import { glueCatalogArn, glueDatabaseArn, glueTableArn, s3BucketArn, s3ObjectArn, stateMachineArn } from '../arns';
import { allow, policyDocument, STAR_ONLY_ACTIONS, xrayStatement, type PolicyDocument } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';
import { athenaStatements, catalogKeyStatement, GLUE_READ_ACTIONS, GLUE_VIEW_WRITE_ACTIONS, listStatement } from './etl-policy';
import { tableKeyPatterns } from './key-patterns';

/** Glue calls of Athena's CREATE TABLE AS, INSERT INTO and DROP TABLE on the run's staging table. */
export const GLUE_STAGE_ACTIONS = [
  'glue:BatchCreatePartition',
  'glue:BatchDeletePartition',
  'glue:CreatePartition',
  'glue:CreateTable',
  'glue:DeletePartition',
  'glue:DeleteTable',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:GetTable',
  'glue:UpdateTable',
];

/**
 * The Gold publisher role of one Gold contract (its refresh state machine's role): read its source's
 * silver, write only its own Gold prefix (run data and `_LATEST.json`), create and drop only its own
 * staging table, replace only its own reader view, run queries in the Gold refresh workgroup (whose
 * results and written files are encrypted with the gold key, which the role already uses).
 */
export function goldPolicy(ctx: LakeContext, g: GoldModel, source: DatasetModel, stateMachine: string, stage: string): PolicyDocument {
  const { env } = ctx;
  const silver = datasetTables(source).filter((t) => t.layer === 'silver');
  const gold = lakeTables({ contracts: [g] });
  const goldTable = gold[0]!;
  const s3ViaService = { StringEquals: { 'kms:ViaService': `s3.${env.region}.amazonaws.com` } };
  return policyDocument([
    allow('ReadSourceSilver', ['s3:GetObject'], silver.flatMap(tableKeyPatterns).map((p) => s3ObjectArn(env, ctx.bucketNames.silver, p))),
    listStatement('ListSourceSilver', ctx, 'silver', silver),
    allow('WriteOwnGold', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], gold.flatMap(tableKeyPatterns).map((p) => s3ObjectArn(env, ctx.bucketNames.gold, p))),
    listStatement('ListOwnGold', ctx, 'gold', gold),
    allow('LocateLakeBuckets', ['s3:GetBucketLocation'], [s3BucketArn(env, ctx.bucketNames.silver), s3BucketArn(env, ctx.bucketNames.gold)]),
    { Sid: 'DenyDeletes', Effect: 'Deny', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: [s3ObjectArn(env, ctx.bucketNames.gold, '*')] },
    allow('DecryptSilver', ['kms:Decrypt'], [ctx.keyArns.silver], s3ViaService),
    allow('EncryptGold', ['kms:Decrypt', 'kms:GenerateDataKey'], [ctx.keyArns.gold], s3ViaService),
    catalogKeyStatement(ctx),
    allow('ReadSourceAndOwnTables', GLUE_READ_ACTIONS, [
      glueCatalogArn(env),
      ...[...new Set([...silver, goldTable].map((t) => glueDatabaseArn(env, t.database)))],
      ...[...silver, goldTable].flatMap((t) => [glueTableArn(env, t.database, t.name), glueTableArn(env, t.database, t.readerName)]),
    ]),
    allow('ReplaceOwnReaderView', GLUE_VIEW_WRITE_ACTIONS, [glueCatalogArn(env), glueDatabaseArn(env, goldTable.database), glueTableArn(env, goldTable.database, goldTable.readerName)]),
    allow('WriteThroughOwnStage', GLUE_STAGE_ACTIONS, [glueCatalogArn(env), glueDatabaseArn(env, goldTable.database), glueTableArn(env, goldTable.database, stage)]),
    ...athenaStatements(ctx, 'gold'),
    allow('SerializeOwnRefreshes', ['states:ListExecutions'], [stateMachineArn(env, stateMachine)]),
    allow('DeliverExecutionLogs', STAR_ONLY_ACTIONS.filter((a) => a.startsWith('logs:')), ['*']),
    xrayStatement(),
  ]);
}
