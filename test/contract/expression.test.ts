import { parseExpression, type Expr } from '../../generators/contract/expression';
import { checkExpression, type ExprColumn } from '../../generators/contract/expression-type';

const parse = (text: string): Expr => {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.expr;
};

/** A compact S-expression print of the tree, to pin precedence and structure. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'column': return e.name;
    case 'number': return e.text;
    case 'string': return `'${e.value}'`;
    case 'boolean': return String(e.value);
    case 'null': return 'null';
    case 'typed_literal': return `${e.type}'${e.value}'`;
    case 'negate': return `(- ${show(e.operand)})`;
    case 'not': return `(not ${show(e.operand)})`;
    case 'arithmetic': case 'comparison': case 'logical': return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'in': return `(${e.negated ? 'not-in' : 'in'} ${show(e.operand)} ${e.list.map(show).join(' ')})`;
    case 'is_null': return `(${e.negated ? 'is-not-null' : 'is-null'} ${show(e.operand)})`;
    case 'between': return `(${e.negated ? 'not-between' : 'between'} ${show(e.operand)} ${show(e.low)} ${show(e.high)})`;
    case 'case': return `(case ${e.whens.map((w) => `[${show(w.when)} ${show(w.then)}]`).join(' ')}${e.else ? ` else ${show(e.else)}` : ''})`;
    case 'call': return `(${e.fn} ${e.args.map(show).join(' ')})`;
    case 'aggregate': return `(${e.fn}${e.distinct ? '-distinct' : ''} ${e.args.length ? e.args.map(show).join(' ') : '*'}${e.filter ? ` filter ${show(e.filter)}` : ''})`;
  }
}

const COLUMNS = new Map<string, ExprColumn>([
  ['amount', { type: { kind: 'decimal', precision: 18, scale: 2 } }],
  ['account_id', { type: { kind: 'string' } }],
  ['currency', { type: { kind: 'string' }, allowed: ['EUR', 'USD'] }],
  ['booked_at', { type: { kind: 'timestamp' } }],
  ['qty', { type: { kind: 'int' } }],
  ['rate', { type: { kind: 'double' } }],
]);

describe('expression parser', () => {
  test.each([
    ['sum(amount)', '(sum amount)'],
    ['count(*)', '(count *)'],
    ['count(distinct account_id)', '(count-distinct account_id)'],
    ["sum(amount) filter (where amount < 0)", '(sum amount filter (< amount 0))'],
    ['a + b * c - d / e', '(- (+ a (* b c)) (/ d e))'],
    ['-a * b', '(* (- a) b)'],
    ['a = 1 or b = 2 and not c', '(or (= a 1) (and (= b 2) (not c)))'],
    ["x not in ('A', 'B''s')", "(not-in x 'A' 'B's')"],
    ['x is not null', '(is-not-null x)'],
    ['x between 1 and 2', '(between x 1 2)'],
    ["case when a > 0 then a else 0 end", '(case [(> a 0) a] else 0)'],
    ["SUM(CASE WHEN t = 'FEE' THEN amount ELSE 0 END)", "(sum (case [(= t 'FEE') amount] else 0))"],
    ["min_by(amount, booked_at)", '(min_by amount booked_at)'],
    ["booked_at >= TIMESTAMP '2024-01-01 00:00:00'", "(>= booked_at timestamp'2024-01-01 00:00:00')"],
    ['"date" != 1', '(<> date 1)'],
    ['coalesce(a, 0)', '(coalesce a 0)'],
  ])('%s', (text, tree) => expect(show(parse(text))).toBe(tree));

  test.each([
    ['sum(amount', 10, 'expected `)` to close `sum(`, found the end of the expression'],
    ['avg(*)', 4, '`avg(*)` is not valid; only `count(*)` takes `*`'],
    ['sum(distinct a)', 4, 'DISTINCT is only supported in `count(distinct …)`'],
    ['a -- comment', 2, 'comments are not allowed in expressions'],
    ['a; drop table t', 1, '`;` is not allowed: an expression is not a statement'],
    ["'open", 0, 'unterminated string literal'],
    ['1e5', 0, 'malformed number `1e5`'],
    ['+1', 0, 'a leading `+` is not allowed'],
    ['Amount', 0, 'column names are lowercase: `Amount`'],
    ['median(a)', 0, 'unknown function `median`'],
    ['min_by(a)', 0, '`min_by` takes 2 arguments, found 1'],
    ["date '2024-1-1'", 5, "malformed date literal '2024-1-1'"],
    ['case a when 1 then 2 end', 5, 'expected `WHEN` after `CASE`'],
    ['a b', 2, 'unexpected `b` after the end of the expression'],
  ])('rejects %s at %i', (text, offset, message) => {
    const r = parseExpression(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.offset).toBe(offset);
      expect(r.message).toBe(message);
    }
  });

  test('deep nesting is refused, not a stack overflow', () => {
    const r = parseExpression(`${'('.repeat(500)}1${')'.repeat(500)}`);
    expect(r.ok).toBe(false);
  });
});

describe('expression types (Trino result types)', () => {
  const typeOf = (text: string, context: 'measure' | 'filter' = 'measure') => {
    const r = checkExpression(parse(text), COLUMNS, context);
    return { type: r.type, errors: r.problems.filter((p) => p.severity === 'error').map((p) => p.message), warnings: r.problems.filter((p) => p.severity === 'warning').map((p) => p.message) };
  };
  test.each([
    ['sum(amount)', { kind: 'decimal', precision: 38, scale: 2 }],
    ['avg(amount)', { kind: 'decimal', precision: 38, scale: 2 }],
    ['sum(qty)', { kind: 'bigint' }],
    ['avg(qty)', { kind: 'double' }],
    ['count(*)', { kind: 'bigint' }],
    ['max(booked_at)', { kind: 'timestamp' }],
    ['min_by(amount, booked_at)', { kind: 'decimal', precision: 18, scale: 2 }],
    ['sum(case when amount < 0 then -amount else 0 end)', { kind: 'decimal', precision: 38, scale: 2 }],
    ['sum(amount) - sum(amount)', { kind: 'decimal', precision: 38, scale: 2 }],
    ['sum(rate * qty)', { kind: 'double' }],
  ])('%s', (text, type) => {
    const r = typeOf(text);
    expect(r.errors).toEqual([]);
    expect(r.type).toEqual(type);
  });

  test('filters are row-level booleans', () => {
    expect(typeOf("currency = 'EUR' and amount > 0", 'filter').errors).toEqual([]);
    expect(typeOf('sum(amount) > 0', 'filter').errors[0]).toMatch(/not allowed in a filter/);
    expect(typeOf("currency = 'GBP'", 'filter').warnings[0]).toMatch(/never holds 'GBP'/);
  });
});
