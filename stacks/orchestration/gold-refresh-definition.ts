import type { AthenaGoldRun } from '../../generators/sql/athena-gold-plan';
import { athenaStep, athenaStepEntry, catchAllTo, escapeIntrinsicString, readResults, type AslDefinition, type AslState } from './asl';

export type { AslDefinition, AslState };

/** The audit record a refresh writes under `_audit/` when it publishes a restatement it was allowed. */
export const RESTATEMENT_RECORD_FORMAT = 'lakec.gold.restatement-athena/1';

/** What the Gold refresh of one contract needs to know besides its Athena statements. */
export interface GoldRefreshTarget {
  /** `domain.name@vN`, for the records it writes. */
  readonly dataset: string;
  /** The Gold refresh workgroup (enforced: results location and encryption — the gold key — come from it). */
  readonly workgroup: string;
  /** Glue database the statements run in (they are fully qualified anyway). */
  readonly database: string;
  readonly goldBucket: string;
  /** `gold/{domain}/{name}/schema_v=vN/`: the run prefixes and `_LATEST.json` live below it. */
  readonly goldPrefix: string;
  readonly schemaV: string;
  /** How `_LATEST.json` is laid out (runtime/publish owns the format). */
  readonly latest: LatestDocumentShape;
}

/** The fields of `_LATEST.json` as JSONPath-built values, from the runtime's control-object format. */
export interface LatestDocumentShape {
  /** Literal fields (e.g. the format tag). */
  readonly constants: Readonly<Record<string, string>>;
  readonly runIdField: string;
  readonly schemaVersionField: string;
  readonly publishedAtField: string;
  readonly partitionPathField: string;
  readonly previousRunIdField: string;
}

