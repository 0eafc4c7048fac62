import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { ColumnType } from '../../generators/contract/column-type';
import { parsePortablePattern } from '../../generators/contract/portable-pattern';
import { AthenaPrinter } from '../../generators/sql/athena-printer';
import { DuckDbPrinter } from '../../generators/sql/duckdb-printer';
import { goldQuery } from '../../generators/sql/gold-query';
import { call, cast, col, int, item, param, str, table, type SqlExpr, type SqlStatement } from '../../generators/sql/sql-node';
import { MONTH_TO, PUBLISHED_AT, RUN_ID } from '../../generators/sql/sql-param';
import { renderTemplate } from '../../generators/sql/sql-template';
import { loadModel } from '../support/specs';
import { goldPairs } from './support/gold-cases';
import { openLakeDb, type LakeDb } from './support/lake-db';
import { arithmetic, formatDec, parseDec, roundHalfUp } from './support/reference-gold';
import { trinoFormProblems } from './support/trino-check';

const athena = new AthenaPrinter();
const duckdb = new DuckDbPrinter();
const both = (e: SqlExpr) => [athena.printExpr(e).text, duckdb.printExpr(e).text];
const dec = (text: string, precision: number, scale: number): SqlExpr => ({ kind: 'literal', value: { type: 'number', text, precision, scale } });
const decType = (precision: number, scale: number): ColumnType => ({ kind: 'decimal', precision, scale });
const typed = (name: string, type: ColumnType): SqlExpr => col(name, type);

