import fc from 'fast-check';
import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { DuckDbPrinter } from '../../generators/sql/duckdb-printer';
import { cmp, col, item, param, str, table, type SqlQuery } from '../../generators/sql/sql-node';
import { checkParamValue, MONTH_FROM, PUBLISHED_AT, RUN_ID, RUN_ID_PATTERN, timestampParam } from '../../generators/sql/sql-param';
import { duckdbValues, fillParams, renderTemplate, statesFormat } from '../../generators/sql/sql-template';
import { lexSql } from './support/trino-check';

const query: SqlQuery = {
  kind: 'select',
  items: [item(param(RUN_ID), 'r'), item(param(PUBLISHED_AT), 'p'), item(str("{{month_from}} it's {x} \\ '"), 'hostile')],
  from: table('t', 's'),
  where: cmp('>=', col('m'), param(MONTH_FROM)),
};
const athena = new AthenaPrinter().printQuery(query);
const values = { run_id: '20240131T120000Z_BACKFILL', published_at: '2024-01-31 12:00:00.000', month_from: '2024-01' };

/** What Step Functions' States.Format does with its string and arguments (AWS docs: `{}` per argument, `\\` escapes). */
function runStatesFormat(intrinsic: string, input: Record<string, string>): string {
  const m = /^States\.Format\('((?:[^'\\]|\\.)*)'((?:, \$\.[a-z_]+)*)\)$/.exec(intrinsic);
  if (!m) throw new Error(`not a States.Format call: ${intrinsic}`);
  const args = m[2]!.split(', ').filter(Boolean).map((p) => input[p.slice(2)]!);
  let out = '';
  let n = 0;
  for (let i = 0; i < m[1]!.length; i++) {
    const c = m[1]![i]!;
    if (c === '\\') out += m[1]![++i];
    else if (c === '{' && m[1]![i + 1] === '}') {
      out += args[n++];
      i++;
    } else out += c;
  }
  expect(n).toBe(args.length);
  return out;
}

test('renderTemplate fills each placeholder with its checked value and nothing else', () => {
  const sql = renderTemplate(athena, values);
  expect(sql).toBe(
    `SELECT\n  '20240131T120000Z_BACKFILL' AS "r",\n  CAST('2024-01-31 12:00:00.000' AS timestamp) AS "p",\n  ('{' || '{month_from}' || '} it''s {x} \\ ''') AS "hostile"\nFROM "s"."t"\nWHERE "m" >= '2024-01'`,
  );
  // The contract literal survives untouched: lexing the statement finds it as one concatenation of literals.
  expect(lexSql(sql).filter((t) => t.kind === 'string').map((t) => t.text)).toEqual(["'20240131T120000Z_BACKFILL'", "'2024-01-31 12:00:00.000'", "'{'", "'{month_from}'", "'} it''s {x} \\ '''", "'2024-01'"]);
});

test('values are checked against their formats; missing and unknown ones are refused', () => {
  expect(() => renderTemplate(athena, { ...values, run_id: "x' OR '1'='1" })).toThrow(/not a run_id value/);
  expect(() => renderTemplate(athena, { ...values, month_from: '2024-13' })).toThrow(/not a month value/);
  expect(() => renderTemplate(athena, { ...values, published_at: '2024-02-30 00:00:00' })).toThrow(/not a real time/);
  expect(() => renderTemplate(athena, { ...values, published_at: '2024-01-01 24:00:00' })).toThrow(/not a real time/);
  expect(() => renderTemplate(athena, { run_id: values.run_id, published_at: values.published_at })).toThrow(/missing value for parameter month_from/);
  expect(() => renderTemplate(athena, { ...values, extra: 'x' })).toThrow(/no parameter extra/);
  expect(() => renderTemplate(new DuckDbPrinter().printQuery(query), values)).toThrow(/DuckDB binds/);
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      for (const p of [RUN_ID, PUBLISHED_AT, MONTH_FROM]) {
        let ok = true;
        try {
          checkParamValue(p, s);
        } catch {
          ok = false;
        }
        if (ok) expect(s).not.toMatch(/['"{}\\\u0000-\u001f]/);
      }
    }),
    { seed: 4, numRuns: 400 },
  );
  expect(RUN_ID_PATTERN.test('20240131T120000Z_2')).toBe(true);
  expect(timestampParam(new Date(Date.UTC(2024, 0, 31, 12, 0, 0, 5)))).toBe('2024-01-31 12:00:00.005');
});

test('States.Format form gives the same statement as renderTemplate', () => {
  const intrinsic = statesFormat(athena, { run_id: '$.run_id', published_at: '$.published_at', month_from: '$.month_from' });
  expect(intrinsic.startsWith("States.Format('SELECT\n  \\'{}\\' AS \"r\"")).toBe(true);
  expect(runStatesFormat(intrinsic, values)).toBe(renderTemplate(athena, values));
  expect(() => statesFormat(athena, { run_id: '$.run_id', published_at: '$.published_at' })).toThrow(/no JSONPath for parameter month_from/);
  expect(() => statesFormat(athena, { run_id: "$.x') , States.Array(", published_at: '$.p', month_from: '$.m' })).toThrow(/not a JSONPath/);
});

test('fillParams fixes some parameters and keeps the others', () => {
  const partly = fillParams(athena, { month_from: '2024-01', published_at: values.published_at });
  expect(partly.params.map((p) => p.name)).toEqual(['run_id']);
  expect(renderTemplate(partly, { run_id: values.run_id })).toBe(renderTemplate(athena, values));
});

test('duckdbValues binds only checked values', () => {
  const d = new DuckDbPrinter().printQuery(query);
  expect(d.text).toContain('$run_id AS "r"');
  expect(duckdbValues(d, values)).toEqual(values);
  expect(() => duckdbValues(d, { ...values, run_id: 'x' })).toThrow(/run_id/);
});
