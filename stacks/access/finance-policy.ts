import { datasetsOf } from '../../generators/contract/lake-model';
import { datasetTables } from '../../generators/tables/lake-tables';
import type { TableDef } from '../../generators/tables/table-def';
import { athenaDataCatalogArn, athenaWorkgroupArn, glueCatalogArn, glueDatabaseArn, glueTableArn, s3BucketArn, s3ObjectArn } from '../arns';
import { allow, policyDocument, type PolicyDocument, type Statement } from '../iam/policy-document';
import type { LakeContext } from '../lake-context';
import { broadKeyPattern } from './key-patterns';
import { athenaStatements, catalogKeyStatement, GLUE_READ_ACTIONS, platformKeyStatement } from './etl-policy';

export const FINANCE_EXTRA_ATHENA_ACTIONS = [
  'athena:BatchGetNamedQuery',
  'athena:BatchGetQueryExecution',
  'athena:GetNamedQuery',
  'athena:GetQueryRuntimeStatistics',
  'athena:ListNamedQueries',
  'athena:ListQueryExecutions',
];

/**
 * The finance role's grants, independent of which contracts exist: its workgroup, every Gold table and
 * view (`gold_*`), and Silver (`silver_*`) — minus the restricted contracts, denied in
 * `financeRestrictedDenies`. Views are not a security boundary (DESIGN.md), so the grants cover the
 * `*_all_runs` tables behind them. Never bronze, quarantine or condemned.
 */
export function financePolicy(ctx: LakeContext): PolicyDocument {
  const { env } = ctx;
  const s3ViaService = { StringEquals: { 'kms:ViaService': `s3.${env.region}.amazonaws.com` } };
  return policyDocument([
    ...athenaStatements(ctx, 'finance'),
    allow('BrowseWorkgroup', FINANCE_EXTRA_ATHENA_ACTIONS, [athenaWorkgroupArn(env, ctx.workgroups.finance)]),
    allow('BrowseDataCatalog', ['athena:GetDatabase', 'athena:GetTableMetadata', 'athena:ListDatabases', 'athena:ListTableMetadata'], [athenaDataCatalogArn(env)]),
    allow('ReadGoldAndSilverTables', [...GLUE_READ_ACTIONS, 'glue:GetDatabases', 'glue:GetTables'], [
      glueCatalogArn(env),
      glueDatabaseArn(env, 'gold_*'),
      glueTableArn(env, 'gold_*', '*'),
      glueDatabaseArn(env, 'silver_*'),
      glueTableArn(env, 'silver_*', '*'),
    ]),
    allow('ReadGoldAndSilverObjects', ['s3:GetObject'], [s3ObjectArn(env, ctx.bucketNames.gold, 'gold/*'), s3ObjectArn(env, ctx.bucketNames.silver, 'silver/*')]),
    allow('ListGoldAndSilver', ['s3:ListBucket'], [s3BucketArn(env, ctx.bucketNames.gold), s3BucketArn(env, ctx.bucketNames.silver)], { StringLike: { 's3:prefix': ['gold/*', 'silver/*'] } }),
    allow('LocateGoldAndSilver', ['s3:GetBucketLocation'], [s3BucketArn(env, ctx.bucketNames.gold), s3BucketArn(env, ctx.bucketNames.silver)]),
    allow('DecryptGoldAndSilver', ['kms:Decrypt'], [ctx.keyArns.gold, ctx.keyArns.silver], s3ViaService),
    platformKeyStatement(ctx, ['s3']),
    catalogKeyStatement(ctx, false),
  ]);
}

/** The silver tables of `restricted` contracts, which finance never reads (DESIGN.md, Platform). */
export function restrictedSilverTables(ctx: LakeContext): TableDef[] {
  return datasetsOf(ctx.model)
    .filter((d) => d.classification === 'restricted')
    .flatMap((d) => datasetTables(d).filter((t) => t.layer === 'silver'));
}

/**
 * Deny statements for restricted silver, packed so each policy stays under IAM's 6,144-character limit
 * for managed policies (`maxChars`). One statement per policy; statement ids are numbered.
 */
export function financeRestrictedDenies(ctx: LakeContext, maxChars = 6144): PolicyDocument[] {
  const { env } = ctx;
  const entries = restrictedSilverTables(ctx).map((t) => ({
    objects: [s3ObjectArn(env, ctx.bucketNames.silver, broadKeyPattern(t))],
    tables: [glueTableArn(env, t.database, t.name), glueTableArn(env, t.database, t.readerName)],
  }));
  const docs: PolicyDocument[] = [];
  let chunk: typeof entries = [];
  const render = (c: typeof entries) => policyDocument(denyStatements(docs.length + 1, c));
  for (const e of entries) {
    const next = [...chunk, e];
    if (chunk.length > 0 && JSON.stringify(render(next)).length > maxChars) {
      docs.push(render(chunk));
      chunk = [e];
    } else chunk = next;
  }
  if (chunk.length > 0) docs.push(render(chunk));
  return docs;
}

function denyStatements(n: number, entries: readonly { objects: string[]; tables: string[] }[]): Statement[] {
  return [
    { Sid: `DenyRestrictedSilverObjects${n}`, Effect: 'Deny', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: entries.flatMap((e) => e.objects) },
    { Sid: `DenyRestrictedSilverTables${n}`, Effect: 'Deny', Action: [...GLUE_READ_ACTIONS, 'glue:GetTables'], Resource: entries.flatMap((e) => e.tables) },
  ];
}
