import type { ColumnType } from '../contract/column-type';
import type { DatasetModel } from '../contract/dataset-model';
import { walkExpr, type Expr } from '../contract/expression';
import { checkExpression, type ExprColumn } from '../contract/expression-type';
import { and, cast, col, isNull, type SqlExpr } from './sql-node';

/** What a contract expression is typed against: the source dataset's columns and the Gold dimensions. */
export interface ExprScope {
  readonly columns: ReadonlyMap<string, ExprColumn>;
  readonly dimensions: ReadonlySet<string>;
}

/** The tie-breakers of min_by/max_by (DESIGN.md): the record number in the delivered file, then the run. */
export const TIE_BREAKERS: readonly { readonly name: string; readonly type: ColumnType }[] = [
  { name: '_source_record', type: { kind: 'bigint' } },
  { name: '_run_id', type: { kind: 'string' } },
];

export function scopeOf(source: DatasetModel, dimensions: readonly string[] = []): ExprScope {
  return {
    columns: new Map(source.columns.map((c) => [c.name, { type: c.type, ...(c.allowed ? { allowed: c.allowed } : {}) }])),
    dimensions: new Set(dimensions),
  };
}

/**
 * The type the checker gives a (sub)expression — Trino's result type, which both printers reproduce.
 * Undefined for a bare NULL. The model is already checked, so problems are not reported again here.
 */
export function typeOfExpr(e: Expr, scope: ExprScope): ColumnType | undefined {
  const aggregates = [...walkExpr(e)].some((n) => n.kind === 'aggregate');
  const t = checkExpression(e, scope.columns, aggregates ? 'measure' : 'filter', scope.dimensions).type;
  return t.kind === 'null' ? undefined : t;
}

/** How the leaves of an expression are lowered: row-level expressions and measures differ only there. */
interface Leaves {
  readonly column: (e: Extract<Expr, { kind: 'column' }>) => SqlExpr;
  readonly aggregate: (e: Extract<Expr, { kind: 'aggregate' }>) => SqlExpr;
}

function lowerWith(e: Expr, scope: ExprScope, leaves: Leaves): SqlExpr {
  const lower = (x: Expr) => lowerWith(x, scope, leaves);
  switch (e.kind) {
    case 'column':
      return leaves.column(e);
    case 'aggregate':
      return leaves.aggregate(e);
    case 'number': {
      const t = typeOfExpr(e, scope);
      if (t?.kind !== 'decimal') throw new Error(`number ${e.text} has no decimal type`);
      return { kind: 'literal', value: { type: 'number', text: e.text, precision: t.precision, scale: t.scale } };
    }
    case 'string':
      return { kind: 'literal', value: { type: 'string', value: e.value } };
    case 'boolean':
      return { kind: 'literal', value: { type: 'boolean', value: e.value } };
    case 'null':
      return { kind: 'literal', value: { type: 'null' } };
    case 'typed_literal':
      return { kind: 'literal', value: { type: e.type, value: e.value } };
    case 'negate':
      return withType({ kind: 'negate', operand: lower(e.operand) }, typeOfExpr(e, scope));
    case 'not':
      return { kind: 'not', operand: lower(e.operand) };
    case 'arithmetic': {
      const type = typeOfExpr(e, scope);
      if (!type) throw new Error('arithmetic without a type');
      // The checker says int op int is bigint (Trino would stay integer and overflow at 2^31): compute in bigint.
      const widen = (x: Expr) => (type.kind === 'bigint' && typeOfExpr(x, scope)?.kind === 'int' ? cast(lower(x), { kind: 'bigint' }) : lower(x));
      return { kind: 'arithmetic', op: e.op, left: widen(e.left), right: widen(e.right), type };
    }
    case 'comparison':
      return { kind: 'compare', op: e.op, left: lower(e.left), right: lower(e.right) };
    case 'logical':
      return { kind: 'logical', op: e.op, operands: [lower(e.left), lower(e.right)] };
    case 'in':
      return { kind: 'in', operand: lower(e.operand), list: e.list.map(lower), negated: e.negated };
    case 'is_null':
      return { kind: 'is_null', operand: lower(e.operand), negated: e.negated };
    case 'between':
      return { kind: 'between', operand: lower(e.operand), low: lower(e.low), high: lower(e.high), negated: e.negated };
    case 'case':
      return withType(
        { kind: 'case', whens: e.whens.map((w) => ({ when: lower(w.when), then: lower(w.then) })), ...(e.else ? { else: lower(e.else) } : {}) },
        typeOfExpr(e, scope),
      );
    case 'call':
      return withType({ kind: 'call', fn: e.fn, args: e.args.map(lower) }, typeOfExpr(e, scope));
    default: {
      const never: never = e;
      throw new Error(`unhandled expression ${(never as Expr).kind}`);
    }
  }
}

