import type { ColumnType } from '../contract/column-type';
import { hiveIdentifier } from '../ddl/hive-quote';
import { sqlStringBody } from './quote';
import type { SqlExpr, SqlFrom, SqlStatement, SqlTextTemplate } from './sql-node';
import type { SqlParam } from './sql-param';
import { SqlPrinter } from './sql-printer';

const PARAM_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Athena (Trino) DML and views. Parameters print as `'{{name}}'` placeholders that `renderTemplate` fills
 * (Athena's `?` is allowed only in WHERE clauses, and never in CTAS properties). No other `{{` ever appears
 * in the text: a string literal holding one is split into a concatenation, and identifiers cannot hold braces.
 */
export class AthenaPrinter extends SqlPrinter {
  readonly dialect = 'athena' as const;

  protected override typeName(t: ColumnType): string {
    switch (t.kind) {
      case 'string': return 'varchar';
      case 'int': return 'integer';
      case 'bigint': return 'bigint';
      case 'double': return 'double';
      case 'boolean': return 'boolean';
      case 'date': return 'date';
      case 'timestamp': return 'timestamp';
      case 'decimal': return `decimal(${t.precision},${t.scale})`;
      default: {
        const never: never = t;
        throw new Error(`unknown type ${(never as ColumnType).kind}`);
      }
    }
  }

  protected override param(p: SqlParam): string {
    const placeholder = `'${placeholderOf(p)}'`;
    return p.type.kind === 'string' ? placeholder : `CAST(${placeholder} AS ${this.typeName(p.type)})`;
  }

  protected override stringLiteral(value: string): string {
    if (!value.includes('{{') && !value.includes('}}')) return super.stringLiteral(value);
    // Break every `{{`/`}}` across two literals so the text never holds a placeholder it did not print.
    const parts = value.split(/(?<=\{)(?=\{)|(?<=\})(?=\})/);
    return `(${parts.map((p) => super.stringLiteral(p)).join(' || ')})`;
  }

  protected override quoteIdent(name: string): string {
    if (name.includes('{') || name.includes('}')) throw new Error(`braces in an Athena identifier: ${JSON.stringify(name)}`);
    return super.quoteIdent(name);
  }

  protected override monthSeries(f: Extract<SqlFrom, { kind: 'month_series' }>): string {
    return `UNNEST(sequence(${this.expr(f.start)}, ${this.expr(f.end)}, INTERVAL '${stepOf(f)}' MONTH)) AS ${this.ident(f.alias)} (${this.ident(f.column)})`;
  }

  protected override parquetFiles(): string {
    throw new Error('reading Parquet files by path is DuckDB only; Athena reads tables');
  }

  protected override monthSeriesJoin(f: Extract<SqlFrom, { kind: 'month_series' }>): string {
    return `CROSS JOIN ${this.monthSeries(f)}`;
  }

  protected override formatMonth(date: string): string {
    return `date_format(CAST(${date} AS timestamp), '%Y-%m')`;
  }

  protected override addMonths(date: string, months: number): string {
    return `date_add('month', ${months}, ${date})`;
  }

  protected override sha256Hex(text: string): string {
    // Trino's to_hex is upper case; DESIGN.md's _row_hash is lower case.
    return `lower(to_hex(sha256(to_utf8(${text}))))`;
  }

  protected override byteLength(text: string): string {
    return `length(to_utf8(${text}))`;
  }

  protected override regexMatch(e: Extract<SqlExpr, { kind: 'regex_match' }>): string {
    // regexp_like matches anywhere and its `$` also matches before a final newline: anchor with \A and \z.
    return `regexp_like(${this.expr(e.operand)}, ${this.stringLiteral(`\\A(?:${e.pattern.canonical})\\z`)})`;
  }

  protected override regexExtractAll(e: Extract<SqlExpr, { kind: 'regex_extract_all' }>): string {
    return `regexp_extract_all(${this.expr(e.operand)}, ${this.stringLiteral(e.pattern.canonical)})`;
  }

  protected override listTransform(e: Extract<SqlExpr, { kind: 'list_transform' }>): string {
    return `transform(${this.expr(e.list)}, ${e.param} -> ${this.expr(e.body)})`;
  }

  protected override dialectCall(fn: Parameters<SqlPrinter['dialectCall']>[0], args: readonly string[]): string {
    switch (fn) {
      case 'contains':
        return `(strpos(${args.join(', ')}) > 0)`;
      case 'split':
        return `split(${args.join(', ')})`;
      case 'list_length':
        return `cardinality(${args[0]})`;
      case 'list_element':
        return `element_at(${args.join(', ')})`;
      case 'list_join':
        return `array_join(${args.join(', ')})`;
      case 'list_position':
        return `array_position(${args.join(', ')})`;
      case 'list_contains':
        return `contains(${args.join(', ')})`;
      case 'utf8_hex':
        return `lower(to_hex(to_utf8(${args[0]})))`;
      case 'utf8_lossy':
        // Text files reach Trino as raw bytes; from_utf8 replaces what is not UTF-8.
        return `from_utf8(to_utf8(${args[0]}))`;
      case 'is_finite':
        return `is_finite(${args[0]})`;
      case 'add_minutes':
        return `date_add('minute', ${args[1]}, ${args[0]})`;
      case 'from_hex_utf8':
        return `from_utf8(from_hex(${args[0]}))`;
      default: {
        const never: never = fn;
        throw new Error(`unhandled function ${String(never)}`);
      }
    }
  }

  protected override createTempTable(): string {
    throw new Error('temporary tables are DuckDB only; Athena stages rows with CREATE TABLE AS');
  }

  protected override createTableAs(s: Extract<SqlStatement, { kind: 'create_table_as' }>): string {
    const props = [
      "format = 'PARQUET'",
      "write_compression = 'SNAPPY'",
      `external_location = ${this.textTemplate(s.location)}`,
      ...(s.partitionedBy.length > 0 ? [`partitioned_by = ARRAY[${s.partitionedBy.map((p) => this.stringLiteral(p)).join(', ')}]`] : []),
    ];
    return [
      `CREATE TABLE ${this.qualified(s.schema, s.name)}`,
      `WITH (${this.nl}${props.map((p) => `  ${p}`).join(`,${this.nl}`)}${this.nl}) AS`,
      this.query(s.query),
      ...(s.withData ? [] : ['WITH NO DATA']),
    ].join(this.nl);
  }

  /** DROP TABLE is Hive DDL in Athena: backtick identifiers. */
  protected override statement(s: SqlStatement): string {
    if (s.kind === 'drop_table') return `DROP TABLE ${s.ifExists ? 'IF EXISTS ' : ''}${hiveIdentifier(s.schema)}.${hiveIdentifier(s.name)}`;
    return super.statement(s);
  }

  protected override copyTo(): string {
    throw new Error('COPY … TO is DuckDB only; Athena writes files with CREATE TABLE AS or INSERT INTO');
  }

  /** A string literal whose text may hold parameters (`'s3://…/run_id={{run_id}}/'`). */
  private textTemplate(t: SqlTextTemplate): string {
    let body = '';
    for (const part of t) {
      if (typeof part === 'string') {
        if (/[{}\u0000-\u001f]/.test(part)) throw new Error(`braces or control characters in a location: ${JSON.stringify(part)}`);
        body += sqlStringBody(part);
      } else {
        this.useParam(part);
        body += placeholderOf(part);
      }
    }
    return `'${body}'`;
  }
}

function placeholderOf(p: SqlParam): string {
  if (!PARAM_NAME.test(p.name)) throw new Error(`bad parameter name ${JSON.stringify(p.name)}`);
  return `{{${p.name}}}`;
}

function stepOf(f: Extract<SqlFrom, { kind: 'month_series' }>): number {
  const step = f.stepMonths ?? 1;
  if (!Number.isSafeInteger(step) || step < 1) throw new Error(`bad month step ${step}`);
  return step;
}
