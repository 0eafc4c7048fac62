import { checkParamValue, type ParamFormat } from '../../generators/sql/sql-param';
import { athenaEtlPlan, linesTableDdl } from '../../generators/sql/etl/athena-etl';
import { duckDbEtlPlan } from '../../generators/sql/etl/duckdb-etl';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import { datasetsOf } from '../../generators/contract/lake-model';
import { ATHENA_ETL_STEPS, ATHENA_PARAM_FORMATS, fillStatement, type AthenaEtlParam } from '../../runtime/engine/athena-plan';
import { lexSql, parseTrino, trinoFormProblems } from '../sql/support/trino-check';
import { contract, dataset, model } from '../runtime/support/lake';
import { loadModel } from '../support/specs';
import { everyTypeContract } from './support/every-type';

/**
 * The Athena backfill's statements (generators/sql/etl/athena-etl.ts) are Trino: every query, CTAS body and
 * INSERT parses with the Trino grammar and calls only Trino's functions; the Hive DDL of the staging tables
 * is quoted and located as the lake lays out keys; every placeholder is a declared, format-checked parameter.
 */
const BUCKETS = { buckets: { bronze: 'acme-dev-bronze', silver: 'acme-dev-silver', gold: 'acme-dev-gold', quarantine: 'acme-dev-quarantine' }, resultsBucket: 'acme-dev-athena-results' };

/** Trino functions the ETL statements call, beyond those the Gold SQL uses (trino.io/docs/current/functions/list.html). */
const ETL_FUNCTIONS = new Set([
  'split', 'cardinality', 'element_at', 'array_join', 'array_position', 'contains', 'transform', 'regexp_extract_all',
  'strpos', 'from_utf8', 'from_hex', 'lpad', 'chr', 'is_finite', 'starts_with', 'date_add', 'first_value',
]);