const SDK = (service: string, action: string) => `arn:aws:states:::aws-sdk:${service}:${action}`;
const SDK_RETRY = [{ ErrorEquals: ['S3.SlowDownException', 'Sfn.ThrottlingException', 'States.Timeout'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' }];
/** `YYYYMMDDTHHMMSSZ` from the parts of `$$.State.EnteredTime` split at `-`, `:`, `.`, `T` and `Z`. */
const RUN_ID_FROM_PARTS = "States.Format('{}{}{}T{}{}{}Z', States.ArrayGetItem($.time.parts, 0), States.ArrayGetItem($.time.parts, 1), States.ArrayGetItem($.time.parts, 2), States.ArrayGetItem($.time.parts, 3), States.ArrayGetItem($.time.parts, 4), States.ArrayGetItem($.time.parts, 5))";
/** A refresh stuck longer than this is stopped, so later ones are not held up forever. */
export const GOLD_REFRESH_TIMEOUT_SECONDS = 6 * 3600;
/** How often `_LATEST.json` may be re-read after losing a race before the run gives up. */
const MAX_PUBLISH_ATTEMPTS = 5;
const CATCH_ALL = catchAllTo('RunFailed');

/**
 * The Gold refresh of one contract as an Amazon States Language definition. In order: wait until this is
 * the oldest running execution (refreshes of one Gold dataset never overlap), derive the run id and the
 * publish time from the moment the wait ends, refuse a run prefix that already holds objects, then the
 * SQL engineer's Athena plan (generators/sql/athena-gold-plan.ts) — drop a leftover stage, create the
 * stage over the run's prefix, insert window by window, drop the stage, reconcile (any row stops the
 * publish) — then replace `_LATEST.json` with a conditional write (If-Match on the ETag read, or
 * If-None-Match when new) and point the finance reader view at the run.
 */
export function goldRefreshDefinition(run: AthenaGoldRun, target: GoldRefreshTarget, comment: string): AslDefinition {
  type Sql = AthenaGoldRun['steps'][keyof AthenaGoldRun['steps']]['sql'];
  const statement = (sql: Sql) => ({ sql: sql.text, params: sql.params.map((p) => p.name), workGroup: target.workgroup, database: target.database });
  /** The state a step starts at: its Prepare pass when the statement takes parameters. */
  const entry = (name: string, sql: Sql) => athenaStepEntry(name, statement(sql));
  const athena = (name: string, sql: Sql, paths: Record<string, string>, next: string, resultPath: string | null = null, catchAll = true): Record<string, AslState> =>
    athenaStep(name, statement(sql), { paths, next, resultPath, ...(catchAll ? { onError: CATCH_ALL } : {}) });
  const runPaths = { run_id: '$.run.run_id', published_at: '$.run.published_at' };
  const latestKey = `${target.goldPrefix}_LATEST.json`;
  const l = target.latest;
  const states: Record<string, AslState> = {
    ListRunningRefreshes: {
      Type: 'Task',
      Resource: SDK('sfn', 'listExecutions'),
      Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', StatusFilter: 'RUNNING', MaxResults: 100 },
      ResultSelector: { 'count.$': 'States.ArrayLength($.Executions)', 'executions.$': '$.Executions' },
      ResultPath: '$.running',
      Retry: SDK_RETRY,
      Catch: CATCH_ALL,
      Next: 'AnyRunningRefresh',
    },
    AnyRunningRefresh: {
      Type: 'Choice',
      // The listing may lag behind this execution's own start.
      Choices: [{ Variable: '$.running.count', NumericEquals: 0, Next: 'WaitForEarlierRefresh' }],
      Default: 'FindOldestRefresh',
    },
    FindOldestRefresh: {
      Type: 'Pass',
      // Newest first: the last one listed started first.
      Parameters: { 'execution.$': 'States.ArrayGetItem($.running.executions, States.MathAdd($.running.count, -1))' },
      ResultPath: '$.oldest',
      Next: 'OldestRunningRefresh',
    },
    OldestRunningRefresh: {
      Type: 'Choice',
      Choices: [{ Variable: '$.oldest.execution.ExecutionArn', StringEqualsPath: '$$.Execution.Id', Next: 'SplitRunTime' }],
      Default: 'WaitForEarlierRefresh',
    },
    WaitForEarlierRefresh: { Type: 'Wait', Seconds: 60, Next: 'ListRunningRefreshes' },
    SplitRunTime: {
      Type: 'Pass',
      Parameters: { 'parts.$': "States.StringSplit($$.State.EnteredTime, '-:.TZ')" },
      ResultPath: '$.time',
      Next: 'DeriveRunId',
    },
    DeriveRunId: {
      Type: 'Pass',
      Parameters: {
        'run_id.$': RUN_ID_FROM_PARTS,
        'published_at.$': "States.Format('{}-{}-{} {}:{}:{}', States.ArrayGetItem($.time.parts, 0), States.ArrayGetItem($.time.parts, 1), States.ArrayGetItem($.time.parts, 2), States.ArrayGetItem($.time.parts, 3), States.ArrayGetItem($.time.parts, 4), States.ArrayGetItem($.time.parts, 5))",
        'published_at_iso.$': "States.Format('{}-{}-{}T{}:{}:{}Z', States.ArrayGetItem($.time.parts, 0), States.ArrayGetItem($.time.parts, 1), States.ArrayGetItem($.time.parts, 2), States.ArrayGetItem($.time.parts, 3), States.ArrayGetItem($.time.parts, 4), States.ArrayGetItem($.time.parts, 5))",
        'prefix.$': `States.Format('${escapeIntrinsicString(target.goldPrefix)}run_id={}/', ${RUN_ID_FROM_PARTS})`,
        'partition_path.$': `States.Format('${escapeIntrinsicString(target.goldPrefix)}run_id={}', ${RUN_ID_FROM_PARTS})`,
      },
      ResultPath: '$.run',
      Next: 'ListRunPrefix',
    },
    ListRunPrefix: {
      Type: 'Task',
      Resource: SDK('s3', 'listObjectsV2'),
      Parameters: { Bucket: target.goldBucket, 'Prefix.$': '$.run.prefix', MaxKeys: 1 },
      ResultSelector: { 'KeyCount.$': '$.KeyCount' },
      ResultPath: '$.existing',
      Retry: SDK_RETRY,
      Catch: CATCH_ALL,
      Next: 'RunPrefixIsNew',
    },
    RunPrefixIsNew: {
      Type: 'Choice',
      Choices: [{ Variable: '$.existing.KeyCount', NumericGreaterThan: 0, Next: 'RunIdTaken' }],
      Default: entry('DropLeftoverStage', run.steps['drop-stage'].sql),
    },
    RunIdTaken: { Type: 'Fail', Error: 'Lakec.RunIdTaken', Cause: 'The run prefix already holds objects; a run id is never reused. Start the refresh again.' },
    ...athena('DropLeftoverStage', run.steps['drop-stage'].sql, runPaths, entry('CreateStage', run.steps['create-stage'].sql)),
    ...athena('CreateStage', run.steps['create-stage'].sql, runPaths, entry('ComputeMonthWindows', run.steps['month-windows'].sql)),
    ...athena('ComputeMonthWindows', run.steps['month-windows'].sql, runPaths, 'ReadMonthWindows', '$.windowsQuery'),
    ReadMonthWindows: readResults('$.windowsQuery', 1000, '$.windows', 'InsertWindows', CATCH_ALL),
    InsertWindows: {
      Type: 'Map',
      ItemsPath: '$.windows.rows',
      ItemSelector: { 'run.$': '$.run', 'row.$': '$$.Map.Item.Value' },
      MaxConcurrency: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'HeaderRow',
        States: {
          HeaderRow: {
            Type: 'Choice',
            Choices: [{ Variable: '$.row.Data[0].VarCharValue', StringEquals: 'month_from', Next: 'SkipHeader' }],
            Default: entry('InsertWindow', run.steps['insert-window'].sql),
          },
          SkipHeader: { Type: 'Succeed' },
          ...athena('InsertWindow', run.steps['insert-window'].sql, { ...runPaths, month_from: '$.row.Data[0].VarCharValue', month_to: '$.row.Data[1].VarCharValue' }, 'WindowDone', null, false),
          WindowDone: { Type: 'Succeed' },
        },
      },
      ResultPath: null,
      Catch: CATCH_ALL,
      Next: entry('DropStage', run.steps['drop-stage'].sql),
    },
    ...athena('DropStage', run.steps['drop-stage'].sql, runPaths, entry('Reconcile', run.steps.reconcile.sql)),
    ...athena('Reconcile', run.steps.reconcile.sql, runPaths, 'ReadReconciliation', '$.reconcileQuery'),
    ReadReconciliation: readResults('$.reconcileQuery', 101, '$.reconciliation', 'Reconciled', CATCH_ALL),
    Reconciled: {
      Type: 'Choice',
      // Row 0 is the header; any further row is a disagreement.
      Choices: [{ Variable: '$.reconciliation.rows[1]', IsPresent: true, Next: 'ReconciliationFailed' }],
      Default: 'InitPublishAttempts',
    },
    InitPublishAttempts: { Type: 'Pass', Result: { n: 0 }, ResultPath: '$.publishAttempts', Next: 'ReadLatest' },
    ReconciliationFailed: { Type: 'Fail', Error: 'Lakec.ReconciliationFailed', Cause: 'The run disagrees with silver; nothing was published. The failing checks are in the execution history.' },
    ReadLatest: {
      Type: 'Task',
      Resource: SDK('s3', 'getObject'),
      Parameters: { Bucket: target.goldBucket, Key: latestKey },
      ResultSelector: { 'ETag.$': '$.ETag', 'body.$': 'States.StringToJson($.Body)' },
      ResultPath: '$.latest',
      Retry: SDK_RETRY,
      Catch: [{ ErrorEquals: ['S3.NoSuchKeyException'], ResultPath: null, Next: 'ComposeFirstLatest' }, ...CATCH_ALL],
      Next: entry('CheckRestatement', run.steps.restatement.sql),
    },
    // DESIGN.md, restatements: closed months of the published run that this run changes stop the publish,
    // unless the refresh was started with {"allow_restatement": true}; a restatement published is recorded.
    // Checked after every read of _LATEST.json, so a lost race compares with the run that won it.
    ...athena('CheckRestatement', run.steps.restatement.sql, { run_id: '$.run.run_id', previous_run_id: `$.latest.body.${l.runIdField}` }, 'ReadRestatement', '$.restatementQuery'),
    ReadRestatement: readResults('$.restatementQuery', 1000, '$.restatement', 'ClosedMonthsChanged', CATCH_ALL),
    ClosedMonthsChanged: {
      Type: 'Choice',
      // Row 0 is the header; any further row is a closed month the run changes.
      Choices: [{ Variable: '$.restatement.rows[1]', IsPresent: true, Next: 'RestatementRequested' }],
      Default: 'ComposeLatest',
    },
    RestatementRequested: {
      Type: 'Choice',
      // Two steps: a comparison on a missing field is an error in Step Functions, not false.
      Choices: [{ Variable: '$.allow_restatement', IsPresent: true, Next: 'RestatementAllowed' }],
      Default: 'RestatementRefused',
    },
    RestatementAllowed: {
      Type: 'Choice',
      Choices: [{ Variable: '$.allow_restatement', BooleanEquals: true, Next: 'ComposeRestatementRecord' }],
      Default: 'RestatementRefused',
    },
    RestatementRefused: {
      Type: 'Fail',
      Error: 'Lakec.RestatementRefused',
      Cause: 'The run changes closed months of the published run (the rows of ReadRestatement in the execution history); nothing was published. Start the refresh with {"allow_restatement": true} to restate them.',
    },
    ComposeRestatementRecord: {
      Type: 'Pass',
      Parameters: {
        format: RESTATEMENT_RECORD_FORMAT,
        dataset: target.dataset,
        'run_id.$': '$.run.run_id',
        'replaced_run_id.$': `$.latest.body.${l.runIdField}`,
        'published_at.$': '$.run.published_at_iso',
        'published_by.$': '$$.Execution.Id',
        // Athena's result rows as returned: a header, then month, changed_rows, closed per closed month.
        'closed_month_rows.$': '$.restatement.rows',
      },
      ResultPath: '$.restatementRecord',
      Next: 'RecordRestatement',
    },
    RecordRestatement: {
      Type: 'Task',
      Resource: SDK('s3', 'putObject'),
      Parameters: {
        Bucket: target.goldBucket,
        'Key.$': `States.Format('${escapeIntrinsicString(target.goldPrefix)}_audit/{}-{}.json', $.run.run_id, $.run.run_id)`,
        ContentType: 'application/json',
        'Body.$': 'States.JsonToString($.restatementRecord)',
        IfNoneMatch: '*',
      },
      ResultPath: null,
      Retry: SDK_RETRY,
      Catch: CATCH_ALL,
      Next: 'ComposeLatest',
    },
    ComposeLatest: { Type: 'Pass', Parameters: latestDocument(target, { [`${l.previousRunIdField}.$`]: `$.latest.body.${l.runIdField}` }), ResultPath: '$.newLatest', Next: 'WriteLatest' },
    ComposeFirstLatest: { Type: 'Pass', Parameters: latestDocument(target, { [l.previousRunIdField]: null }), ResultPath: '$.newLatest', Next: 'WriteFirstLatest' },
    WriteLatest: writeLatest(target, latestKey, { 'IfMatch.$': '$.latest.ETag' }, entry('PublishView', run.steps['publish-view'].sql)),
    WriteFirstLatest: writeLatest(target, latestKey, { IfNoneMatch: '*' }, entry('PublishView', run.steps['publish-view'].sql)),
    CountPublishAttempt: {
      Type: 'Pass',
      Parameters: { 'n.$': 'States.MathAdd($.publishAttempts.n, 1)' },
      ResultPath: '$.publishAttempts',
      Next: 'RetryPublish',
    },
    RetryPublish: {
      Type: 'Choice',
      // Another writer replaced _LATEST.json between our read and write: start again from a fresh read.
      Choices: [{ Variable: '$.publishAttempts.n', NumericGreaterThanEquals: MAX_PUBLISH_ATTEMPTS, Next: 'RunFailed' }],
      Default: 'ReadLatest',
    },
    ...athena('PublishView', run.steps['publish-view'].sql, runPaths, 'Published'),
    Published: { Type: 'Succeed' },
    RunFailed: { Type: 'Fail', Error: 'Lakec.GoldRefreshFailed', Cause: 'A step failed; nothing new was published. See the execution history ($.error).' },
  };
  return { Comment: comment, TimeoutSeconds: GOLD_REFRESH_TIMEOUT_SECONDS, StartAt: 'ListRunningRefreshes', States: prune(states) as Record<string, AslState> };
}

function writeLatest(target: GoldRefreshTarget, key: string, condition: Record<string, string>, publishEntry: string): AslState {
  return {
    Type: 'Task',
    Resource: SDK('s3', 'putObject'),
    Parameters: { Bucket: target.goldBucket, Key: key, ContentType: 'application/json', 'Body.$': 'States.JsonToString($.newLatest)', ...condition },
    ResultPath: null,
    Retry: SDK_RETRY,
    // A failed precondition (412) reaches Step Functions as an S3 error: count it and read again.
    Catch: [{ ErrorEquals: ['S3.S3Exception', 'S3.PreconditionFailedException'], ResultPath: '$.error', Next: 'CountPublishAttempt' }, ...CATCH_ALL],
    Next: publishEntry,
  };
}

/** The new `_LATEST.json`, as Pass-state Parameters: the format's constants, then the run's fields. */
function latestDocument(target: GoldRefreshTarget, previous: Record<string, string | null>): Record<string, unknown> {
  const l = target.latest;
  return {
    ...l.constants,
    [`${l.runIdField}.$`]: '$.run.run_id',
    [l.schemaVersionField]: target.schemaV,
    [`${l.publishedAtField}.$`]: '$.run.published_at_iso',
    [`${l.partitionPathField}.$`]: '$.run.partition_path',
    ...previous,
  };
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, prune(v)]));
  return value;
}

