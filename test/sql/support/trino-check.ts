import { Parser } from 'node-sql-parser';

/**
 * Checks that Athena SQL is Trino: it parses with node-sql-parser's Trino grammar, and — because that
 * grammar also accepts DuckDB-only syntax (`::`, `regexp_full_match`, `arg_min` …) — every function it calls
 * and every form it uses is on an allow-list of Trino's.
 */

/** Trino functions the Athena printer may call (https://trino.io/docs/current/functions/list.html). */
export const TRINO_FUNCTIONS: ReadonlySet<string> = new Set([
  'count', 'sum', 'min', 'max', 'avg', 'min_by', 'max_by',
  'coalesce', 'abs', 'concat', 'substr', 'replace', 'lower', 'length',
  'year', 'month', 'day', 'date_trunc', 'date_format', 'date_add', 'sequence',
  'to_hex', 'sha256', 'to_utf8', 'regexp_like',
  'lag', 'row_number',
]);

/** Words that may precede `(` without being a function call. */
const SYNTAX_BEFORE_PAREN = new Set([
  'as', 'in', 'over', 'filter', 'values', 'row', 'decimal', 'unnest', 'with', 'and', 'or', 'not', 'on', 'then', 'else',
  'when', 'join', 'from', 'exists', 'cast', 'try_cast', 'by', 'select', 'where', 'case', 'between', 'is', 'all', 'union',
]);

/** DuckDB (or other engines') words that Trino does not know. */
const FORBIDDEN_WORDS = new Set(['lateral', 'qualify', 'exclude', 'copy', 'pragma', 'hugeint', 'ubigint', 'struct', 'list', 'string', 'text', 'name']);

interface Token {
  readonly kind: 'word' | 'string' | 'ident' | 'punct';
  readonly text: string;
  readonly at: number;
}

export function lexSql(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      i = sql.indexOf('\n', i) + 1 || sql.length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated ${c === "'" ? 'string' : 'identifier'} at ${i}`);
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      out.push({ kind: c === "'" ? 'string' : 'ident', text: sql.slice(i, j + 1), at: i });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 200));
    if (word) {
      out.push({ kind: 'word', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (['::', '//', '<=', '>=', '<>', '!=', '||', '->'].includes(two)) {
      out.push({ kind: 'punct', text: two, at: i });
      i += 2;
      continue;
    }
    out.push({ kind: 'punct', text: c, at: i });
    i++;
  }
  return out;
}

/** Problems with the forms a statement uses; empty when every call and form is Trino's. */
export function trinoFormProblems(sql: string): string[] {
  const problems: string[] = [];
  const tokens = lexSql(sql);
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (t.kind === 'punct' && ['::', '//', '$', '!=', '->', '`', '[' ].includes(t.text)) {
      if (t.text === '[' && tokens[i - 1]?.text.toLowerCase() === 'array') return;
      problems.push(`\`${t.text}\` at ${t.at}`);
    }
    if (t.kind !== 'word') return;
    const w = t.text.toLowerCase();
    if (FORBIDDEN_WORDS.has(w)) problems.push(`\`${t.text}\` at ${t.at}`);
    if (next?.kind === 'punct' && next.text === '(' && !SYNTAX_BEFORE_PAREN.has(w) && !TRINO_FUNCTIONS.has(w)) problems.push(`function \`${t.text}\` is not on the Trino allow-list (at ${t.at})`);
    if (w === 'interval') {
      // INTERVAL 'n' MONTH (year-month intervals only).
      const unit = tokens[i + 2];
      if (tokens[i + 1]?.kind !== 'string' || !/^'[0-9]+'$/.test(tokens[i + 1]!.text) || unit?.text.toUpperCase() !== 'MONTH') problems.push(`interval form at ${t.at}`);
    }
    if (w === 'by' && next?.text.toLowerCase() === 'name') problems.push(`BY NAME at ${t.at}`);
  });
  return problems;
}

const parser = new Parser();

/**
 * Parses with node-sql-parser's Trino grammar. That grammar lacks column aliases on UNNEST
 * (`UNNEST(…) AS "s" ("c")`, standard Trino); the alias list is checked by shape and removed first.
 */
export function parseTrino(sql: string): void {
  const normalized = sql.replace(/(UNNEST\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)) AS ("(?:[^"]|"")+") \("(?:[^"]|"")+"\)/g, '$1 AS $2');
  parser.astify(normalized, { database: 'trino' });
}

/** Both checks; throws with the problems found. */
export function expectTrino(sql: string): void {
  const problems = trinoFormProblems(sql);
  if (problems.length > 0) throw new Error(`not Trino:\n${problems.join('\n')}\n---\n${sql}`);
  parseTrino(sql);
}
