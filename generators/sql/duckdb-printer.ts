import type { ColumnType } from '../contract/column-type';
import { duckdbType } from '../ddl/duckdb-ddl';
import type { SqlExpr, SqlFrom, SqlStatement } from './sql-node';
import type { SqlParam } from './sql-param';
import { exprType, SqlPrinter } from './sql-printer';

type Expr<K extends SqlExpr['kind']> = Extract<SqlExpr, { kind: K }>;

/**
 * DuckDB, reproducing Trino's results where DuckDB's own differ (DESIGN.md, money stays decimal):
 * - decimal + - * run in DECIMAL(38,s) and are cast to Trino's result type (DuckDB keeps DECIMAL(18,2) for a
 *   sum of two DECIMAL(18,2) and can overflow where Trino widens);
 * - decimal division and avg(decimal) are exact integer divisions rounded half away from zero (DuckDB's `/`
 *   and avg give a DOUBLE, a cent off), division by zero is an error as in Trino;
 * - min_by/max_by keep rows whose value is NULL (DuckDB's arg_min skips them, Trino's min_by does not);
 * - CASE and coalesce are cast to the declared decimal type.
 * Parameters are DuckDB's named parameters, `$name`.
 */
export class DuckDbPrinter extends SqlPrinter {
  readonly dialect = 'duckdb' as const;

  protected override typeName(t: ColumnType): string {
    return duckdbType(t);
  }

  protected override param(p: SqlParam): string {
    const ref = `$${p.name}`;
    if (!/^[a-z][a-z0-9_]*$/.test(p.name)) throw new Error(`bad parameter name ${JSON.stringify(p.name)}`);
    return p.type.kind === 'string' ? ref : `CAST(${ref} AS ${this.typeName(p.type)})`;
  }

  protected override monthSeries(f: Extract<SqlFrom, { kind: 'month_series' }>): string {
    const step = f.stepMonths ?? 1;
    if (!Number.isSafeInteger(step) || step < 1) throw new Error(`bad month step ${step}`);
    // generate_series over dates yields timestamps: back to DATE, as the IR promises.
    return `(SELECT CAST(unnest(generate_series(${this.expr(f.start)}, ${this.expr(f.end)}, INTERVAL '${step}' MONTH)) AS DATE) AS ${this.ident(f.column)}) AS ${this.ident(f.alias)}`;
  }

  protected override parquetFiles(f: Extract<SqlFrom, { kind: 'parquet_files' }>): string {
    return `read_parquet(${this.param(f.files)})`;
  }

  protected override monthSeriesJoin(f: Extract<SqlFrom, { kind: 'month_series' }>): string {
    return `CROSS JOIN LATERAL ${this.monthSeries(f)}`;
  }

  protected override formatMonth(date: string): string {
    return `strftime(${date}, '%Y-%m')`;
  }

  protected override addMonths(date: string, months: number): string {
    return `CAST(${date} + INTERVAL '${months}' MONTH AS DATE)`;
  }

  protected override sha256Hex(text: string): string {
    return `sha256(${text})`;
  }

  protected override byteLength(text: string): string {
    return `strlen(${text})`;
  }

  protected override regexMatch(e: Expr<'regex_match'>): string {
    return `regexp_full_match(${this.expr(e.operand)}, ${this.stringLiteral(e.pattern.canonical)})`;
  }

  protected override materialized(): string {
    return 'MATERIALIZED ';
  }

  protected override regexExtractAll(e: Expr<'regex_extract_all'>): string {
    return `regexp_extract_all(${this.expr(e.operand)}, ${this.stringLiteral(e.pattern.canonical)})`;
  }

  protected override listTransform(e: Expr<'list_transform'>): string {
    return `list_transform(${this.expr(e.list)}, lambda ${e.param}: ${this.expr(e.body)})`;
  }

