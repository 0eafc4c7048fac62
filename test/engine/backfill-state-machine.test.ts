import { GetQueryResultsInput$, StartQueryExecutionInput$ } from '@aws-sdk/client-athena';
import aslValidator from 'asl-validator';
import { athenaEtlPlan, athenaEtlStaging } from '../../generators/sql/etl/athena-etl';
import { datasetsOf } from '../../generators/contract/lake-model';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { ATHENA_ETL_STEPS, fillStatement } from '../../runtime/engine/athena-plan';
import { backfillDefinition } from '../../stacks/orchestration/backfill-definition';
import { runPolicyChecks } from '../../stacks/policy/policy-checks';
import { runStateMachine, type TaskCall } from '../stacks/asl-interpreter';
import { shapeProblems } from '../stacks/sdk-shape';
import { resourceOf, synthStack } from '../stacks/support';
import { loadModel } from '../support/specs';
import { everyTypeContract } from './support/every-type';

/**
 * The Athena backfill state machine (stacks/orchestration/backfill-definition.ts): valid ASL, every task's
 * Parameters of its operation's input shape, every statement in the workgroup whose key its writes need, and
 * — run by the test interpreter against scripted answers — the statements in order with their values filled,
 * one INSERT per partition window, a table without rows skipped, a rejected delivery passed over and a halted
 * run stopping the backfill with its message.
 */
const buckets = dataBucketNames('acme-lake', 'dev');
const names = { buckets, resultsBucket: 'acme-lake-dev-athena-results' };
const workgroups = { platform: 'acme-lake-dev-platform', silver: 'acme-lake-dev-etl-silver', quarantine: 'acme-lake-dev-etl-quarantine' };
const FUNCTION = 'arn:aws:lambda:eu-west-1:111111111111:function:acme-lake-dev-backfill-x';
const example = datasetsOf(loadModel())[0]!;

