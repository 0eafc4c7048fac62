import { GetQueryResultsInput$, StartQueryExecutionInput$ } from '@aws-sdk/client-athena';
import { GetObjectRequest$, ListObjectsV2Request$, PutObjectRequest$ } from '@aws-sdk/client-s3';
import aslValidator from 'asl-validator';
import { datasetKey } from '../../generators/contract/dataset-id';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { findContract, goldsOf } from '../../generators/contract/lake-model';
import { athenaGoldRun, type AthenaGoldRun } from '../../generators/sql/athena-gold-plan';
import { renderTemplate } from '../../generators/sql/sql-template';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { lakeTables } from '../../generators/tables/lake-tables';
import { goldRefreshDefinition, type AslDefinition } from '../../stacks/orchestration/gold-refresh-definition';
import { latestDocumentShape } from '../../stacks/orchestration/latest-format';
import { parseGoldLatest } from '../../runtime/publish/gold-latest';
import { loadModel } from '../support/specs';
import { runStateMachine, TaskError, type TaskCall } from './asl-interpreter';
import { shapeProblems } from './sdk-shape';

const model = loadModel();
const buckets = dataBucketNames('acme-lake', 'dev');
const EXECUTION = 'arn:aws:states:eu-west-1:111111111111:execution:refresh:mine';

function plan(goldName: string): { run: AthenaGoldRun; definition: AslDefinition; prefix: string } {
  const gold = goldsOf(model).find((g) => g.id.name === goldName)!;
  const source = findContract(model, gold.from) as DatasetModel;
  const run = athenaGoldRun(gold, source, buckets);
  const table = lakeTables({ contracts: [gold] })[0]!;
  const definition = goldRefreshDefinition(
    run,
    { dataset: datasetKey(gold.id), workgroup: 'acme-lake-dev-gold-refresh', database: table.database, goldBucket: buckets.gold, goldPrefix: table.prefix, schemaV: gold.id.schemaV, latest: latestDocumentShape(datasetKey(gold.id)) },
    `Gold refresh of ${datasetKey(gold.id)}`,
  );
  return { run, definition, prefix: table.prefix };
}

const GOLDS = goldsOf(model).map((g) => g.id.name);

/** Every Task state, Map processors included. */
function tasks(states: Record<string, any>): [string, any][] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Object.entries(states).flatMap(([name, s]) => [...(s.Type === 'Task' ? [[name, s] as [string, unknown]] : []), ...(s.ItemProcessor ? tasks(s.ItemProcessor.States) : [])]) as [string, any][]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const SHAPES: Record<string, unknown> = {
  'arn:aws:states:::athena:startQueryExecution.sync': StartQueryExecutionInput$,
  'arn:aws:states:::athena:getQueryResults': GetQueryResultsInput$,
  'arn:aws:states:::aws-sdk:s3:getObject': GetObjectRequest$,
  'arn:aws:states:::aws-sdk:s3:putObject': PutObjectRequest$,
  'arn:aws:states:::aws-sdk:s3:listObjectsV2': ListObjectsV2Request$,
};
/** @aws-sdk/client-sfn is not a dependency: ListExecutions' members from the API reference. */
const LIST_EXECUTIONS_MEMBERS = ['StateMachineArn', 'StatusFilter', 'MaxResults', 'NextToken', 'MapRunArn', 'RedriveFilter'];