  protected override dialectCall(fn: Parameters<SqlPrinter['dialectCall']>[0], args: readonly string[]): string {
    switch (fn) {
      case 'contains':
        return `contains(${args.join(', ')})`;
      case 'split':
        return `string_split(${args.join(', ')})`;
      case 'list_length':
        return `len(${args[0]})`;
      case 'list_element':
        return `list_extract(${args.join(', ')})`;
      case 'list_join':
        return `array_to_string(${args.join(', ')})`;
      case 'list_position':
        return `coalesce(list_position(${args.join(', ')}), 0)`;
      case 'list_contains':
        return `list_contains(${args.join(', ')})`;
      case 'utf8_hex':
        return `lower(hex(${args[0]}))`;
      case 'utf8_lossy':
        // A DuckDB VARCHAR is valid UTF-8 by construction.
        return `${args[0]}`;
      case 'is_finite':
        return `isfinite(${args[0]})`;
      case 'add_minutes':
        return `(${args[0]} + to_minutes(CAST(${args[1]} AS BIGINT)))`;
      case 'from_hex_utf8':
        return `decode(unhex(${args[0]}))`;
      default: {
        const never: never = fn;
        throw new Error(`unhandled function ${String(never)}`);
      }
    }
  }

  protected override arithmetic(e: Expr<'arithmetic'>): string {
    if (e.type.kind !== 'decimal') return super.arithmetic(e);
    const lt = typeOf(e.left);
    const rt = typeOf(e.right);
    const l = this.expr(e.left);
    const r = this.expr(e.right);
    if (e.op === '/') {
      const sl = scaleOf(lt);
      const sr = scaleOf(rt);
      const exponent = sr + e.type.scale - sl;
      if (exponent < 0) throw new Error('decimal division result scale below the dividend scale');
      const num = `${unscaled(l, lt)}${exponent > 0 ? ` * ${pow10(exponent)}` : ''}`;
      return fromUnscaled(roundedDivision(`(${num})`, unscaled(r, rt)), e.type);
    }
    return `CAST(${widen(l, lt)} ${e.op} ${widen(r, rt)} AS ${this.typeName(e.type)})`;
  }

  protected override caseExpr(e: Expr<'case'>): string {
    const text = super.caseExpr(e);
    return e.type?.kind === 'decimal' ? `CAST(${text} AS ${this.typeName(e.type)})` : text;
  }

  protected override call(e: Expr<'call'>): string {
    const text = super.call(e);
    return e.fn === 'coalesce' && e.type?.kind === 'decimal' ? `CAST(${text} AS ${this.typeName(e.type)})` : text;
  }

  protected override aggregate(e: Expr<'aggregate'>): string {
    switch (e.fn) {
      case 'min_by':
        return this.aggregateCall('arg_min_null', e.args, e.distinct, e.filter);
      case 'max_by':
        return this.aggregateCall('arg_max_null', e.args, e.distinct, e.filter);
      case 'avg': {
        if (e.type?.kind !== 'decimal') return super.aggregate(e);
        const argType = typeOf(e.args[0]!);
        if (argType.kind !== 'decimal' || argType.scale !== e.type.scale) throw new Error('avg(decimal) keeps its argument\'s scale');
        const n = this.aggregateCall('count', e.args, false, e.filter);
        const total = this.unscaledSum(e.args[0]!, argType, e.filter);
        return `CASE WHEN ${n} = 0 THEN NULL ELSE ${fromUnscaled(roundedDivision(total, `CAST(${n} AS HUGEINT)`), e.type)} END`;
      }
      default:
        return super.aggregate(e);
    }
  }

  /**
   * The sum of a decimal's unscaled values as HUGEINT. Summing `x * 10^s` cast to an integer row by row is
   * several times faster than unscaling the decimal sum (measured: 0.56 s against 2.2 s for 770k groups of
   * 1M rows); it is exact while `x * 10^s` fits DuckDB's DECIMAL(38), i.e. precision + scale <= 38.
   */
  private unscaledSum(arg: SqlExpr, t: Extract<ColumnType, { kind: 'decimal' }>, filter: SqlExpr | undefined): string {
    if (t.precision + t.scale > 38) return unscaled(this.aggregateCall('sum', [arg], false, filter), { kind: 'decimal', precision: 38, scale: t.scale });
    const integer = t.precision + t.scale <= 18 ? 'BIGINT' : 'HUGEINT';
    const scaled = `CAST(${this.expr(arg)}${t.scale > 0 ? ` * ${pow10(t.scale)}` : ''} AS ${integer})`;
    return `CAST(sum(${scaled})${filter ? ` FILTER (WHERE ${this.expr(filter)})` : ''} AS HUGEINT)`;
  }