/** Every Task state, Map processors included. */
function tasks(states: Record<string, any>): [string, any][] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Object.entries(states).flatMap(([name, s]) => [...(s.Type === 'Task' ? [[name, s] as [string, unknown]] : []), ...(s.ItemProcessor ? tasks(s.ItemProcessor.States) : [])]) as [string, any][]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe.each([
  ['the example', example],
  ['every type', everyTypeContract().d],
])('backfill state machine of %s', (_name, d) => {
  const plan = athenaEtlPlan(d, names);
  const definition = backfillDefinition(plan, { workgroups, functionArn: FUNCTION }, 'test');

  test('is valid Amazon States Language (asl-validator)', () => {
    const result = aslValidator(definition as never);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  test("each task passes its operation's input shape; statements run where their keys are", () => {
    const all = tasks(definition.States as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const athena = all.filter(([, t]) => t.Resource === 'arn:aws:states:::athena:startQueryExecution.sync');
    expect(athena.length).toBeGreaterThanOrEqual(ATHENA_ETL_STEPS.length + 4);
    for (const [state, t] of all) {
      if (t.Resource === 'arn:aws:states:::lambda:invoke') {
        // Lambda Invoke's members (API reference; @aws-sdk/client-lambda is not a dependency).
        for (const k of Object.keys(t.Parameters)) expect(['FunctionName', 'Payload', 'InvocationType', 'Qualifier', 'ClientContext', 'LogType']).toContain(k.replace(/\.\$$/, ''));
        expect(t.Parameters.FunctionName).toBe(FUNCTION);
        continue;
      }
      const shape = t.Resource === 'arn:aws:states:::athena:getQueryResults' ? GetQueryResultsInput$ : StartQueryExecutionInput$;
      expect({ state, problems: shapeProblems(shape, t.Parameters) }).toEqual({ state, problems: [] });
    }
    const workgroupOf = (state: string) => athena.find(([s]) => s === state)![1].Parameters.WorkGroup;
    expect(workgroupOf('InsertSilver')).toBe(workgroups.silver);
    expect(workgroupOf('InsertQuarantine')).toBe(workgroups.quarantine);
    expect(workgroupOf('InsertCondemned')).toBe(workgroups.quarantine);
    expect(workgroupOf('CreateRouted')).toBe(workgroups.platform);
  });
});

describe('a backfill run against scripted answers', () => {
  const plan = athenaEtlPlan(example, names);
  const definition = backfillDefinition(plan, { workgroups, functionArn: FUNCTION }, 'test');
  const run = {
    runId: '20240301T000000Z_BACKFILL',
    values: {
      run_id: '20240301T000000Z_BACKFILL',
      ingest_date: '2024-02-01',
      source_file: 'bronze/mortgages/transactions/ingest_date=2024-02-01/run_id=20240201T080000Z/d.csv',
      superseded_runs: '20240201T080000Z',
      header_hex: Buffer.from('transaction_id,amount').toString('hex'),
    },
  };
  const counts = (silver: number) => ({ in: silver + 3, silver, quarantine: 2, condemned: 1, undecided: 0, errors: { 'type:amount': 2 }, condemnedDuplicate: 1, condemnedMaxAttempts: 0 });

  function script(o: { judge?: unknown; silver?: number; prepare?: (key: string) => unknown } = {}) {
    const sql: { sql: string; workgroup: string }[] = [];
    const lambda: unknown[] = [];
    let q = 0;
    const handler = (call: TaskCall) => {
      if (call.resource === 'arn:aws:states:::lambda:invoke') {
        const p = call.parameters.Payload;
        lambda.push(p);
        switch (p.action) {
          case 'deliveries':
            return { Payload: { outcome: 'deliveries', deliveries: ['k1', 'k2'] } };
          case 'prepare':
            return { Payload: o.prepare?.(p.key) ?? { outcome: 'ready', run } };
          case 'open-quote':
            return { Payload: { outcome: 'ready', run: p.run } };
          case 'judge':
            return { Payload: o.judge ?? { outcome: 'go', counts: counts(o.silver ?? 10) } };
          case 'publish':
            return { Payload: { outcome: 'finished', summary: { status: 'published' }, stop: false } };
        }
        throw new Error(`unexpected payload ${JSON.stringify(p)}`);
      }
      if (call.resource === 'arn:aws:states:::athena:startQueryExecution.sync') {
        sql.push({ sql: call.parameters.QueryString, workgroup: call.parameters.WorkGroup });
        return { QueryExecution: { QueryExecutionId: `q${++q}` } };
      }
      if (call.resource === 'arn:aws:states:::athena:getQueryResults') {
        return { ResultSet: { Rows: [{ Data: [{ VarCharValue: 'window_from' }, { VarCharValue: 'window_to' }] }, { Data: [{ VarCharValue: '2024|01' }, { VarCharValue: '2024|02' }] }, { Data: [{ VarCharValue: '2024|03' }, { VarCharValue: '2024|03' }] }] } };
      }
      throw new Error(`unexpected task ${call.resource}`);
    };
    let t = Date.parse('2024-03-01T00:00:00Z');
    const result = runStateMachine(definition, { from: '2024-01', to: '2024-02' }, handler, { now: () => new Date((t += 1000)).toISOString(), maxSteps: 2000 });
    return { result, sql, lambda };
  }
  const expected = (name: (typeof ATHENA_ETL_STEPS)[number], extra: Record<string, string> = {}) => fillStatement(plan.steps[name], { ...run.values, ...extra });

  test('the statements of a delivery in order, values filled, one insert per window; a rejected delivery is passed over', () => {
    const { result, sql, lambda } = script({ prepare: (key) => (key === 'k2' ? { outcome: 'finished', summary: { status: 'rejected', message: 'the header is empty' }, stop: false } : { outcome: 'ready', run }) });
    expect(result.status).toBe('SUCCEEDED');
    const drops = ['drop-routed', 'drop-silver-stage', 'drop-quarantine-stage', 'drop-condemned-stage'] as const;
    expect(sql.map((s) => s.sql)).toEqual([
      ...drops.map((n) => expected(n)),
      expected('open-quote'),
      expected('create-routed'),
      expected('counts'),
      expected('create-silver-stage'),
      expected('create-quarantine-stage'),
      expected('create-condemned-stage'),
      expected('partition-windows'),
      expected('insert-silver', { window_from: '2024|01', window_to: '2024|02' }),
      expected('insert-silver', { window_from: '2024|03', window_to: '2024|03' }),
      expected('files-silver'),
      expected('insert-quarantine'),
      expected('files-quarantine'),
      expected('insert-condemned'),
      expected('files-condemned'),
      ...drops.map((n) => expected(n)),
    ]);
    expect(lambda.map((p) => (p as { action: string }).action)).toEqual(['deliveries', 'prepare', 'open-quote', 'judge', 'publish', 'prepare']);
    // Publishing gets the executions that listed the files.
    expect((lambda[4] as { files: unknown }).files).toEqual({ silver: { id: 'q14' }, quarantine: { id: 'q16' }, condemned: { id: 'q18' } });
    const staging = athenaEtlStaging(example);
    expect([staging.routed, ...Object.values(staging.stages)].map((s) => s.name)).toEqual(['transactions_v1__etl_routed', 'transactions_v1__etl_silver', 'transactions_v1__etl_quarantine', 'transactions_v1_condemned__etl_condemned']);
  });

  test('a run without silver rows writes no silver; a halted run stops the backfill with its message', () => {
    const none = script({ silver: 0 });
    expect(none.result.status).toBe('SUCCEEDED');
    expect(none.sql.some((s) => s.sql.startsWith('INSERT INTO "silver_'))).toBe(false);
    const halted = script({ judge: { outcome: 'finished', summary: { status: 'halted', message: 'halted by the circuit breaker: 101 rows failed `type:amount`' }, stop: true } });
    expect(halted.result.status).toBe('FAILED');
    expect(halted.result.error).toBe('Lakec.BackfillFailed');
    expect(halted.result.visited).toContain('RunStopped');
    expect(halted.lambda.map((p) => (p as { action: string }).action)).toEqual(['deliveries', 'prepare', 'open-quote', 'judge']);
  });
});

test('the synthesized stack: per dataset a state machine, its Lambda and lines table, and the policy checks pass', () => {
  const { d: items } = everyTypeContract();
  const { doc } = synthStack({ contracts: [items] });
  const machine = resourceOf(doc, 'aws_sfn_state_machine', 'backfill-demo-items-v1-state-machine') as { definition: string; name: string };
  expect(machine.name).toBe('acme-lake-dev-backfill-demo-items-v1');
  const definition = JSON.parse(machine.definition) as { StartAt: string };
  expect(definition.StartAt).toBe('ListDeliveries');
  const fn = resourceOf(doc, 'aws_lambda_function', 'backfill-demo-items-v1-function') as { handler: string; timeout: number; environment: { variables: Record<string, string> } };
  expect(fn.handler).toBe('index.handler');
  expect(fn.environment.variables.LAKEC_ATHENA_WORKGROUP).toBe('acme-lake-dev-platform');
  const lines = resourceOf(doc, 'aws_glue_catalog_table', 'backfill-demo-items-v1-lines-table') as { name: string; parameters: Record<string, string>; storage_descriptor: { ser_de_info: { serialization_library: string; parameters: Record<string, string> } } };
  expect(lines.name).toBe('items_v1__lines');
  expect(lines.parameters['skip.header.line.count']).toBe('1');
  expect(lines.storage_descriptor.ser_de_info.parameters['input.regex']).toBe('(?s)(.*)');
  for (const layer of ['silver', 'quarantine']) {
    const wg = resourceOf(doc, 'aws_athena_workgroup', `backfill-athena-${layer}-workgroup`) as { name: string };
    expect(wg.name).toBe(`acme-lake-dev-etl-${layer}`);
  }
  expect(runPolicyChecks(doc).map((f) => `${f.check} ${f.address}: ${f.message}`)).toEqual([]);
});
