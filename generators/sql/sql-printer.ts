import type { ColumnType } from '../contract/column-type';
import { sqlIdentifier, sqlString } from './quote';
import type {
  SqlCte,
  SqlExpr,
  SqlFrom,
  SqlLiteral,
  SqlOrderItem,
  SqlQuery,
  SqlSelect,
  SqlStatement,
} from './sql-node';
import type { SqlParam } from './sql-param';

export type Dialect = 'athena' | 'duckdb';

/** A printed statement: its text and the parameters it takes (distinct, in order of first use). */
export interface PrintedSql {
  readonly dialect: Dialect;
  readonly text: string;
  readonly params: readonly SqlParam[];
}

type Expr<K extends SqlExpr['kind']> = Extract<SqlExpr, { kind: K }>;

const DATE_LITERAL = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const TIMESTAMP_LITERAL = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?$/;
const NUMBER_LITERAL = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * The printer both dialects share (kysely's default query compiler): standard SQL that Trino and DuckDB read
 * the same way. Dialects override only what differs — type names, parameters, the few functions each
 * engine spells its own way, and where DuckDB's semantics differ from Trino's (decimal arithmetic,
 * averages, min_by). Every identifier and string literal goes through quote.ts.
 */
export abstract class SqlPrinter {
  abstract readonly dialect: Dialect;
  private used: SqlParam[] = [];
  /**
   * The line break of the query being printed: a newline and the query's margin. Nested queries (CTEs,
   * subqueries) are printed further in (nested()), so no text is indented after it is printed.
   */
  protected nl = '\n';
  /** The identifiers of the statement being printed, quoted: a statement names the same few columns many times. */
  private quoted = new Map<string, string>();

  print(statement: SqlStatement): PrintedSql {
    this.used = [];
    this.quoted = new Map();
    this.nl = '\n';
    return { dialect: this.dialect, text: this.statement(statement), params: this.used };
  }

  printQuery(query: SqlQuery): PrintedSql {
    return this.print({ kind: 'query', query });
  }

  /** One expression alone (tests, and callers composing their own SQL). */
  printExpr(e: SqlExpr): PrintedSql {
    this.used = [];
    this.quoted = new Map();
    this.nl = '\n';
    return { dialect: this.dialect, text: this.expr(e), params: this.used };
  }

  // ── statements ──────────────────────────────────────────────────────────────

  protected statement(s: SqlStatement): string {
    switch (s.kind) {
      case 'query':
        return this.query(s.query);
      case 'create_view':
        return `CREATE OR REPLACE VIEW ${this.qualified(s.schema, s.name)} AS${this.nl}${this.query(s.query)}`;
      case 'insert': {
        const columns = s.columns ? ` (${s.columns.map((c) => this.ident(c)).join(', ')})` : '';
        return `INSERT INTO ${this.qualified(s.schema, s.name)}${columns}${this.nl}${this.query(s.query)}`;
      }
      case 'create_table_as':
        return this.createTableAs(s);
      case 'drop_table':
        return `DROP TABLE ${s.ifExists ? 'IF EXISTS ' : ''}${this.qualified(s.schema, s.name)}`;
      case 'copy_to':
        return this.copyTo(s);
      case 'create_temp_table':
        return this.createTempTable(s);
      default: {
        const never: never = s;
        throw new Error(`unhandled statement ${(never as SqlStatement).kind}`);
      }
    }
  }

  protected abstract createTableAs(s: Extract<SqlStatement, { kind: 'create_table_as' }>): string;
  protected abstract copyTo(s: Extract<SqlStatement, { kind: 'copy_to' }>): string;
  protected abstract createTempTable(s: Extract<SqlStatement, { kind: 'create_temp_table' }>): string;

  // ── queries ─────────────────────────────────────────────────────────────────

  protected query(q: SqlQuery): string {
    const head = q.with && q.with.length > 0 ? `${this.withClause(q.with)}${this.nl}` : '';
    const tail = this.orderAndLimit(q.orderBy, q.limit);
    switch (q.kind) {
      case 'select':
        return head + this.selectBody(q) + tail;
      case 'union_all':
        if (q.queries.length === 0) throw new Error('UNION ALL of no queries');
        for (const member of q.queries) {
          if (member.with?.length || member.orderBy?.length || member.limit !== undefined) throw new Error('a UNION ALL member cannot have its own WITH, ORDER BY or LIMIT');
        }
        return head + q.queries.map((m) => this.selectBody(m)).join(`${this.nl}UNION ALL${this.nl}`) + tail;
      default: {
        const never: never = q;
        throw new Error(`unhandled query ${(never as SqlQuery).kind}`);
      }
    }
  }

  private withClause(ctes: readonly SqlCte[]): string {
    return `WITH${this.nl}${joined(ctes, `,${this.nl}`, (c) => `  ${this.ident(c.name)} AS ${c.materialized ? this.materialized() : ''}(${this.nl}${this.nested(4, () => this.query(c.query))}${this.nl}  )`)}`;
  }

  /** What `print` prints, `n` spaces further in than the lines around it (its first line too). */
  protected nested(n: number, print: () => string): string {
    const outer = this.nl;
    const pad = ' '.repeat(n);
    this.nl = outer + pad;
    try {
      return pad + print();
    } finally {
      this.nl = outer;
    }
  }

  /** The keyword that keeps a CTE from being inlined, where the dialect has one. */
  protected materialized(): string {
    return '';
  }

  private selectBody(q: SqlSelect): string {
    if (q.items.length === 0) throw new Error('SELECT of no columns');
    let text = `SELECT${this.nl}${joined(q.items, `,${this.nl}`, (i) => `  ${this.expr(i.expr)}${i.alias !== undefined ? ` AS ${this.ident(i.alias)}` : ''}`)}`;
    if (q.from) text += `${this.nl}FROM ${this.from(q.from)}`;
    if (q.where) text += `${this.nl}WHERE ${this.condition(q.where)}`;
    if (q.groupBy && q.groupBy.length > 0) text += `${this.nl}GROUP BY ${joined(q.groupBy, ', ', (g) => this.expr(g))}`;
    if (q.having) text += `${this.nl}HAVING ${this.condition(q.having)}`;
    return text;
  }

  private orderAndLimit(orderBy: readonly SqlOrderItem[] | undefined, limit: number | undefined): string {
    let out = '';
    if (orderBy && orderBy.length > 0) out += `${this.nl}ORDER BY ${this.orderItems(orderBy)}`;
    if (limit !== undefined) {
      if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`bad LIMIT ${limit}`);
      out += `${this.nl}LIMIT ${limit}`;
    }
    return out;
  }

  private orderItems(items: readonly SqlOrderItem[]): string {
    return items.map((o) => `${this.expr(o.expr)}${o.desc ? ' DESC' : ' ASC'}${o.nulls ? ` NULLS ${o.nulls.toUpperCase()}` : ''}`).join(', ');
  }

  /** A top-level AND prints one condition a line, so long WHERE clauses stay readable in golden files. */
  private condition(e: SqlExpr): string {
    if (e.kind === 'logical' && e.op === 'and') return joined(e.operands, `${this.nl}  AND `, (o) => (o.kind === 'logical' ? this.operand(o) : this.expr(o)));
    return this.expr(e);
  }

  protected from(f: SqlFrom): string {
    switch (f.kind) {
      case 'table':
        return `${f.schema ? this.qualified(f.schema, f.name) : this.ident(f.name)}${f.alias ? ` AS ${this.ident(f.alias)}` : ''}`;
      case 'subquery':
        return `(${this.nl}${this.nested(2, () => this.query(f.query))}${this.nl}) AS ${this.ident(f.alias)}`;
      case 'join': {
        const left = this.from(f.left);
        if (f.join === 'cross') {
          if (f.on) throw new Error('a CROSS JOIN has no ON condition');
          return `${left}${this.nl}${f.right.kind === 'month_series' ? this.monthSeriesJoin(f.right) : `CROSS JOIN ${this.from(f.right)}`}`;
        }
        if (!f.on) throw new Error(`a ${f.join.toUpperCase()} JOIN needs an ON condition`);
        if (f.right.kind === 'month_series') throw new Error('a month series is joined with CROSS JOIN');
        return `${left}${this.nl}${f.join === 'left' ? 'LEFT JOIN' : 'JOIN'} ${this.from(f.right)} ON ${this.expr(f.on)}`;
      }
      case 'month_series':
        return this.monthSeries(f);
      case 'parquet_files':
        this.useParam(f.files);
        return `${this.parquetFiles(f)} AS ${this.ident(f.alias)}`;
      default: {
        const never: never = f;
        throw new Error(`unhandled FROM item ${(never as SqlFrom).kind}`);
      }
    }
  }

  /** Parquet files as a relation (DuckDB only). */
  protected abstract parquetFiles(f: Extract<SqlFrom, { kind: 'parquet_files' }>): string;

  /** The series as the first relation of a FROM clause. */
  protected abstract monthSeries(f: Extract<SqlFrom, { kind: 'month_series' }>): string;
  /** The series joined to the relations before it (which its bounds may refer to). */
  protected abstract monthSeriesJoin(f: Extract<SqlFrom, { kind: 'month_series' }>): string;

  // ── expressions ─────────────────────────────────────────────────────────────

  protected expr(e: SqlExpr): string {
    switch (e.kind) {
      case 'column':
        return e.table ? `${this.ident(e.table)}.${this.ident(e.name)}` : this.ident(e.name);
      case 'literal':
        return this.literal(e.value);
      case 'param':
        this.use(e.param);
        return this.param(e.param);
      case 'negate':
        return e.operand.kind === 'column' || (e.operand.kind === 'literal' && e.operand.value.type === 'number') ? `-${this.expr(e.operand)}` : `-(${this.expr(e.operand)})`;
      case 'not':
        return `NOT ${this.operand(e.operand)}`;
      case 'arithmetic':
        return this.arithmetic(e);
      case 'compare':
        return `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`;
      case 'logical':
        if (e.operands.length === 0) throw new Error(`${e.op.toUpperCase()} of nothing`);
        return joined(e.operands, e.op === 'and' ? ' AND ' : ' OR ', (o) => this.operand(o));
      case 'in':
        if (e.list.length === 0) throw new Error('IN of an empty list');
        return `${this.operand(e.operand)} ${e.negated ? 'NOT IN' : 'IN'} (${joined(e.list, ', ', (x) => this.expr(x))})`;
      case 'is_null':
        return `${this.operand(e.operand)} IS ${e.negated ? 'NOT NULL' : 'NULL'}`;
      case 'between':
        return `${this.operand(e.operand)} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.operand(e.low)} AND ${this.operand(e.high)}`;
      case 'case':
        return this.caseExpr(e);
      case 'cast':
        return `${e.safe ? 'TRY_CAST' : 'CAST'}(${this.expr(e.operand)} AS ${this.typeName(e.type)})`;
      case 'call':
        return this.call(e);
      case 'aggregate':
        return this.aggregate(e);
      case 'window':
        return this.window(e);
      case 'row':
        if (e.fields.length === 0) throw new Error('ROW of no fields');
        return `ROW(${e.fields.map((x) => this.expr(x)).join(', ')})`;
      case 'regex_match':
        return this.regexMatch(e);
      case 'regex_extract_all':
        return this.regexExtractAll(e);
      case 'list_transform':
        if (!/^[a-z][a-z0-9_]*$/.test(e.param)) throw new Error(`bad lambda parameter ${JSON.stringify(e.param)}`);
        return this.listTransform(e);
      case 'star':
        return '*';
      default: {
        const never: never = e;
        throw new Error(`unhandled expression ${(never as SqlExpr).kind}`);
      }
    }
  }

  /** An expression as the operand of an operator: compound ones in parentheses, so precedence never decides. */
  protected operand(e: SqlExpr): string {
    switch (e.kind) {
      case 'arithmetic':
      case 'compare':
      case 'logical':
      case 'in':
      case 'is_null':
      case 'between':
      case 'not':
      case 'negate':
        return `(${this.expr(e)})`;
      default:
        return this.expr(e);
    }
  }

  protected literal(v: SqlLiteral): string {
    switch (v.type) {
      case 'string':
        return this.stringLiteral(v.value);
      case 'number':
        if (!NUMBER_LITERAL.test(v.text)) throw new Error(`not a plain number: ${JSON.stringify(v.text)}`);
        // Past 18 digits an integer literal would be read as a different type by each engine: say which.
        return v.precision > 18 ? `CAST(${this.stringLiteral(v.text)} AS ${this.typeName({ kind: 'decimal', precision: v.precision, scale: v.scale })})` : v.text;
      case 'boolean':
        return v.value ? 'TRUE' : 'FALSE';
      case 'null':
        return v.as ? `CAST(NULL AS ${this.typeName(v.as)})` : 'NULL';
      case 'date':
        if (!DATE_LITERAL.test(v.value)) throw new Error(`not a date literal: ${JSON.stringify(v.value)}`);
        return `DATE ${this.stringLiteral(v.value)}`;
      case 'timestamp':
        if (!TIMESTAMP_LITERAL.test(v.value)) throw new Error(`not a timestamp literal: ${JSON.stringify(v.value)}`);
        return `TIMESTAMP ${this.stringLiteral(v.value)}`;
      default: {
        const never: never = v;
        throw new Error(`unhandled literal ${(never as SqlLiteral).type}`);
      }
    }
  }

  /** A string literal as written: a line break inside it is the literal's, so no margin follows it. */
  protected stringLiteral(value: string): string {
    return sqlString(value);
  }

  protected ident(name: string): string {
    let quoted = this.quoted.get(name);
    if (quoted === undefined) this.quoted.set(name, (quoted = this.quoteIdent(name)));
    return quoted;
  }

  /** An identifier as the dialect quotes it (and checks it). */
  protected quoteIdent(name: string): string {
    return sqlIdentifier(name);
  }

  protected qualified(schema: string, name: string): string {
    return `${this.ident(schema)}.${this.ident(name)}`;
  }

  protected abstract typeName(t: ColumnType): string;
  protected abstract param(p: SqlParam): string;

  protected arithmetic(e: Expr<'arithmetic'>): string {
    return `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`;
  }

  protected caseExpr(e: Expr<'case'>): string {
    if (e.whens.length === 0) throw new Error('CASE without WHEN');
    const whens = joined(e.whens, ' ', (w) => `WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`);
    return `CASE ${whens}${e.else ? ` ELSE ${this.expr(e.else)}` : ''} END`;
  }

  protected call(e: Expr<'call'>): string {
    const args = e.args.map((a) => this.expr(a));
    const arity = (n: number) => {
      if (args.length !== n) throw new Error(`${e.fn} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
    };
    switch (e.fn) {
      case 'coalesce':
        if (args.length < 2) throw new Error('coalesce takes at least 2 arguments');
        return `coalesce(${args.join(', ')})`;
      case 'concat':
        if (args.length < 2) throw new Error('concat takes at least 2 arguments');
        return `concat(${args.join(', ')})`;
      case 'abs':
      case 'lower':
      case 'year':
      case 'month':
      case 'day':
        arity(1);
        return `${e.fn}(${args[0]})`;
      case 'substr':
        arity(3);
        return `substr(${args.join(', ')})`;
      case 'replace':
        arity(3);
        return `replace(${args.join(', ')})`;
      case 'month_start':
        arity(1);
        return `CAST(date_trunc('month', ${args[0]}) AS ${this.typeName({ kind: 'date' })})`;
      case 'month_date':
        arity(1);
        return `CAST(concat(${args[0]}, '-01') AS ${this.typeName({ kind: 'date' })})`;
      case 'format_month':
        arity(1);
        return this.formatMonth(args[0]!);
      case 'add_months': {
        arity(2);
        // A whole number of months as a literal, negated for months back.
        const n = e.args[1]!;
        const literal = n.kind === 'negate' ? n.operand : n;
        if (literal.kind !== 'literal' || literal.value.type !== 'number' || literal.value.scale !== 0) throw new Error('add_months takes a whole number of months as a literal');
        return this.addMonths(args[0]!, (n.kind === 'negate' ? -1 : 1) * Number(literal.value.text));
      }
      case 'sha256_hex':
        arity(1);
        return this.sha256Hex(args[0]!);
      case 'byte_length':
        arity(1);
        return this.byteLength(args[0]!);
      case 'length':
        arity(1);
        return `length(${args[0]})`;
      case 'starts_with':
        arity(2);
        return `starts_with(${args.join(', ')})`;
      case 'lpad':
        arity(3);
        return `lpad(${args.join(', ')})`;
      case 'chr': {
        arity(1);
        const n = e.args[0]!;
        if (n.kind !== 'literal' || n.value.type !== 'number' || n.value.scale !== 0) throw new Error('chr takes a code point literal');
        return `chr(${args[0]})`;
      }
      case 'list_contains':
        arity(2);
        return this.dialectCall(e.fn, args);
      case 'contains':
      case 'split':
      case 'list_length':
      case 'list_join':
      case 'list_position':
      case 'utf8_hex':
      case 'utf8_lossy':
      case 'is_finite':
        arity(e.fn === 'split' || e.fn === 'list_join' || e.fn === 'list_position' || e.fn === 'contains' ? 2 : 1);
        return this.dialectCall(e.fn, args);
      case 'list_element': {
        arity(2);
        const i = e.args[1]!;
        // Trino's element_at counts from the end for negative indexes and fails on 0: only literal positives, or guarded ones.
        if (i.kind === 'literal' && (i.value.type !== 'number' || i.value.scale !== 0 || Number(i.value.text) < 1)) throw new Error('list_element takes a 1-based index');
        return this.dialectCall(e.fn, args);
      }
      case 'add_minutes':
        arity(2);
        return this.dialectCall(e.fn, args);
      case 'from_hex_utf8':
        arity(1);
        return this.dialectCall(e.fn, args);
      default: {
        const never: never = e.fn;
        throw new Error(`unhandled function ${String(never)}`);
      }
    }
  }

  protected abstract formatMonth(date: string): string;
  protected abstract addMonths(date: string, months: number): string;
  protected abstract sha256Hex(text: string): string;
  protected abstract byteLength(text: string): string;
  protected abstract regexMatch(e: Expr<'regex_match'>): string;
  protected abstract regexExtractAll(e: Expr<'regex_extract_all'>): string;
  protected abstract listTransform(e: Expr<'list_transform'>): string;
  /** The functions each dialect spells its own way (see SqlFunction), arguments already printed. */
  protected abstract dialectCall(
    fn: 'contains' | 'split' | 'list_length' | 'list_element' | 'list_join' | 'list_position' | 'list_contains' | 'utf8_hex' | 'utf8_lossy' | 'is_finite' | 'add_minutes' | 'from_hex_utf8',
    args: readonly string[],
  ): string;

  protected aggregate(e: Expr<'aggregate'>): string {
    return this.aggregateCall(e.fn, e.args, e.distinct, e.filter);
  }

  /** `fn([DISTINCT] args) [FILTER (WHERE …)]`; count(*) when count has no argument. */
  protected aggregateCall(fn: string, args: readonly SqlExpr[], distinct: boolean, filter: SqlExpr | undefined): string {
    if (args.length === 0 && fn !== 'count') throw new Error(`${fn}() needs an argument`);
    if (distinct && args.length !== 1) throw new Error('DISTINCT takes exactly one argument');
    const inner = args.length === 0 ? '*' : `${distinct ? 'DISTINCT ' : ''}${args.map((a) => this.expr(a)).join(', ')}`;
    return `${fn}(${inner})${filter ? ` FILTER (WHERE ${this.expr(filter)})` : ''}`;
  }

  protected window(e: Expr<'window'>): string {
    const args = e.fn === 'count' && e.args.length === 0 ? '*' : e.args.map((a) => this.expr(a)).join(', ');
    const over: string[] = [];
    if (e.partitionBy.length > 0) over.push(`PARTITION BY ${e.partitionBy.map((p) => this.expr(p)).join(', ')}`);
    if (e.orderBy.length > 0) over.push(`ORDER BY ${this.orderItems(e.orderBy)}`);
    if (e.frame === 'running') {
      if (e.orderBy.length === 0) throw new Error('a running window needs an ORDER BY');
      over.push('ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
    }
    return `${e.fn}(${args}) OVER (${over.join(' ')})`;
  }

  private use(p: SqlParam): void {
    const known = this.used.find((u) => u.name === p.name);
    if (known && (known.format !== p.format || known.type.kind !== p.type.kind)) throw new Error(`parameter ${p.name} used with two different types`);
    if (!known) this.used.push(p);
  }

  /** Registers a parameter used outside an expression (e.g. inside a location template). */
  protected useParam(p: SqlParam): void {
    this.use(p);
  }
}

/**
 * `print` of each item, `separator` between. Unlike map and join, which copy the text of every nesting level
 * again, concatenation lets V8 keep the pieces as they are until the statement's text is used.
 */
function joined<T>(items: readonly T[], separator: string, print: (item: T) => string): string {
  let text = '';
  items.forEach((item, i) => {
    text += i === 0 ? print(item) : separator + print(item);
  });
  return text;
}

/** The type an expression has, as the generator declared it; printers that must reproduce Trino's arithmetic need it. */
export function exprType(e: SqlExpr): ColumnType | undefined {
  switch (e.kind) {
    case 'column':
    case 'negate':
    case 'case':
    case 'call':
    case 'aggregate':
    case 'window':
      return e.type;
    case 'arithmetic':
    case 'cast':
      return e.type;
    case 'param':
      return e.param.type;
    case 'literal': {
      const v = e.value;
      switch (v.type) {
        case 'number':
          return { kind: 'decimal', precision: v.precision, scale: v.scale };
        case 'string':
          return { kind: 'string' };
        case 'boolean':
          return { kind: 'boolean' };
        case 'date':
          return { kind: 'date' };
        case 'timestamp':
          return { kind: 'timestamp' };
        case 'null':
          return v.as;
      }
      return undefined;
    }
    case 'compare':
    case 'logical':
    case 'in':
    case 'is_null':
    case 'between':
    case 'not':
    case 'regex_match':
      return { kind: 'boolean' };
    case 'row':
    case 'star':
    case 'regex_extract_all':
    case 'list_transform':
      return undefined;
    default: {
      const never: never = e;
      throw new Error(`unhandled expression ${(never as SqlExpr).kind}`);
    }
  }
}
