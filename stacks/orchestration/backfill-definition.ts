import type { AthenaEtlPlan, AthenaEtlStepName, AthenaEtlWorkgroup } from '../../runtime/engine/athena-plan';
import { athenaStep, athenaStepEntry, catchAllTo, readResults, type AslDefinition, type AslState } from './asl';

/** What the backfill of one dataset contract needs besides its statements. */
export interface BackfillTarget {
  /** Workgroup names: platform (DDL, queries, routed rows), silver and quarantine (writes with their keys). */
  readonly workgroups: Readonly<Record<AthenaEtlWorkgroup, string>>;
  /** The backfill Lambda (runtime/engine/backfill-handler.ts) of this contract. */
  readonly functionArn: string;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_RETRY = [
  { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
];
const CATCH_RUN = catchAllTo('RunFailed');
/** A backfill of years of data runs for a long time; one stuck for days is stopped. */
export const BACKFILL_TIMEOUT_SECONDS = 3 * 24 * 3600;

/** JSONPaths of the values the statements take, in a delivery's state. */
const VALUE_PATHS: Readonly<Record<string, string>> = {
  run_id: '$.run.values.run_id',
  ingest_date: '$.run.values.ingest_date',
  source_file: '$.run.values.source_file',
  superseded_runs: '$.run.values.superseded_runs',
  header_hex: '$.run.values.header_hex',
  window_from: '$.row.Data[0].VarCharValue',
  window_to: '$.row.Data[1].VarCharValue',
};

/**
 * The Athena backfill of one dataset contract as an Amazon States Language definition. Input
 * `{"from": "YYYY-MM", "to": "YYYY-MM"}`. The Lambda lists the bronze deliveries that arrived in those months;
 * then, one delivery after the other (so each run is checked against the runs published before it):
 * prepare (read the delivery, refuse what Athena cannot read, claim a `…_BACKFILL` run id), drop leftover
 * staging tables, refuse lines that leave a quote open, stage the routed rows, count them and let the circuit
 * breaker decide, write silver (≤ 100 partitions a statement), quarantine and condemned through staging
 * tables, list the files written, drop the staging tables, publish (manifest, `_SUCCESS`, `_PUBLISHED.json`
 * and the reader views). A halted or failed run fails the execution (the rest is not run); a rejected
 * delivery is recorded and the next one runs.
 */
export function backfillDefinition(plan: AthenaEtlPlan, target: BackfillTarget, comment: string): AslDefinition {
  const st = (name: AthenaEtlStepName) => plan.steps[name];
  const stateName = (name: AthenaEtlStepName, suffix = '') => `${name.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}${suffix}`;
  const statement = (name: AthenaEtlStepName) => ({ sql: st(name).sql, params: st(name).params, workGroup: target.workgroups[st(name).workgroup], database: st(name).database });
  const entry = (name: AthenaEtlStepName, suffix = '') => athenaStepEntry(stateName(name, suffix), st(name));
  const athena = (name: AthenaEtlStepName, next: string, o: { suffix?: string; resultPath?: string | null; resultSelector?: Record<string, string>; catchAll?: boolean } = {}): Record<string, AslState> =>
    athenaStep(stateName(name, o.suffix ?? ''), statement(name), {
      paths: VALUE_PATHS,
      next,
      ...(o.resultPath !== undefined ? { resultPath: o.resultPath } : {}),
      ...(o.resultSelector ? { resultSelector: o.resultSelector } : {}),
      ...(o.catchAll === false ? {} : { onError: CATCH_RUN }),
    });
  const lambda = (state: string, payload: Record<string, unknown>, next: string): Record<string, AslState> => ({
    [state]: {
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: target.functionArn, Payload: payload },
      // Only `outcome` is always there; the rest of the payload depends on it.
      ResultSelector: { 'outcome.$': '$.Payload.outcome', 'payload.$': '$.Payload' },
      ResultPath: '$.result',
      Retry: LAMBDA_RETRY,
      Catch: CATCH_RUN,
      Next: next,
    },
  });
  const finishedOr = (otherwise: string): AslState => ({
    Type: 'Choice',
    Choices: [{ Variable: '$.result.outcome', StringEquals: 'finished', Next: 'Finished' }],
    Default: otherwise,
  });
  const drops = (suffix: string, next: string): Record<string, AslState> => ({
    ...athena('drop-routed', stateName('drop-silver-stage', suffix), { suffix }),
    ...athena('drop-silver-stage', stateName('drop-quarantine-stage', suffix), { suffix }),
    ...athena('drop-quarantine-stage', stateName('drop-condemned-stage', suffix), { suffix }),
    ...athena('drop-condemned-stage', next, { suffix }),
  });
  const fileId = { 'id.$': '$.QueryExecution.QueryExecutionId' };

  const delivery: Record<string, AslState> = {
    ...lambda('Prepare', { action: 'prepare', 'key.$': '$.key' }, 'Prepared'),
    Prepared: finishedOr('KeepRun'),
    KeepRun: { Type: 'Pass', InputPath: '$.result.payload.run', ResultPath: '$.run', Next: stateName('drop-routed', 'Before') },
    ...drops('Before', entry('open-quote')),
    ...athena('open-quote', 'CheckOpenQuotes', { resultPath: '$.query' }),
    ...lambda('CheckOpenQuotes', { action: 'open-quote', 'run.$': '$.run', 'queryExecutionId.$': '$.query.QueryExecutionId' }, 'OpenQuotesChecked'),
    OpenQuotesChecked: finishedOr(entry('create-routed')),
    ...athena('create-routed', entry('counts')),
    ...athena('counts', 'Judge', { resultPath: '$.query' }),
    ...lambda('Judge', { action: 'judge', 'run.$': '$.run', 'queryExecutionId.$': '$.query.QueryExecutionId' }, 'Judged'),
    Judged: finishedOr('KeepCounts'),
    KeepCounts: { Type: 'Pass', InputPath: '$.result.payload.counts', ResultPath: '$.counts', Next: 'InitFiles' },
    InitFiles: { Type: 'Pass', Result: { silver: null, quarantine: null, condemned: null }, ResultPath: '$.files', Next: stateName('create-silver-stage') },
    ...athena('create-silver-stage', stateName('create-quarantine-stage')),
    ...athena('create-quarantine-stage', stateName('create-condemned-stage')),
    ...athena('create-condemned-stage', 'AnySilver'),
    AnySilver: { Type: 'Choice', Choices: [{ Variable: '$.counts.silver', NumericGreaterThan: 0, Next: entry('partition-windows') }], Default: 'AnyQuarantine' },
    ...athena('partition-windows', 'ReadWindows', { resultPath: '$.windowsQuery' }),
    ReadWindows: readResults('$.windowsQuery', 1000, '$.windows', 'InsertWindows', CATCH_RUN),
    InsertWindows: {
      Type: 'Map',
      ItemsPath: '$.windows.rows',
      ItemSelector: { 'run.$': '$.run', 'row.$': '$$.Map.Item.Value' },
      MaxConcurrency: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'HeaderRow',
        States: {
          HeaderRow: { Type: 'Choice', Choices: [{ Variable: '$.row.Data[0].VarCharValue', StringEquals: 'window_from', Next: 'SkipHeader' }], Default: entry('insert-silver') },
          SkipHeader: { Type: 'Succeed' },
          ...athena('insert-silver', 'WindowDone', { catchAll: false }),
          WindowDone: { Type: 'Succeed' },
        },
      },
      ResultPath: null,
      Catch: CATCH_RUN,
      Next: entry('files-silver'),
    },
    ...athena('files-silver', 'AnyQuarantine', { resultPath: '$.files.silver', resultSelector: fileId }),
    AnyQuarantine: { Type: 'Choice', Choices: [{ Variable: '$.counts.quarantine', NumericGreaterThan: 0, Next: entry('insert-quarantine') }], Default: 'AnyCondemned' },
    ...athena('insert-quarantine', entry('files-quarantine')),
    ...athena('files-quarantine', 'AnyCondemned', { resultPath: '$.files.quarantine', resultSelector: fileId }),
    AnyCondemned: { Type: 'Choice', Choices: [{ Variable: '$.counts.condemned', NumericGreaterThan: 0, Next: entry('insert-condemned') }], Default: stateName('drop-routed', 'After') },
    ...athena('insert-condemned', entry('files-condemned')),
    ...athena('files-condemned', stateName('drop-routed', 'After'), { resultPath: '$.files.condemned', resultSelector: fileId }),
    ...drops('After', 'Publish'),
    ...lambda('Publish', { action: 'publish', 'run.$': '$.run', 'counts.$': '$.counts', 'files.$': '$.files' }, 'Finished'),
    // The run is recorded (manifest); a halted or failed one stops the backfill.
    Finished: { Type: 'Choice', Choices: [{ Variable: '$.result.payload.stop', BooleanEquals: true, Next: 'RunStopped' }], Default: 'DeliveryDone' },
    RunStopped: { Type: 'Fail', Error: 'Lakec.RunStopped', CausePath: '$.result.payload.summary.message' },
    DeliveryDone: { Type: 'Succeed' },
    RunFailed: { Type: 'Fail', Error: 'Lakec.BackfillStepFailed', Cause: 'A step of this delivery failed; its run was not published. See the execution history ($.error).' },
  };

  const states: Record<string, AslState> = {
    ListDeliveries: {
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: target.functionArn, Payload: { action: 'deliveries', 'from.$': '$.from', 'to.$': '$.to' } },
      ResultSelector: { 'deliveries.$': '$.Payload.deliveries' },
      ResultPath: '$.list',
      Retry: LAMBDA_RETRY,
      Catch: catchAllTo('BackfillFailed'),
      Next: 'Deliveries',
    },
    Deliveries: {
      Type: 'Map',
      ItemsPath: '$.list.deliveries',
      ItemSelector: { 'key.$': '$$.Map.Item.Value' },
      // One delivery at a time, in arrival order: each is checked against the runs published before it.
      MaxConcurrency: 1,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Prepare', States: delivery },
      ResultPath: null,
      Catch: catchAllTo('BackfillFailed'),
      Next: 'BackfillDone',
    },
    BackfillDone: { Type: 'Succeed' },
    BackfillFailed: { Type: 'Fail', Error: 'Lakec.BackfillFailed', Cause: 'A delivery could not be backfilled; the deliveries after it were not run. See the execution history.' },
  };
  return { Comment: comment, TimeoutSeconds: BACKFILL_TIMEOUT_SECONDS, StartAt: 'ListDeliveries', States: states };
}