describe('exact output, both dialects', () => {
  test('identifiers and strings are quoted by quote.ts', () => {
    expect(both(col('a"b'))).toEqual(['"a""b"', '"a""b"']);
    expect(both(col('select', undefined, 'order'))).toEqual(['"order"."select"', '"order"."select"']);
    expect(both(str("it's -- not /* a comment"))).toEqual(["'it''s -- not /* a comment'", "'it''s -- not /* a comment'"]);
  });

  test('Athena never prints a placeholder it did not make: {{ in a literal is split', () => {
    expect(athena.printExpr(str('{{run_id}}')).text).toBe("('{' || '{run_id}' || '}')");
    expect(duckdb.printExpr(str('{{run_id}}')).text).toBe("'{{run_id}}'");
    const printed = athena.printQuery({ kind: 'select', items: [item(str('{{run_id}}'), 'x'), item(param(RUN_ID), 'y')] });
    expect(renderTemplate(printed, { run_id: '20240101T000000Z' })).toBe(`SELECT\n  ('{' || '{run_id}' || '}') AS "x",\n  '20240101T000000Z' AS "y"`);
    expect(() => athena.printExpr(col('a{b'))).toThrow(/braces/);
  });

  test('a line break in a string literal stays as it is in a nested query (indentation pads only the printer\'s lines)', () => {
    const inner = { kind: 'select', items: [item(str('a\nb'), 'x')] } as const;
    for (const printer of [athena, duckdb]) {
      const printed = printer.printQuery({ kind: 'select', with: [{ name: 'c', query: inner }], items: [item(col('x'))], from: { kind: 'subquery', query: inner, alias: 's' } });
      expect(printed.text).toBe(`WITH\n  "c" AS (\n    SELECT\n      'a\nb' AS "x"\n  )\nSELECT\n  "x"\nFROM (\n  SELECT\n    'a\nb' AS "x"\n) AS "s"`);
    }
  });

  test('literals', () => {
    expect(both(dec('12.50', 4, 2))).toEqual(['12.50', '12.50']);
    expect(both(dec('12345678901234567890.5', 21, 1))).toEqual(["CAST('12345678901234567890.5' AS decimal(21,1))", "CAST('12345678901234567890.5' AS DECIMAL(21,1))"]);
    expect(both({ kind: 'literal', value: { type: 'date', value: '2024-02-29' } })).toEqual(["DATE '2024-02-29'", "DATE '2024-02-29'"]);
    expect(both({ kind: 'literal', value: { type: 'timestamp', value: '2024-02-29 23:59:59.999' } })).toEqual(["TIMESTAMP '2024-02-29 23:59:59.999'", "TIMESTAMP '2024-02-29 23:59:59.999'"]);
    expect(both({ kind: 'literal', value: { type: 'null', as: { kind: 'string' } } })).toEqual(['CAST(NULL AS varchar)', 'CAST(NULL AS VARCHAR)']);
    expect(both({ kind: 'literal', value: { type: 'boolean', value: false } })).toEqual(['FALSE', 'FALSE']);
    expect(() => athena.printExpr({ kind: 'literal', value: { type: 'date', value: "2024-01-01' OR '1'='1" } })).toThrow(/not a date/);
    expect(() => athena.printExpr({ kind: 'literal', value: { type: 'number', text: '1e5', precision: 1, scale: 0 } })).toThrow(/plain number/);
  });

  test('parameters: Athena placeholders, DuckDB named parameters; listed once, in order of first use', () => {
    const e: SqlExpr = { kind: 'logical', op: 'and', operands: [{ kind: 'compare', op: '=', left: col('r'), right: param(RUN_ID) }, { kind: 'compare', op: '<', left: col('p'), right: param(PUBLISHED_AT) }, { kind: 'compare', op: '<>', left: col('q'), right: param(RUN_ID) }] };
    const a = athena.printExpr(e);
    const d = duckdb.printExpr(e);
    expect(a.text).toBe(`("r" = '{{run_id}}') AND ("p" < CAST('{{published_at}}' AS timestamp)) AND ("q" <> '{{run_id}}')`);
    expect(d.text).toBe('("r" = $run_id) AND ("p" < CAST($published_at AS TIMESTAMP)) AND ("q" <> $run_id)');
    expect(a.params.map((p) => p.name)).toEqual(['run_id', 'published_at']);
    expect(() => athena.printExpr({ kind: 'logical', op: 'or', operands: [param(RUN_ID), param({ ...RUN_ID, format: 'month' })] })).toThrow(/two different types/);
  });

  test('operators: parentheses decide precedence, and negation never prints --', () => {
    const sum: SqlExpr = { kind: 'arithmetic', op: '+', left: col('a'), right: col('b'), type: { kind: 'double' } };
    expect(both({ kind: 'arithmetic', op: '*', left: sum, right: col('c'), type: { kind: 'double' } })).toEqual(['("a" + "b") * "c"', '("a" + "b") * "c"']);
    expect(both({ kind: 'negate', operand: { kind: 'negate', operand: col('a') } })).toEqual(['-(-"a")', '-(-"a")']);
    expect(both({ kind: 'in', operand: col('t'), list: [str('A'), str('B')], negated: true })).toEqual([`"t" NOT IN ('A', 'B')`, `"t" NOT IN ('A', 'B')`]);
    expect(both({ kind: 'between', operand: col('q'), low: int(1), high: int(3), negated: false })).toEqual(['"q" BETWEEN 1 AND 3', '"q" BETWEEN 1 AND 3']);
    expect(() => athena.printExpr({ kind: 'in', operand: col('t'), list: [], negated: false })).toThrow(/empty list/);
  });

  test.each([
    ['month_start', call('month_start', [col('t')]), `CAST(date_trunc('month', "t") AS date)`, `CAST(date_trunc('month', "t") AS DATE)`],
    ['format_month', call('format_month', [col('d')]), `date_format(CAST("d" AS timestamp), '%Y-%m')`, `strftime("d", '%Y-%m')`],
    ['month_date', call('month_date', [param(MONTH_TO)]), `CAST(concat('{{month_to}}', '-01') AS date)`, `CAST(concat($month_to, '-01') AS DATE)`],
    ['add_months', call('add_months', [col('d'), int(99)]), `date_add('month', 99, "d")`, `CAST("d" + INTERVAL '99' MONTH AS DATE)`],
    ['sha256_hex', call('sha256_hex', [col('s')]), `lower(to_hex(sha256(to_utf8("s"))))`, `sha256("s")`],
    ['byte_length', call('byte_length', [col('s')]), `length(to_utf8("s"))`, `strlen("s")`],
    ['year', call('year', [col('t')]), `year("t")`, `year("t")`],
    ['try_cast', { kind: 'cast', operand: col('s'), type: decType(18, 2), safe: true } as SqlExpr, `TRY_CAST("s" AS decimal(18,2))`, `TRY_CAST("s" AS DECIMAL(18,2))`],
    ['cast to every type', call('coalesce', (['string', 'int', 'bigint', 'double', 'boolean', 'date', 'timestamp'] as const).map((k) => cast(col('x'), { kind: k }))), `coalesce(CAST("x" AS varchar), CAST("x" AS integer), CAST("x" AS bigint), CAST("x" AS double), CAST("x" AS boolean), CAST("x" AS date), CAST("x" AS timestamp))`, `coalesce(CAST("x" AS VARCHAR), CAST("x" AS INTEGER), CAST("x" AS BIGINT), CAST("x" AS DOUBLE), CAST("x" AS BOOLEAN), CAST("x" AS DATE), CAST("x" AS TIMESTAMP))`],
  ])('function %s', (_name, e, wantAthena, wantDuckdb) => {
    expect(both(e)).toEqual([wantAthena, wantDuckdb]);
  });

  test('full-match regex from the portable pattern, per engine', () => {
    const p = parsePortablePattern("^ACC[0-9]{6}'x\\.$");
    if (!p.ok) throw new Error(p.message);
    expect(both({ kind: 'regex_match', operand: col('a'), pattern: p.pattern })).toEqual([`regexp_like("a", '\\A(?:ACC[0-9]{6}''x\\.)\\z')`, `regexp_full_match("a", 'ACC[0-9]{6}''x\\.')`]);
  });

  test('aggregates and windows', () => {
    const key: SqlExpr = { kind: 'row', fields: [col('t'), col('_source_record')] };
    expect(both({ kind: 'aggregate', fn: 'min_by', args: [col('a'), key], distinct: false })).toEqual(['min_by("a", ROW("t", "_source_record"))', 'arg_min_null("a", ROW("t", "_source_record"))']);
    expect(both({ kind: 'aggregate', fn: 'count', args: [], distinct: false, filter: { kind: 'is_null', operand: col('x'), negated: false } })).toEqual(['count(*) FILTER (WHERE "x" IS NULL)', 'count(*) FILTER (WHERE "x" IS NULL)']);
    expect(both({ kind: 'aggregate', fn: 'count', args: [col('x')], distinct: true })).toEqual(['count(DISTINCT "x")', 'count(DISTINCT "x")']);
    const w: SqlExpr = { kind: 'window', fn: 'sum', args: [col('p')], partitionBy: [col('k')], orderBy: [{ expr: col('m') }], frame: 'running' };
    expect(both(w)).toEqual(Array(2).fill('sum("p") OVER (PARTITION BY "k" ORDER BY "m" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)'));
    expect(() => athena.printExpr({ kind: 'window', fn: 'sum', args: [col('p')], partitionBy: [], orderBy: [], frame: 'running' })).toThrow(/ORDER BY/);
  });

  test('statements', () => {
    const q = { kind: 'select', items: [item(col('a'))], from: table('t', 's') } as const;
    const ctas: SqlStatement = { kind: 'create_table_as', schema: 'gold_x', name: 'y_v1__gold_run', location: ['s3://b/gold/x/y/schema_v=v1/run_id=', RUN_ID, '/'], partitionedBy: ['as_of_month'], withData: false, query: q };
    expect(athena.print(ctas).text).toBe(`CREATE TABLE "gold_x"."y_v1__gold_run"\nWITH (\n  format = 'PARQUET',\n  write_compression = 'SNAPPY',\n  external_location = 's3://b/gold/x/y/schema_v=v1/run_id={{run_id}}/',\n  partitioned_by = ARRAY['as_of_month']\n) AS\nSELECT\n  "a"\nFROM "s"."t"\nWITH NO DATA`);
    expect(athena.print(ctas).params.map((p) => p.name)).toEqual(['run_id']);
    expect(() => duckdb.print(ctas)).toThrow(/Athena only/);
    expect(() => athena.print({ ...ctas, location: ["s3://b/{x}/"] })).toThrow(/braces/);
    const drop: SqlStatement = { kind: 'drop_table', schema: 'gold_x', name: 'y', ifExists: true };
    expect([athena.print(drop).text, duckdb.print(drop).text]).toEqual(['DROP TABLE IF EXISTS `gold_x`.`y`', 'DROP TABLE IF EXISTS "gold_x"."y"']);
    const copy: SqlStatement = { kind: 'copy_to', query: q, path: "/lake/gold/x/run_id=R/it's", partitionBy: ['as_of_month'] };
    expect(duckdb.print(copy).text).toBe(`COPY (\n  SELECT\n    "a"\n  FROM "s"."t"\n) TO '/lake/gold/x/run_id=R/it''s' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY ("as_of_month"), FILENAME_PATTERN 'part-{i}')`);
    expect(() => athena.print(copy)).toThrow(/DuckDB only/);
    expect(athena.print({ kind: 'insert', schema: 's', name: 't', columns: ['a'], query: q }).text).toBe('INSERT INTO "s"."t" ("a")\nSELECT\n  "a"\nFROM "s"."t"');
    expect(() => athena.printQuery({ kind: 'union_all', queries: [{ ...q, limit: 1 }] })).toThrow(/UNION ALL member/);
  });

  test('month series', () => {
    const q = { kind: 'select', items: [item(col('m', undefined, 's'))], from: { kind: 'join', join: 'cross', left: table('g'), right: { kind: 'month_series', start: col('a'), end: col('b'), alias: 's', column: 'm' } } } as const;
    expect(athena.printQuery(q).text).toBe(`SELECT\n  "s"."m"\nFROM "g"\nCROSS JOIN UNNEST(sequence("a", "b", INTERVAL '1' MONTH)) AS "s" ("m")`);
    expect(duckdb.printQuery(q).text).toBe(`SELECT\n  "s"."m"\nFROM "g"\nCROSS JOIN LATERAL (SELECT CAST(unnest(generate_series("a", "b", INTERVAL '1' MONTH)) AS DATE) AS "m") AS "s"`);
  });

  test('the Trino allow-list rejects what only DuckDB reads', () => {
    const [{ gold, source }] = goldPairs(loadModel()).filter((p) => p.gold.id.name === 'transaction_summaries');
    const problems = trinoFormProblems(duckdb.printQuery(goldQuery(gold!, source!)).text).join('\n');
    for (const form of ['`$`', 'strftime', 'arg_min_null', 'HUGEINT', '`//`']) expect(problems).toContain(form);
    expect(trinoFormProblems(athena.printQuery(goldQuery(gold!, source!)).text)).toEqual([]);
    expect(trinoFormProblems('SELECT x::int, regexp_full_match(a, b) FROM t CROSS JOIN LATERAL (SELECT 1)').join('\n')).toMatch(/::[\s\S]*regexp_full_match[\s\S]*LATERAL/);
  });
});

