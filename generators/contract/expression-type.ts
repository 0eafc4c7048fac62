import { formatColumnType, isNumericType, MAX_DECIMAL_PRECISION, type ColumnType } from './column-type';
import { closest } from './diagnostic';
import { walkExpr, type Expr } from './expression';

/** A value's type inside an expression: a column type, or the type of a bare NULL. */
export type ValueType = ColumnType | { readonly kind: 'null' };

export interface ExprColumn {
  readonly type: ColumnType;
  readonly allowed?: readonly string[];
}

export interface ExprProblem {
  readonly offset: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly hint?: string;
}

export interface ExprCheckResult {
  readonly type: ValueType;
  readonly problems: readonly ExprProblem[];
}

/**
 * Types an expression against a source dataset's columns. `measure` expressions must aggregate
 * (columns outside aggregates only where they are dimensions); `filter` expressions are row-level
 * booleans. Result types follow Trino's rules, which both SQL printers reproduce exactly.
 */
export function checkExpression(
  expr: Expr,
  columns: ReadonlyMap<string, ExprColumn>,
  context: 'measure' | 'filter',
  dimensions: ReadonlySet<string> = new Set(),
): ExprCheckResult {
  const problems: ExprProblem[] = [];
  const error = (offset: number, message: string, hint?: string) => problems.push({ offset, severity: 'error', message, ...(hint ? { hint } : {}) });
  const warning = (offset: number, message: string, hint?: string) => problems.push({ offset, severity: 'warning', message, ...(hint ? { hint } : {}) });
  const names = [...columns.keys()];

  const type = (e: Expr, inAggregate: boolean): ValueType => {
    switch (e.kind) {
      case 'column': {
        const c = columns.get(e.name);
        if (!c) {
          const near = closest(e.name, names);
          error(e.at, `unknown column \`${e.name}\` in the source dataset`, near ? `did you mean \`${near}\`?` : `columns: ${names.join(', ')}`);
          return { kind: 'null' };
        }
        if (context === 'measure' && !inAggregate && !dimensions.has(e.name)) {
          error(e.at, `column \`${e.name}\` is used outside an aggregate`, `wrap it in an aggregate such as sum(${e.name}) or max(${e.name}), or add it to dimensions`);
        }
        return c.type;
      }
      case 'number': {
        const [int, frac = ''] = e.text.split('.');
        const intDigits = int!.replace(/^0+/, '').length;
        const precision = Math.max(1, intDigits + frac.length);
        if (precision > MAX_DECIMAL_PRECISION) {
          error(e.at, `number ${e.text} has more than ${MAX_DECIMAL_PRECISION} digits`);
          return { kind: 'null' };
        }
        return { kind: 'decimal', precision, scale: frac.length };
      }
      case 'string':
        return { kind: 'string' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'null':
        return { kind: 'null' };
      case 'typed_literal':
        return { kind: e.type };
      case 'negate': {
        const t = type(e.operand, inAggregate);
        if (t.kind !== 'null' && !isNumericType(t)) error(e.at, `cannot negate a ${describeType(t)} value`);
        return t;
      }
      case 'not': {
        expectBoolean(e.operand, type(e.operand, inAggregate), 'NOT');
        return { kind: 'boolean' };
      }
      case 'logical': {
        expectBoolean(e.left, type(e.left, inAggregate), e.op.toUpperCase());
        expectBoolean(e.right, type(e.right, inAggregate), e.op.toUpperCase());
        return { kind: 'boolean' };
      }
      case 'arithmetic': {
        const l = type(e.left, inAggregate);
        const r = type(e.right, inAggregate);
        for (const [side, t] of [[e.left, l], [e.right, r]] as const) {
          if (t.kind !== 'null' && !isNumericType(t)) error(side.at, `\`${e.op}\` needs numbers; found a ${describeType(t)} value`);
        }
        if (l.kind === 'null' || r.kind === 'null' || !isNumericType(l) || !isNumericType(r)) return { kind: 'null' };
        if (e.op === '/' && isIntegral(l) && isIntegral(r)) {
          error(e.at, 'dividing two whole numbers truncates in Athena but not in DuckDB', 'make one side a decimal, e.g. `1.0 * a / b`');
        }
        return arithmeticType(e.op, l, r);
      }
      case 'comparison': {
        const l = type(e.left, inAggregate);
        const r = type(e.right, inAggregate);
        expectComparable(e.at, l, r, e.op);
        checkAllowedLiteral(e.left, e.right);
        checkAllowedLiteral(e.right, e.left);
        return { kind: 'boolean' };
      }
      case 'in': {
        const t = type(e.operand, inAggregate);
        for (const item of e.list) {
          expectComparable(item.at, t, type(item, inAggregate), 'IN');
          checkAllowedLiteral(e.operand, item);
        }
        return { kind: 'boolean' };
      }
      case 'is_null':
        type(e.operand, inAggregate);
        return { kind: 'boolean' };
      case 'between': {
        const t = type(e.operand, inAggregate);
        expectComparable(e.low.at, t, type(e.low, inAggregate), 'BETWEEN');
        expectComparable(e.high.at, t, type(e.high, inAggregate), 'BETWEEN');
        return { kind: 'boolean' };
      }
      case 'case': {
        const results: ValueType[] = [];
        for (const w of e.whens) {
          expectBoolean(w.when, type(w.when, inAggregate), 'WHEN');
          results.push(type(w.then, inAggregate));
        }
        if (e.else) results.push(type(e.else, inAggregate));
        return unifyAll(results, e.at, 'CASE branches');
      }
      case 'call': {
        const ts = e.args.map((a) => type(a, inAggregate));
        if (e.fn === 'abs') {
          const t = ts[0]!;
          if (t.kind !== 'null' && !isNumericType(t)) error(e.at, `abs needs a number; found a ${describeType(t)} value`);
          return t;
        }
        return unifyAll(ts, e.at, 'coalesce arguments');
      }
      case 'aggregate': {
        if (context === 'filter') {
          error(e.at, `aggregate \`${e.fn}\` is not allowed in a filter`, 'filters apply to source rows; use FILTER (WHERE …) on a measure instead');
          return { kind: 'null' };
        }
        if (inAggregate) {
          error(e.at, `aggregate \`${e.fn}\` inside another aggregate`);
          return { kind: 'null' };
        }
        if (e.filter) {
          for (const inner of walkExpr(e.filter)) {
            if (inner.kind === 'aggregate') error(inner.at, 'aggregates are not allowed inside FILTER (WHERE …)');
          }
          expectBoolean(e.filter, type(e.filter, true), 'FILTER (WHERE …)');
        }
        const args = e.args.map((a) => type(a, true));
        return aggregateType(e.fn, args, e.at);
      }
      default: {
        const never: never = e;
        throw new Error(`unhandled expression ${(never as Expr).kind}`);
      }
    }
  };

  const aggregateType = (fn: Extract<Expr, { kind: 'aggregate' }>['fn'], args: ValueType[], at: number): ValueType => {
    const a = args[0];
    switch (fn) {
      case 'count':
        return { kind: 'bigint' };
      case 'sum':
      case 'avg': {
        if (!a || a.kind === 'null') return { kind: 'null' };
        if (!isNumericType(a)) {
          error(at, `\`${fn}\` needs a number; found a ${describeType(a)} value`, fn === 'sum' ? 'count rows with count(*) or count(column)' : undefined);
          return { kind: 'null' };
        }
        if (a.kind === 'decimal') return { kind: 'decimal', precision: MAX_DECIMAL_PRECISION, scale: a.scale };
        if (a.kind === 'double') return { kind: 'double' };
        return fn === 'sum' ? { kind: 'bigint' } : { kind: 'double' };
      }
      case 'min':
      case 'max':
        if (a && a.kind === 'boolean') error(at, `\`${fn}\` of a boolean is not portable`, 'use count(*) FILTER (WHERE …) instead');
        return a ?? { kind: 'null' };
      case 'min_by':
      case 'max_by': {
        const by = args[1];
        if (by && by.kind === 'boolean') error(at, `\`${fn}\` ordered by a boolean is not portable`);
        return a ?? { kind: 'null' };
      }
    }
  };

  const expectBoolean = (e: Expr, t: ValueType, where: string) => {
    if (t.kind !== 'boolean' && t.kind !== 'null') error(e.at, `${where} needs a true/false condition; found a ${describeType(t)} value`);
  };

  const expectComparable = (at: number, l: ValueType, r: ValueType, op: string) => {
    if (l.kind === 'null' || r.kind === 'null') return;
    if (comparable(l, r)) return;
    error(at, `cannot compare a ${describeType(l)} value with a ${describeType(r)} value using \`${op}\``,
      l.kind === 'timestamp' || r.kind === 'timestamp' || l.kind === 'date' || r.kind === 'date'
        ? "write dates as DATE '2024-01-31' and timestamps as TIMESTAMP '2024-01-31 00:00:00'"
        : undefined);
  };

  const checkAllowedLiteral = (columnSide: Expr, literalSide: Expr) => {
    if (columnSide.kind !== 'column' || literalSide.kind !== 'string') return;
    const allowed = columns.get(columnSide.name)?.allowed;
    if (allowed && !allowed.includes(literalSide.value)) {
      warning(literalSide.at, `\`${columnSide.name}\` never holds '${literalSide.value}' (allowed: ${allowed.join(', ')})`,
        closest(literalSide.value, allowed) ? `did you mean '${closest(literalSide.value, allowed)}'?` : undefined);
    }
  };

  const unifyAll = (ts: ValueType[], at: number, what: string): ValueType => {
    let acc: ValueType = { kind: 'null' };
    for (const t of ts) {
      const u = unify(acc, t);
      if (!u) {
        error(at, `${what} mix a ${describeType(acc)} and a ${describeType(t)} value`);
        return { kind: 'null' };
      }
      acc = u;
    }
    return acc;
  };

  const result = type(expr, false);
  const outsideReported = problems.some((p) => p.message.includes('outside an aggregate'));
  if (context === 'measure' && !outsideReported && ![...walkExpr(expr)].some((n) => n.kind === 'aggregate')) {
    error(expr.at, 'a measure must aggregate rows', 'e.g. sum(amount), count(*) or max(transaction_timestamp)');
  }
  if (context === 'filter' && result.kind !== 'boolean' && result.kind !== 'null') {
    error(expr.at, `a filter must be a true/false condition; found a ${describeType(result)} value`);
  }
  return { type: result, problems };
}

export function describeType(t: ValueType): string {
  return t.kind === 'null' ? 'null' : formatColumnType(t);
}

function isIntegral(t: ColumnType): boolean {
  return t.kind === 'int' || t.kind === 'bigint' || (t.kind === 'decimal' && t.scale === 0);
}

function asDecimal(t: ColumnType): { precision: number; scale: number } | undefined {
  if (t.kind === 'decimal') return t;
  if (t.kind === 'int') return { precision: 10, scale: 0 };
  if (t.kind === 'bigint') return { precision: 19, scale: 0 };
  return undefined;
}

/** Trino's result types for decimal arithmetic (capped at 38 digits); integers stay bigint. */
export function arithmeticType(op: '+' | '-' | '*' | '/', l: ColumnType, r: ColumnType): ColumnType {
  if (l.kind === 'double' || r.kind === 'double') return { kind: 'double' };
  if ((l.kind === 'int' || l.kind === 'bigint') && (r.kind === 'int' || r.kind === 'bigint')) return { kind: 'bigint' };
  const a = asDecimal(l)!;
  const b = asDecimal(r)!;
  const cap = (p: number) => Math.min(MAX_DECIMAL_PRECISION, p);
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(a.scale, b.scale);
      return { kind: 'decimal', precision: cap(1 + scale + Math.max(a.precision - a.scale, b.precision - b.scale)), scale };
    }
    case '*':
      return { kind: 'decimal', precision: cap(a.precision + b.precision), scale: Math.min(MAX_DECIMAL_PRECISION, a.scale + b.scale) };
    case '/':
      return { kind: 'decimal', precision: cap(a.precision + b.scale + Math.max(0, b.scale - a.scale)), scale: Math.max(a.scale, b.scale) };
  }
}

