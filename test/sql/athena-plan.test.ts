import { buildConfig } from '../../cli/build-config';
import { athenaGoldRun, athenaGoldRuns, stageName } from '../../generators/sql/athena-gold-plan';
import { goldTableOf } from '../../generators/sql/gold-query';
import { ALL_MONTHS } from '../../generators/sql/sql-param';
import { renderTemplate, statesFormat } from '../../generators/sql/sql-template';
import { loadModel } from '../support/specs';
import { goldPairs, SPEC_CASES } from './support/gold-cases';
import { expectTrino } from './support/trino-check';

const env = buildConfig().environments.find((e) => e.name === 'prod')!;
const values = { run_id: '20240131T120000Z', previous_run_id: '20231231T120000Z', published_at: '2024-01-31 12:00:00.000', ...ALL_MONTHS };

describe.each(SPEC_CASES)('the Athena Gold run of the %s contracts', (_name, specs) => {
  const model = loadModel(specs);

  test('steps, names and locations follow the Gold table', () => {
    for (const { gold, source } of goldPairs(model)) {
      const run = athenaGoldRun(gold, source, env.buckets);
      const t = goldTableOf(gold);
      expect(run.order).toEqual(['drop-stage', 'create-stage', 'month-windows', 'insert-window', 'drop-stage', 'reconcile', 'restatement', 'publish-view']);
      expect(run.stage).toEqual({ schema: t.database, name: `${t.readerName}__gold_run` });
      expect(run.stage.name).toMatch(/^[a-z][a-z0-9_]{0,127}$/);
      // The run's prefix is the Gold table's location template with run_id filled and the month left to the partition.
      expect(run.location).toBe(`s3://${env.buckets.gold}/${t.locationTemplate.replace('${run_id}', '{{run_id}}').replace(/[a-z_]+=\$\{[a-z_]+\}\/$/, '')}`);
      expect(run.location.startsWith(`s3://${env.buckets.gold}/${t.prefix}run_id=`)).toBe(true);
      expect(Object.fromEntries(Object.entries(run.steps).map(([k, s]) => [k, s.sql.params.map((p) => p.name).sort()]))).toEqual({
        'drop-stage': [],
        'create-stage': ['run_id'],
        'month-windows': [],
        'insert-window': ['month_from', 'month_to', 'published_at', 'run_id'],
        reconcile: ['published_at', 'run_id'],
        restatement: ['previous_run_id', 'run_id'],
        'publish-view': ['run_id'],
      });
    }
  });

  test('each step renders to Trino, and the States.Format form gives the same text', () => {
    for (const { gold, source } of goldPairs(model)) {
      const run = athenaGoldRun(gold, source, env.buckets);
      for (const step of Object.values(run.steps)) {
        const own = Object.fromEntries(step.sql.params.map((p) => [p.name, values[p.name as keyof typeof values]]));
        const sql = renderTemplate(step.sql, own);
        expect(sql).not.toMatch(/\{\{/);
        if (step.name !== 'drop-stage' && step.name !== 'create-stage') expectTrino(sql);
        const intrinsic = statesFormat(step.sql, Object.fromEntries(step.sql.params.map((p) => [p.name, `$.${p.name}`])));
        expect(intrinsic.startsWith("States.Format('")).toBe(true);
        expect((intrinsic.match(/\{\}/g) ?? []).length).toBe((step.sql.text.match(/\{\{[a-z_]+\}\}/g) ?? []).length);
      }
    }
  });

  test('athenaGoldRuns covers every Gold contract, keyed domain.name@vN', () => {
    const runs = athenaGoldRuns(model, env.buckets);
    expect([...runs.keys()].sort()).toEqual(goldPairs(model).map((p) => `${p.gold.id.domain}.${p.gold.id.name}@${p.gold.id.schemaV}`).sort());
  });
});

test('a staging table name stays a Glue name when the Gold name is long', () => {
  const long = `${'a'.repeat(120)}_v1`;
  expect(stageName(long)).toMatch(/^a{92}_[0-9a-f]{12}__gold_run$/);
  expect(stageName(long).length).toBeLessThanOrEqual(128);
  expect(stageName(`${'a'.repeat(119)}_v2`)).not.toBe(stageName(long));
  expect(stageName('account_balances_v1')).toBe('account_balances_v1__gold_run');
});
