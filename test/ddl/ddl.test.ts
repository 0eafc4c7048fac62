import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { Parser } from 'node-sql-parser';
import { join } from 'node:path';
import { athenaCreateTable, hiveType } from '../../generators/ddl/athena-ddl';
import { duckdbCreateTable, duckdbType } from '../../generators/ddl/duckdb-ddl';
import { hiveIdentifier, hiveString } from '../../generators/ddl/hive-quote';
import { sqlIdentifier, sqlString } from '../../generators/sql/quote';
import { dataBucketNames } from '../../generators/tables/bucket-names';
import { glueComment, GLUE_COMMENT_MAX } from '../../generators/tables/glue-comment';
import { lakeTables } from '../../generators/tables/lake-tables';
import type { TableDef } from '../../generators/tables/table-def';
import { EXAMPLE_SPECS, loadModel, REPO_ROOT } from '../support/specs';

const HOSTILE_SPECS = join(REPO_ROOT, 'test', 'golden', 'build', 'hostile', 'input');
const BUCKETS = dataBucketNames('acme-lake', 'dev');

type Token = { kind: 'ident' | 'string' | 'word' | 'punct'; text: string; value: string };

/**
 * A lexer for the Hive DDL Athena accepts: backtick identifiers, single-quoted strings with backslash
 * escapes, words and punctuation. It fails on anything else — e.g. an unterminated literal or a stray
 * comment marker outside a literal — so a quoting bug shows up as a lexing error or a wrong value.
 */
function lexHive(ddl: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < ddl.length) {
    const c = ddl[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && ddl[i + 1] === '-') {
      // A line comment is allowed only in the generated header, before CREATE.
      if (tokens.length > 0) throw new Error(`comment marker outside a literal at ${i}`);
      i = ddl.indexOf('\n', i) + 1 || ddl.length;
      continue;
    }
    if (c === '/' && ddl[i + 1] === '*') throw new Error(`block comment outside a literal at ${i}`);
    if (c === '`') {
      const end = ddl.indexOf('`', i + 1);
      if (end < 0) throw new Error('unterminated identifier');
      tokens.push({ kind: 'ident', text: ddl.slice(i, end + 1), value: ddl.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= ddl.length) throw new Error(`unterminated string at ${i}`);
        const d = ddl[j]!;
        if (d === '\n') throw new Error(`raw newline inside a string at ${j}`);
        if (d === '\\') {
          const e = ddl[j + 1]!;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          j += 2;
          continue;
        }
        if (d === "'") break;
        value += d;
        j++;
      }
      tokens.push({ kind: 'string', text: ddl.slice(i, j + 1), value });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(ddl.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], value: word[0].toUpperCase() });
      i += word[0].length;
      continue;
    }
    const num = /^[0-9]+/.exec(ddl.slice(i));
    if (num) {
      tokens.push({ kind: 'word', text: num[0], value: num[0] });
      i += num[0].length;
      continue;
    }
    if ('(),.;='.includes(c)) {
      tokens.push({ kind: 'punct', text: c, value: c });
      i++;
      continue;
    }
    throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return tokens;
}

const allTables = (): TableDef[] => [...lakeTables(loadModel(EXAMPLE_SPECS)), ...lakeTables(loadModel(HOSTILE_SPECS))];

describe('Hive quoting', () => {
  test('hiveString round-trips any text without control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)), (s) => {
        const tokens = lexHive(`X ${hiveString(s)} ;`);
        expect(tokens).toHaveLength(3);
        expect(tokens[1]).toMatchObject({ kind: 'string', value: s });
      }),
      { seed: 20261123, numRuns: 500 },
    );
  });

  test('hiveString refuses control characters other than tab and line breaks', () => {
    expect(() => hiveString('a\u0001b')).toThrow(/control character/);
    expect(hiveString("it's \\ \n")).toBe("'it\\'s \\\\ \\n'");
  });

  test('hiveIdentifier only takes Glue names', () => {
    expect(hiveIdentifier('_run_id')).toBe('`_run_id`');
    expect(() => hiveIdentifier('a`b')).toThrow();
    expect(() => hiveIdentifier('Upper')).toThrow();
  });

  test('ANSI quoting doubles quotes', () => {
    expect(sqlIdentifier('select')).toBe('"select"');
    expect(sqlIdentifier('a"b')).toBe('"a""b"');
    expect(sqlString("it's")).toBe("'it''s'");
  });
});

describe('Glue comments', () => {
  test('one line, no control characters, at most 255 characters, never a split surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (s) => {
        const c = glueComment(s);
        expect(c.length).toBeLessThanOrEqual(GLUE_COMMENT_MAX);
        expect(c).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(c).not.toMatch(/[\ud800-\udbff]$/);
      }),
      { seed: 7, numRuns: 500 },
    );
    expect(glueComment('a\n\tb  c')).toBe('a b c');
    expect(glueComment('x'.repeat(300))).toBe(`${'x'.repeat(254)}…`);
  });
});