function expectTrinoEtl(sql: string): void {
  const problems = trinoFormProblems(sql).filter((p) => {
    const fn = /^function `([a-z0-9_]+)` is not on the Trino allow-list/.exec(p);
    if (fn && ETL_FUNCTIONS.has(fn[1]!)) return false;
    // Lambdas: `transform(list, x -> …)`.
    return !(p.startsWith('`->`') && /transform\(/.test(sql));
  });
  if (problems.length) throw new Error(`not Trino:\n${problems.join('\n')}\n---\n${sql}`);
  parseTrino(sql);
}

const clinic = dataset(
  model({
    'clinic/labs.yaml': contract({
      domain: 'clinic',
      name: 'labs',
      columns: `
  - { name: sample_id, type: string, required: true, unique: true }
  - { name: patient, type: bigint, unique: true }
  - { name: value, type: "decimal(9,3)" }
  - { name: at, type: timestamp, format: "dd/MM/yyyy HH:mm X", required: true }`,
      source: '{ format: csv, delimiter: "|", header: false, null_values: ["NA"] }',
      partitions: '  - { name: year, from: at, transform: year }\n  - { name: month, from: at, transform: month }\n  - { name: day, from: at, transform: day }',
    }),
  }),
);
const CONTRACTS: [string, DatasetModel][] = [
  ['the example', datasetsOf(loadModel())[0]!],
  ['every type', everyTypeContract().d],
  ['two unique columns, no header, a pipe delimiter, day partitions', clinic],
];

describe.each(CONTRACTS)('%s', (_name, d) => {
  const plan = athenaEtlPlan(d, BUCKETS);

  test('every query and write is Trino', () => {
    for (const name of ATHENA_ETL_STEPS) {
      const s = plan.steps[name];
      if (/^(DROP TABLE|CREATE EXTERNAL TABLE)/.test(s.sql)) continue;
      // node-sql-parser reads no CTAS header: the query after `) AS` is what Trino runs.
      expectTrinoEtl(s.sql.startsWith('CREATE TABLE') ? s.sql.slice(s.sql.indexOf(') AS\n') + 5) : s.sql);
    }
  });

  test('staging tables: Hive DDL over the lake prefixes, keys as the lake spells them', () => {
    const silver = plan.steps['create-silver-stage'].sql;
    expect(silver).toMatch(new RegExp(`^CREATE EXTERNAL TABLE \`silver_${d.id.domain}\`\\.\`${d.id.name}_v1__etl_silver\` \\(`));
    expect(silver).toContain(`LOCATION 's3://acme-dev-silver/silver/${d.id.domain}/${d.id.name}/'`);
    expect(silver).toContain(`PARTITIONED BY (${[...d.partitions.map((p) => p.name), 'schema_v', 'run_id'].map((k) => `\`${k}\` string`).join(', ')})`);
    expect(plan.steps['create-quarantine-stage'].sql).toContain(`LOCATION 's3://acme-dev-quarantine/quarantine/${d.id.domain}/${d.id.name}/schema_v=v1/'`);
    expect(plan.steps['create-condemned-stage'].sql).toContain(`LOCATION 's3://acme-dev-quarantine/condemned/${d.id.domain}/${d.id.name}/schema_v=v1/'`);
    for (const name of ['drop-routed', 'drop-silver-stage', 'drop-quarantine-stage', 'drop-condemned-stage'] as const) expect(plan.steps[name].sql).toMatch(/^DROP TABLE IF EXISTS `[a-z_]+`\.`[a-z0-9_]+`$/);
    // Writes run where their bucket's key is: silver, quarantine; everything else in the platform workgroup.
    expect(ATHENA_ETL_STEPS.filter((n) => plan.steps[n].workgroup !== 'platform')).toEqual(['insert-silver', 'insert-quarantine', 'insert-condemned']);
    expect(plan.steps['insert-silver'].workgroup).toBe('silver');
    if (d.source.header) expect(linesTableDdl(d, BUCKETS.buckets)).toContain(`'skip.header.line.count'='1'`);
    else expect(linesTableDdl(d, BUCKETS.buckets)).not.toContain('skip.header.line.count');
  });

  test('placeholders are declared parameters, filled only with values of their format', () => {
    const values: Record<AthenaEtlParam, string> = {
      run_id: '20240131T120000Z_BACKFILL',
      ingest_date: '2024-01-31',
      source_file: `bronze/${d.id.domain}/${d.id.name}/ingest_date=2024-01-31/run_id=20240131T080000Z/part 1.csv`,
      superseded_runs: '20240131T080000Z,20240131T090000Z_2',
      header_hex: Buffer.from('a,b').toString('hex'),
      window_from: '2024|01',
      window_to: '2024|12',
    };
    for (const name of ATHENA_ETL_STEPS) {
      const s = plan.steps[name];
      const used = [...s.sql.matchAll(/\{\{([a-z_]+)\}\}/g)].map((m) => m[1]);
      expect([...new Set(used)].sort()).toEqual([...s.params].sort());
      const filled = fillStatement(s, values);
      expect(filled).not.toMatch(/\{\{|\}\}/);
    }
    expect(() => fillStatement(plan.steps['create-routed'], { ...values, source_file: "x'; DROP TABLE y; --" })).toThrow(/not a valid source_file/);
    expect(() => fillStatement(plan.steps['create-routed'], { ...values, header_hex: "6'" })).toThrow(/not a valid header_hex/);
  });

  test('the routed rows come from the same IR as the DuckDB engine runs', () => {
    const ctes = (sql: string) => [...sql.matchAll(/^ {2}"([a-z_0-9]+)" AS (?:MATERIALIZED )?\(/gm)].map((m) => m[1]);
    const athena = ctes(plan.steps['create-routed'].sql);
    const duck = ctes(duckDbEtlPlan(d).routed);
    expect(athena.slice(0, 3)).toEqual(['bronze_lines', 'bronze_header', 'published_rows']);
    expect(athena.slice(3)).toEqual(duck);
  });
});

test('the runtime checks parameters with the formats the generator declares', () => {
  const samples: Record<AthenaEtlParam, [ParamFormat, string[], string[]]> = {
    run_id: ['run_id', ['20240131T120000Z', '20240131T120000Z_BACKFILL_2'], ['2024', '20240131T120000Z_x']],
    ingest_date: ['date', ['2024-02-29'], ['2024-13-01', "2024-01-01'"]],
    source_file: ['object_key', ['bronze/a/b/ingest_date=2024-01-01/run_id=20240101T000000Z/x (1).csv'], ["x'y", 'a{{b}}', 'a\\b', '\u0000']],
    superseded_runs: ['run_id_list', ['none', '20240131T120000Z,20240131T120000Z_2'], ['', 'none,x']],
    header_hex: ['hex', ['', '0a1f'], ['0', 'zz']],
    window_from: ['partition_key', ['', '2024|01'], ["'"]],
    window_to: ['partition_key', ['2024|12|31'], ['x']],
  };
  for (const [name, [format, good, bad]] of Object.entries(samples) as [AthenaEtlParam, [ParamFormat, string[], string[]]][]) {
    const p = { name, type: { kind: 'string' as const }, format };
    for (const v of good) {
      expect(ATHENA_PARAM_FORMATS[name].test(v)).toBe(true);
      expect(() => checkParamValue(p, v)).not.toThrow();
    }
    for (const v of bad) {
      expect(ATHENA_PARAM_FORMATS[name].test(v)).toBe(false);
      expect(() => checkParamValue(p, v)).toThrow();
    }
  }
  // No format lets a quote, brace or backslash through.
  for (const re of Object.values(ATHENA_PARAM_FORMATS)) for (const c of ["'", '{', '}', '\\']) expect(re.test(`a${c}`)).toBe(false);
  expect(lexSql("SELECT 'a'")).toHaveLength(2);
});