/**
 * A row-level expression (a filter, an aggregate's argument or FILTER clause) as IR. Column references keep
 * their names; aggregates are not allowed here (see lowerAggregate).
 */
export function lowerRowExpr(e: Expr, scope: ExprScope): SqlExpr {
  return lowerWith(e, scope, {
    column: (c) => col(c.name, scope.columns.get(c.name)?.type),
    aggregate: (a) => {
      throw new Error(`aggregate ${a.fn} where a row-level expression is expected`);
    },
  });
}

/**
 * An aggregate of the contract as IR. min_by/max_by order by (value, _source_record, _run_id) so ties are
 * broken the same way everywhere. Rows whose ordering value is NULL are skipped, as Trino's min_by does;
 * a FILTER is folded into the ordering key (NULL outside the filter), which both engines skip the same way.
 */
export function lowerAggregate(e: Extract<Expr, { kind: 'aggregate' }>, scope: ExprScope): SqlExpr {
  const type = typeOfExpr(e, scope);
  const filter = e.filter ? lowerRowExpr(e.filter, scope) : undefined;
  if (e.fn === 'min_by' || e.fn === 'max_by') {
    const [value, by] = e.args;
    if (!value || !by) throw new Error(`${e.fn} takes two arguments`);
    const key = lowerRowExpr(by, scope);
    const ordering: SqlExpr = {
      kind: 'case',
      whens: [{ when: and(isNull(key, true), filter)!, then: { kind: 'row', fields: [key, ...TIE_BREAKERS.map((t) => col(t.name, t.type))] } }],
    };
    return { kind: 'aggregate', fn: e.fn, args: [lowerRowExpr(value, scope), ordering], distinct: false, ...(type ? { type } : {}) };
  }
  return { kind: 'aggregate', fn: e.fn, args: e.args.map((a) => lowerRowExpr(a, scope)), distinct: e.distinct, ...(filter ? { filter } : {}), ...(type ? { type } : {}) };
}

/**
 * A measure split in two levels: its distinct aggregates (`partials`, computed per group and month) and the
 * expression over them. `name` gives a partial its column name; equal aggregates share one partial.
 */
export interface MeasurePlan {
  readonly partials: readonly PartialAggregate[];
  readonly lower: (measure: Expr) => SqlExpr;
}

export interface PartialAggregate {
  readonly column: string;
  readonly aggregate: SqlExpr;
  readonly type: ColumnType;
  /** The contract aggregate it came from. */
  readonly source: Extract<Expr, { kind: 'aggregate' }>;
}

export function measurePlan(scope: ExprScope, name: (index: number) => string): MeasurePlan {
  const partials: PartialAggregate[] = [];
  const byKey = new Map<string, PartialAggregate>();
  const partialOf = (e: Extract<Expr, { kind: 'aggregate' }>): PartialAggregate => {
    const key = exprKey(e);
    const known = byKey.get(key);
    if (known) return known;
    const type = typeOfExpr(e, scope);
    if (!type) throw new Error(`aggregate ${e.fn} has no type`);
    const p: PartialAggregate = { column: name(partials.length + 1), aggregate: lowerAggregate(e, scope), type, source: e };
    partials.push(p);
    byKey.set(key, p);
    return p;
  };
  // Above the aggregates a measure is arithmetic, CASE, comparisons and literals over their results; outside
  // an aggregate it may name a dimension, whose value is the group's.
  const lower = (e: Expr): SqlExpr =>
    lowerWith(e, scope, {
      column: (c) => {
        if (!scope.dimensions.has(c.name)) throw new Error(`column ${c.name} outside an aggregate in a measure`);
        return col(c.name, scope.columns.get(c.name)?.type);
      },
      aggregate: (a) => {
        const p = partialOf(a);
        return col(p.column, p.type);
      },
    });
  return { partials, lower };
}

/** Columns of the source a set of expressions reads (in first-use order). */
export function columnsRead(exprs: readonly Expr[]): string[] {
  const out: string[] = [];
  for (const e of exprs) {
    for (const n of walkExpr(e)) if (n.kind === 'column' && !out.includes(n.name)) out.push(n.name);
  }
  return out;
}

function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v) => (k === 'at' ? undefined : v));
}

function withType<T extends SqlExpr>(e: T, type: ColumnType | undefined): T {
  return type ? { ...e, type } : e;
}