describe('Athena DDL', () => {
  test.each(allTables().map((t) => [`${t.database}.${t.name}`, t] as const))('%s lexes as one statement with every comment intact', (_name, table) => {
    const ddl = athenaCreateTable(table, BUCKETS);
    const tokens = lexHive(ddl);
    expect(tokens.filter((t) => t.kind === 'punct' && t.value === ';')).toHaveLength(1);
    expect(tokens[tokens.length - 1]!.value).toBe(';');
    let depth = 0;
    for (const t of tokens) {
      if (t.value === '(') depth++;
      if (t.value === ')') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    expect(tokens.slice(0, 6).map((t) => t.value)).toEqual(['CREATE', 'EXTERNAL', 'TABLE', 'IF', 'NOT', 'EXISTS']);
    expect(tokens[6]).toMatchObject({ kind: 'ident', value: table.database });
    expect(tokens[8]).toMatchObject({ kind: 'ident', value: table.name });

    const comments = tokens.flatMap((t, i) => (t.value === 'COMMENT' ? [tokens[i + 1]!] : []));
    const expected = [...table.columns.map((c) => c.comment), table.description, ...table.partitionKeys.map((k) => k.comment)];
    expect(comments.map((c) => c.kind)).toEqual(expected.map(() => 'string'));
    expect(comments.map((c) => c.value).sort()).toEqual([...expected].sort());
    for (const c of comments) {
      expect(c.value.length).toBeLessThanOrEqual(GLUE_COMMENT_MAX);
      expect(c.value).not.toMatch(/[\n\r]/);
    }
    // Every column appears as a quoted identifier followed by its Hive type.
    for (const col of table.columns) {
      const at = tokens.findIndex((t) => t.kind === 'ident' && t.value === col.name);
      expect(at).toBeGreaterThan(8);
      expect(tokens[at + 1]!.text.toLowerCase()).toBe(hiveType(col.type).replace(/\(.*/, ''));
    }
    // Partition projection covers every partition key, so nothing is registered by hand.
    const props = new Map<string, string>();
    tokens.forEach((t, i) => {
      if (t.kind === 'string' && tokens[i + 1]?.value === '=' && tokens[i + 2]?.kind === 'string') props.set(t.value, tokens[i + 2]!.value);
    });
    expect(props.get('projection.enabled')).toBe('true');
    for (const k of table.partitionKeys) expect(props.get(`projection.${k.name}.type`)).toBeDefined();
    const template = props.get('storage.location.template')!;
    for (const k of table.partitionKeys) {
      if (k.projection.kind !== 'injected' || table.layer !== 'bronze') expect(template).toContain(`\${${k.name}}`);
    }
    expect(template.startsWith(`s3://${BUCKETS[table.bucket]}/${table.prefix}`)).toBe(true);
  });

  test('bronze reads the delivery as strings with the contract delimiter and skips the header', () => {
    const bronze = allTables().find((t) => t.database === 'bronze_payments')!;
    const ddl = athenaCreateTable(bronze, BUCKETS);
    expect(ddl).toContain("'separatorChar'=';'");
    expect(ddl).toContain("'skip.header.line.count'='1'");
    expect(bronze.columns.every((c) => c.type.kind === 'string')).toBe(true);
  });
});

describe('the equivalent DuckDB tables', () => {
  test('every table is created in DuckDB with the same columns, types and comments', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      for (const table of allTables()) {
        for (const sql of duckdbCreateTable(table)) await db.run(sql);
        const reader = await db.runAndReadAll(
          `SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ${sqlString(table.database)} AND table_name = ${sqlString(table.name)} ORDER BY column_index`,
        );
        const rows = reader.getRowObjectsJS();
        const expected = [...table.columns, ...table.partitionKeys];
        expect(rows.map((r) => r.column_name)).toEqual(expected.map((c) => c.name));
        expect(rows.map((r) => r.data_type)).toEqual(expected.map((c) => duckdbType(c.type)));
        expect(rows.map((r) => r.comment)).toEqual(expected.map((c) => c.comment));
        const tableComment = (await db.runAndReadAll(`SELECT comment FROM duckdb_tables() WHERE schema_name = ${sqlString(table.database)} AND table_name = ${sqlString(table.name)}`)).getRowObjectsJS();
        expect(tableComment[0]?.comment).toBe(table.description);
      }
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });
});

describe('node-sql-parser, where it can parse (it cannot parse Hive CREATE EXTERNAL TABLE)', () => {
  test('the equivalent CREATE TABLE of every table parses as Trino with the same columns', () => {
    const parser = new Parser();
    for (const table of allTables()) {
      const [, create] = duckdbCreateTable(table);
      const ast = parser.astify(create!, { database: 'trino' }) as unknown as { type: string; table: { db: string; table: string }[]; create_definitions: { column: { column: { expr: { value: string } } } }[] };
      expect(ast.type).toBe('create');
      expect(ast.table[0]).toMatchObject({ db: table.database, table: table.name });
      expect(ast.create_definitions.map((d) => d.column.column.expr.value)).toEqual([...table.columns, ...table.partitionKeys].map((c) => c.name));
    }
  });
});