  protected override createTableAs(): string {
    throw new Error('CREATE TABLE … WITH (external_location …) is Athena only; DuckDB writes files with COPY … TO');
  }

  protected override copyTo(s: Extract<SqlStatement, { kind: 'copy_to' }>): string {
    const options = ['FORMAT parquet', 'COMPRESSION snappy'];
    if (s.partitionBy.length > 0) options.push(`PARTITION_BY (${s.partitionBy.map((p) => this.ident(p)).join(', ')})`, "FILENAME_PATTERN 'part-{i}'");
    if (s.dictionary === false) options.push('DICTIONARY_SIZE_LIMIT 0');
    const body = this.nested(2, () => this.query(s.query));
    let path: string;
    if (typeof s.path === 'string') {
      path = this.stringLiteral(s.path);
    } else {
      this.useParam(s.path);
      path = this.param(s.path);
    }
    return `COPY (${this.nl}${body}${this.nl}) TO ${path} (${options.join(', ')})`;
  }

  protected override createTempTable(s: Extract<SqlStatement, { kind: 'create_temp_table' }>): string {
    return `CREATE OR REPLACE TEMP TABLE ${this.ident(s.name)} AS${this.nl}${this.query(s.query)}`;
  }
}

function typeOf(e: SqlExpr): ColumnType {
  const t = exprType(e);
  if (!t) throw new Error(`the DuckDB printer needs the type of a ${e.kind} operand in decimal arithmetic`);
  return t;
}

function scaleOf(t: ColumnType): number {
  if (t.kind === 'decimal') return t.scale;
  if (t.kind === 'int' || t.kind === 'bigint') return 0;
  throw new Error(`decimal arithmetic on a ${t.kind} operand`);
}

/** The operand as DECIMAL(38,s): DuckDB then keeps the full width Trino computes in. */
function widen(x: string, t: ColumnType): string {
  return `CAST(${x} AS DECIMAL(38,${scaleOf(t)}))`;
}

function pow10(n: number): string {
  const digits = `1${'0'.repeat(n)}`;
  return n <= 18 ? digits : `CAST('${digits}' AS HUGEINT)`;
}

/** A decimal's unscaled value (123.45 → 12345) as HUGEINT, exactly. */
function unscaled(x: string, t: ColumnType): string {
  const s = scaleOf(t);
  if (s === 0) return `CAST(${x} AS HUGEINT)`;
  return `(CAST(trunc(${x}) AS HUGEINT) * ${pow10(s)} + CAST((${x} - trunc(${x})) * ${pow10(s)} AS HUGEINT))`;
}

/** num / den rounded half away from zero (Trino's HALF_UP), both HUGEINT; NULL when either is, else an error when den is 0. */
function roundedDivision(num: string, den: string): string {
  return `CASE WHEN ${num} IS NULL THEN NULL WHEN ${den} = 0 THEN error('Division by zero') ELSE sign(${num}) * sign(${den}) * (abs(${num}) // abs(${den}) + CASE WHEN 2 * (abs(${num}) % abs(${den})) >= abs(${den}) THEN 1 ELSE 0 END) END`;
}

/** A HUGEINT unscaled value back to DECIMAL(p,s). */
function fromUnscaled(r: string, t: Extract<ColumnType, { kind: 'decimal' }>): string {
  if (t.scale === 0) return `CAST(${r} AS DECIMAL(${t.precision},0))`;
  return `CAST(CAST(${r} AS DECIMAL(38,0)) * 0.${'0'.repeat(t.scale - 1)}1 AS DECIMAL(${t.precision},${t.scale}))`;
}