describe('DuckDB reproduces Trino where DuckDB alone would not (executed)', () => {
  let db: LakeDb;
  beforeAll(async () => {
    db = await openLakeDb();
  });
  afterAll(() => db.close());
  const value = async (e: SqlExpr) => {
    const printed = duckdb.printExpr(e);
    const rows = await db.rows(`SELECT ${printed.text} AS v`);
    return rows[0]!.v;
  };
  const decArb = (digits: number, scale: number) =>
    fc.bigInt({ min: -(10n ** BigInt(digits)) + 1n, max: 10n ** BigInt(digits) - 1n }).map((u) => formatDec({ k: 'dec', u, s: scale }, scale));

  test('decimal division is exact and rounded half up, as in Trino', async () => {
    await fc.assert(
      fc.asyncProperty(decArb(12, 3), decArb(6, 2).filter((b) => parseDec(b).u !== 0n), async (a, b) => {
        const e: SqlExpr = { kind: 'arithmetic', op: '/', left: cast(str(a), decType(12, 3)), right: cast(str(b), decType(6, 2)), type: decType(38, 3) };
        const want = arithmetic('/', parseDec(a), parseDec(b));
        expect(await value(e)).toBe(formatDec(want as Parameters<typeof formatDec>[0], 3));
      }),
      { seed: 1, numRuns: 200 },
    );
    // A half rounds away from zero on both sides.
    const div = (a: string, b: string) => value({ kind: 'arithmetic', op: '/', left: cast(str(a), decType(10, 2)), right: cast(str(b), decType(10, 0)), type: decType(38, 2) });
    expect(await div('0.05', '2')).toBe('0.03');
    expect(await div('-0.05', '2')).toBe('-0.03');
    expect(await div('1.00', '3')).toBe('0.33');
    await expect(div('1.00', '0')).rejects.toThrow(/Division by zero/);
    expect(await value({ kind: 'arithmetic', op: '/', left: { kind: 'literal', value: { type: 'null', as: decType(10, 2) } }, right: cast(str('0'), decType(10, 0)), type: decType(38, 2) })).toBeNull();
  });

  test('avg(decimal) is a decimal rounded half up (DuckDB\'s own avg is a double, a cent off)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(decArb(10, 2), { minLength: 1, maxLength: 12 }), async (xs) => {
        const values = xs.map((x) => `(CAST('${x}' AS DECIMAL(12,2)))`).join(', ');
        const avg: SqlExpr = { kind: 'aggregate', fn: 'avg', args: [typed('x', decType(12, 2))], distinct: false, type: decType(38, 2) };
        const rows = await db.rows(`SELECT ${duckdb.printExpr(avg).text} AS v FROM (VALUES ${values}) AS t(x)`);
        const sum = xs.map(parseDec).reduce((s, d) => s + d.u, 0n);
        expect(rows[0]!.v).toBe(formatDec({ k: 'dec', u: roundHalfUp(sum, BigInt(xs.length)), s: 2 }, 2));
      }),
      { seed: 2, numRuns: 150 },
    );
    // Wide decimals (precision + scale > 38) take the exact unscaling of the sum instead.
    const wide = ['1234567890123456789012345678.0123456789', '-0.0000000005', '0.0000000001'];
    const wideAvg: SqlExpr = { kind: 'aggregate', fn: 'avg', args: [typed('x', decType(38, 10))], distinct: false, type: decType(38, 10) };
    const wideRows = await db.rows(`SELECT ${duckdb.printExpr(wideAvg).text} AS v FROM (VALUES ${wide.map((x) => `(CAST('${x}' AS DECIMAL(38,10)))`).join(', ')}) AS t(x)`);
    expect(wideRows[0]!.v).toBe(formatDec({ k: 'dec', u: roundHalfUp(wide.map(parseDec).reduce((sum, d) => sum + d.u, 0n), 3n), s: 10 }, 10));
    const native = await db.rows(`SELECT avg(x) AS v FROM (VALUES (CAST('0.01' AS DECIMAL(12,2))), (CAST('0.02' AS DECIMAL(12,2)))) AS t(x)`);
    expect(native[0]!.v).toBe(0.015);
    const ours = await db.rows(`SELECT ${duckdb.printExpr({ kind: 'aggregate', fn: 'avg', args: [typed('x', decType(12, 2))], distinct: false, type: decType(38, 2) }).text} AS v FROM (VALUES (CAST('0.01' AS DECIMAL(12,2))), (CAST('0.02' AS DECIMAL(12,2)))) AS t(x)`);
    expect(ours[0]!.v).toBe('0.02');
  });

  test('decimal sums and products are widened as Trino widens them', async () => {
    const big = cast(str('9999999999999999.99'), decType(18, 2));
    expect(await value({ kind: 'arithmetic', op: '+', left: big, right: big, type: decType(19, 2) })).toBe('19999999999999999.98');
    expect(await value({ kind: 'arithmetic', op: '*', left: big, right: cast(str('99.99'), decType(18, 2)), type: decType(36, 4) })).toBe('999899999999999999.0001');
    await expect(db.rows(`SELECT CAST('9999999999999999.99' AS DECIMAL(18,2)) + CAST('9999999999999999.99' AS DECIMAL(18,2)) AS v`)).rejects.toThrow(/[Oo]verflow/);
  });

  test('sha256_hex and byte_length agree with Node on any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), async (s) => {
        expect(await value(call('sha256_hex', [str(s)]))).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
        expect(Number(await value(call('byte_length', [str(s)])))).toBe(Buffer.byteLength(s, 'utf8'));
      }),
      { seed: 3, numRuns: 100 },
    );
  });

  test('regex_match matches the whole value, as the JavaScript form does', async () => {
    const p = parsePortablePattern('^ACC[0-9]{2}(x|y)?.$');
    if (!p.ok) throw new Error(p.message);
    const js = new RegExp(`^(?:${p.pattern.canonical})$`, 'u');
    const samples = ['ACC12x.', 'ACC12.', 'ACC12x\n', 'xACC12y!', 'ACC12y!!', 'ACC1', 'ACC12\u00e9', ''];
    for (const s of samples) expect({ s, m: await value({ kind: 'regex_match', operand: str(s), pattern: p.pattern }) }).toEqual({ s, m: js.test(s) });
  });

  test('month functions (UTC calendar months)', async () => {
    expect(await value(call('month_start', [{ kind: 'literal', value: { type: 'timestamp', value: '2024-03-31 23:59:59.999' } }]))).toBe('2024-03-01');
    expect(await value(call('format_month', [call('month_start', [{ kind: 'literal', value: { type: 'date', value: '2024-12-15' } }])]))).toBe('2024-12');
    expect(await value(call('add_months', [{ kind: 'literal', value: { type: 'date', value: '2024-01-31' } }, int(1)]))).toBe('2024-02-29');
    const series = await db.rows(duckdb.printQuery({ kind: 'select', items: [item(col('m', undefined, 's'), 'm')], from: { kind: 'month_series', start: { kind: 'literal', value: { type: 'date', value: '2023-11-01' } }, end: { kind: 'literal', value: { type: 'date', value: '2024-02-01' } }, alias: 's', column: 'm' } }).text);
    expect(series.map((r) => r.m)).toEqual(['2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01']);
  });

  test('min_by/max_by keep a NULL value and skip a NULL ordering key, ties broken by the key\'s next fields', async () => {
    const key: SqlExpr = { kind: 'case', whens: [{ when: col('f'), then: { kind: 'row', fields: [col('t'), col('r')] } }] };
    const q = (fn: 'min_by' | 'max_by') => duckdb.printExpr({ kind: 'aggregate', fn, args: [col('x'), key], distinct: false }).text;
    const rows = await db.rows(`SELECT ${q('min_by')} AS lo, ${q('max_by')} AS hi FROM (VALUES (1, 5, 1, false), (NULL, 6, 2, true), (3, 7, 3, true), (4, 7, 2, true), (9, 1, 1, false)) AS v(x, t, r, f)`);
    expect(rows).toEqual([{ lo: null, hi: 3 }]);
  });
});