describe.each(GOLDS)('Gold refresh state machine of finance.%s', (name) => {
  const { run, definition, prefix } = plan(name);

  it('is valid Amazon States Language (asl-validator)', () => {
    const result = aslValidator(definition as never);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("passes each task Parameters the SDK operation's input shape", () => {
    const all = tasks(definition.States as Record<string, unknown> as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(all.length).toBeGreaterThan(8);
    for (const [state, t] of all) {
      if (t.Resource === 'arn:aws:states:::aws-sdk:sfn:listExecutions') {
        for (const k of Object.keys(t.Parameters)) expect(LIST_EXECUTIONS_MEMBERS).toContain(k.replace(/\.\$$/, ''));
        continue;
      }
      const shape = SHAPES[t.Resource];
      expect({ state, resource: t.Resource, known: shape !== undefined }).toEqual({ state, resource: t.Resource, known: true });
      expect({ state, problems: shapeProblems(shape, t.Parameters) }).toEqual({ state, problems: [] });
    }
  });

  it('every Athena task runs in the Gold refresh workgroup and its database', () => {
    for (const [, t] of tasks(definition.States as Record<string, any>)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (!String(t.Resource).includes('startQueryExecution')) continue;
      expect(t.Parameters.WorkGroup).toBe('acme-lake-dev-gold-refresh');
      expect(t.Parameters.QueryExecutionContext).toEqual({ Database: 'gold_finance' });
    }
  });

  describe('run against scripted AWS answers', () => {
    const ENTERED = '2024-01-31T12:34:56.789Z';
    const runId = '20240131T123456Z';
    const publishedAt = '2024-01-31 12:34:56';

    function script(overrides: Partial<Record<string, (call: TaskCall, n: number) => unknown>> = {}) {
      const counts = new Map<string, number>();
      const sql: string[] = [];
      const puts: TaskCall[] = [];
      const handler = (call: TaskCall) => {
        const op = call.resource.split(':').slice(-1)[0]!.replace('.sync', '');
        const n = (counts.get(op) ?? 0) + 1;
        counts.set(op, n);
        const o = overrides[op];
        if (op === 'startQueryExecution') sql.push(call.parameters.QueryString);
        if (op === 'putObject') puts.push(call);
        if (o) return o(call, n);
        switch (op) {
          case 'listExecutions':
            return { Executions: [{ ExecutionArn: EXECUTION, Status: 'RUNNING' }] };
          case 'listObjectsV2':
            return { KeyCount: 0, Contents: [] };
          case 'startQueryExecution':
            return { QueryExecution: { QueryExecutionId: `q${sql.length}`, Status: { State: 'SUCCEEDED' } } };
          case 'getQueryResults':
            return call.parameters.QueryExecutionId === 'q3'
              ? { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'month_from' }, { VarCharValue: 'month_to' }] }, { Data: [{ VarCharValue: '2024-01' }, { VarCharValue: '2024-03' }] }] } }
              : { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'check_name' }, { VarCharValue: 'detail' }] }] } };
          case 'getObject':
            throw new TaskError('S3.NoSuchKeyException');
          case 'putObject':
            return { ETag: '"new"' };
          default:
            throw new Error(`unexpected task ${op}`);
        }
      };
      return { handler, sql, puts };
    }

    const expectedSql = (step: keyof AthenaGoldRun['steps'], values: Record<string, string>) => {
      const sql = run.steps[step].sql;
      return renderTemplate(sql, Object.fromEntries(sql.params.map((p) => [p.name, values[p.name]!])));
    };
    const values = { run_id: runId, published_at: publishedAt };

    it("runs the SQL engineer's plan in order, with the run id of the moment it starts, and publishes", () => {
      const s = script();
      const r = runStateMachine(definition, { detail: {} }, s.handler, { now: () => ENTERED, executionId: EXECUTION });
      expect(r.status).toBe('SUCCEEDED');
      expect(s.sql).toEqual([
        expectedSql('drop-stage', values),
        expectedSql('create-stage', values),
        expectedSql('month-windows', values),
        expectedSql('insert-window', { ...values, month_from: '2024-01', month_to: '2024-03' }),
        expectedSql('drop-stage', values),
        expectedSql('reconcile', values),
        expectedSql('publish-view', values),
      ]);
      expect(s.sql[1]).toContain(`s3://${buckets.gold}/${prefix}run_id=${runId}/`);
      const listed = r.calls.find((c) => c.resource.endsWith('listObjectsV2'))!;
      expect(listed.parameters).toEqual({ Bucket: buckets.gold, Prefix: `${prefix}run_id=${runId}/`, MaxKeys: 1 });
      expect(s.puts).toHaveLength(1);
      expect(s.puts[0]!.parameters).toMatchObject({ Bucket: buckets.gold, Key: `${prefix}_LATEST.json`, IfNoneMatch: '*', ContentType: 'application/json' });
      expect(JSON.parse(s.puts[0]!.parameters.Body)).toEqual({
        format: 'lakec.gold.latest/1',
        dataset: `finance.${name}@v1`,
        run_id: runId,
        schema_version: 'v1',
        published_at: '2024-01-31T12:34:56Z',
        partition_path: `${prefix}run_id=${runId}`,
        previous_run_id: null,
      });
      // What the runtime reads back (lakec query, lakec gold, rollback) accepts it.
      expect(parseGoldLatest(Buffer.from(s.puts[0]!.parameters.Body), '_LATEST.json').run_id).toBe(runId);
      // _LATEST.json is written before the view points at the run.
      expect(r.visited.indexOf('WriteFirstLatest')).toBeLessThan(r.visited.indexOf('PublishView'));
    });

    it('keeps the previous run and writes only if _LATEST.json is unchanged since it was read', () => {
      const s = script({ getObject: () => ({ ETag: '"v7"', Body: JSON.stringify({ run_id: '20231231T000000Z', schema_version: 'v1' }) }) });
      const r = runStateMachine(definition, {}, s.handler, { now: () => ENTERED, executionId: EXECUTION });
      expect(r.status).toBe('SUCCEEDED');
      expect(s.puts[0]!.parameters.IfMatch).toBe('"v7"');
      expect(JSON.parse(s.puts[0]!.parameters.Body).previous_run_id).toBe('20231231T000000Z');
    });

    it('reads again after losing the race for _LATEST.json, and gives up after five tries', () => {
      const once = script({ putObject: (_c, n) => { if (n === 1) throw new TaskError('S3.S3Exception', 'PreconditionFailed'); return {}; } });
      expect(runStateMachine(definition, {}, once.handler, { now: () => ENTERED, executionId: EXECUTION }).status).toBe('SUCCEEDED');
      expect(once.puts).toHaveLength(2);
      const always = script({ putObject: () => { throw new TaskError('S3.S3Exception', 'PreconditionFailed'); } });
      const r = runStateMachine(definition, {}, always.handler, { now: () => ENTERED, executionId: EXECUTION });
      expect(r.status).toBe('FAILED');
      expect(always.puts).toHaveLength(5);
      expect(always.sql.some((q) => q.startsWith('CREATE OR REPLACE VIEW'))).toBe(false);
    });

    it('stops without publishing when reconciliation returns a row', () => {
      const s = script({
        getQueryResults: (c) =>
          c.parameters.QueryExecutionId === 'q3'
            ? { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'month_from' }] }, { Data: [{ VarCharValue: '2024-01' }, { VarCharValue: '2024-01' }] }] } }
            : { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'check_name' }] }, { Data: [{ VarCharValue: 'totals' }, { VarCharValue: 'sum differs' }] }] } },
      });
      const r = runStateMachine(definition, {}, s.handler, { now: () => ENTERED, executionId: EXECUTION });
      expect(r).toMatchObject({ status: 'FAILED', error: 'Lakec.ReconciliationFailed' });
      expect(s.puts).toEqual([]);
      expect(s.sql.some((q) => q.startsWith('CREATE OR REPLACE VIEW'))).toBe(false);
    });

    it('compares with the published run and refuses to change its closed months unless started with allow_restatement, then records the restatement', () => {
      const previous = '20231231T000000Z';
      const closedMonthChanged = (c: TaskCall) =>
        c.parameters.QueryExecutionId === 'q3'
          ? { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'month_from' }, { VarCharValue: 'month_to' }] }, { Data: [{ VarCharValue: '2024-01' }, { VarCharValue: '2024-03' }] }] } }
          : c.parameters.QueryExecutionId === 'q7'
            ? { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'month' }, { VarCharValue: 'changed_rows' }, { VarCharValue: 'closed' }] }, { Data: [{ VarCharValue: '2023-10' }, { VarCharValue: '2' }, { VarCharValue: 'true' }] }] } }
            : { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'check_name' }] }] } };
      const answers = { getObject: () => ({ ETag: '"v7"', Body: JSON.stringify({ run_id: previous, schema_version: 'v1' }) }), getQueryResults: closedMonthChanged };
      for (const input of [{}, { allow_restatement: false }, { allow_restatement: 'yes' }]) {
        const s = script(answers);
        const r = runStateMachine(definition, input, s.handler, { now: () => ENTERED, executionId: EXECUTION });
        expect(r).toMatchObject({ status: 'FAILED', error: 'Lakec.RestatementRefused' });
        expect(s.sql[6]).toBe(expectedSql('restatement', { run_id: runId, previous_run_id: previous }));
        expect(s.puts).toEqual([]);
        expect(s.sql.some((q) => q.startsWith('CREATE OR REPLACE VIEW'))).toBe(false);
      }
      const s = script(answers);
      const r = runStateMachine(definition, { allow_restatement: true }, s.handler, { now: () => ENTERED, executionId: EXECUTION });
      expect(r.status).toBe('SUCCEEDED');
      expect(s.puts.map((p) => p.parameters.Key)).toEqual([`${prefix}_audit/${runId}-${runId}.json`, `${prefix}_LATEST.json`]);
      expect(s.puts[0]!.parameters.IfNoneMatch).toBe('*');
      expect(JSON.parse(s.puts[0]!.parameters.Body)).toEqual({
        format: 'lakec.gold.restatement-athena/1',
        dataset: `finance.${name}@v1`,
        run_id: runId,
        replaced_run_id: previous,
        published_at: '2024-01-31T12:34:56Z',
        published_by: EXECUTION,
        closed_month_rows: [{ Data: [{ VarCharValue: 'month' }, { VarCharValue: 'changed_rows' }, { VarCharValue: 'closed' }] }, { Data: [{ VarCharValue: '2023-10' }, { VarCharValue: '2' }, { VarCharValue: 'true' }] }],
      });
      // Without closed months changed, nothing is recorded and the run publishes as before.
      const quiet = script({ getObject: answers.getObject });
      expect(runStateMachine(definition, {}, quiet.handler, { now: () => ENTERED, executionId: EXECUTION }).status).toBe('SUCCEEDED');
      expect(quiet.puts.map((p) => p.parameters.Key)).toEqual([`${prefix}_LATEST.json`]);
    });

    it('refuses a run prefix that already holds objects', () => {
      const s = script({ listObjectsV2: () => ({ KeyCount: 1 }) });
      const r = runStateMachine(definition, {}, s.handler, { now: () => ENTERED, executionId: EXECUTION });
      expect(r).toMatchObject({ status: 'FAILED', error: 'Lakec.RunIdTaken' });
      expect(s.sql).toEqual([]);
    });

    it('waits while an earlier refresh runs, then takes its run id from when it goes on', () => {
      let clock = Date.parse('2024-01-31T12:00:00.000Z');
      const s = script({
        listExecutions: (_c, n) => ({ Executions: n < 3 ? [{ ExecutionArn: EXECUTION }, { ExecutionArn: `${EXECUTION}-earlier` }] : [{ ExecutionArn: EXECUTION }] }),
      });
      const r = runStateMachine(definition, {}, s.handler, { now: () => new Date((clock += 60_000)).toISOString(), executionId: EXECUTION });
      expect(r.status).toBe('SUCCEEDED');
      expect(r.visited.filter((v) => v === 'WaitForEarlierRefresh')).toHaveLength(2);
      const id = /run_id=([0-9TZ]+)\//.exec(s.sql[1]!)![1]!;
      expect(id > '20240131T120300Z').toBe(true);
    });

    it('fails the run, not the data, when a query fails', () => {
      const s = script({ startQueryExecution: (_c, n) => { if (n === 4) throw new TaskError('States.TaskFailed', 'INSERT failed'); return { QueryExecution: { QueryExecutionId: `q${n}` } }; } });
      const r = runStateMachine(definition, {}, s.handler, { now: () => ENTERED, executionId: EXECUTION });
      expect(r).toMatchObject({ status: 'FAILED', error: 'Lakec.GoldRefreshFailed' });
      expect(s.puts).toEqual([]);
    });
  });
});