function comparable(l: ColumnType, r: ColumnType): boolean {
  if (isNumericType(l) && isNumericType(r)) return true;
  const temporal = (t: ColumnType) => t.kind === 'date' || t.kind === 'timestamp';
  if (temporal(l) && temporal(r)) return true;
  return l.kind === r.kind;
}

function unify(a: ValueType, b: ValueType): ValueType | undefined {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (isNumericType(a) && isNumericType(b)) {
    if (a.kind === 'double' || b.kind === 'double') return { kind: 'double' };
    if ((a.kind === 'int' || a.kind === 'bigint') && (b.kind === 'int' || b.kind === 'bigint')) return { kind: a.kind === 'bigint' || b.kind === 'bigint' ? 'bigint' : 'int' };
    const x = asDecimal(a)!;
    const y = asDecimal(b)!;
    const scale = Math.max(x.scale, y.scale);
    const intDigits = Math.max(x.precision - x.scale, y.precision - y.scale);
    return { kind: 'decimal', precision: Math.min(MAX_DECIMAL_PRECISION, intDigits + scale), scale };
  }
  if (a.kind === b.kind) return a;
  if ((a.kind === 'date' && b.kind === 'timestamp') || (a.kind === 'timestamp' && b.kind === 'date')) return { kind: 'timestamp' };
  return undefined;
}
