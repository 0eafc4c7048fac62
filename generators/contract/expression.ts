/**
 * The expression language of Gold contracts (DESIGN.md): aggregates (sum, count, count distinct, min,
 * max, avg, min_by, max_by) with FILTER (WHERE …), CASE, arithmetic, comparisons, AND/OR/NOT, IN lists,
 * IS NULL, BETWEEN, literals (numbers, 'strings', true/false/null, DATE '…', TIMESTAMP '…') and source
 * column names. Parsed into a tree that printers turn into each SQL dialect; contract text is never pasted.
 * Offsets are character offsets into the expression text, for diagnostics.
 */
export type AggregateFunction = 'sum' | 'count' | 'min' | 'max' | 'avg' | 'min_by' | 'max_by';
export type ScalarFunction = 'coalesce' | 'abs';
export type ArithmeticOp = '+' | '-' | '*' | '/';
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { readonly kind: 'column'; readonly name: string; readonly at: number }
  | { readonly kind: 'number'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly at: number }
  | { readonly kind: 'null'; readonly at: number }
  | { readonly kind: 'typed_literal'; readonly type: 'date' | 'timestamp'; readonly value: string; readonly at: number }
  | { readonly kind: 'negate'; readonly operand: Expr; readonly at: number }
  | { readonly kind: 'not'; readonly operand: Expr; readonly at: number }
  | { readonly kind: 'arithmetic'; readonly op: ArithmeticOp; readonly left: Expr; readonly right: Expr; readonly at: number }
  | { readonly kind: 'comparison'; readonly op: ComparisonOp; readonly left: Expr; readonly right: Expr; readonly at: number }
  | { readonly kind: 'logical'; readonly op: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly at: number }
  | { readonly kind: 'in'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly at: number }
  | { readonly kind: 'is_null'; readonly operand: Expr; readonly negated: boolean; readonly at: number }
  | { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean; readonly at: number }
  | { readonly kind: 'case'; readonly whens: readonly { readonly when: Expr; readonly then: Expr }[]; readonly else?: Expr; readonly at: number }
  | { readonly kind: 'call'; readonly fn: ScalarFunction; readonly args: readonly Expr[]; readonly at: number }
  | {
      readonly kind: 'aggregate';
      readonly fn: AggregateFunction;
      /** Empty for count(*). */
      readonly args: readonly Expr[];
      readonly distinct: boolean;
      readonly filter?: Expr;
      readonly at: number;
    };

export type ExprParseResult =
  | { readonly ok: true; readonly expr: Expr }
  | { readonly ok: false; readonly offset: number; readonly message: string; readonly hint?: string };

export const AGGREGATES: readonly AggregateFunction[] = ['sum', 'count', 'min', 'max', 'avg', 'min_by', 'max_by'];
export const SCALAR_FUNCTIONS: readonly ScalarFunction[] = ['coalesce', 'abs'];
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'true', 'false', 'case', 'when', 'then', 'else', 'end', 'between', 'distinct', 'filter', 'where', 'date', 'timestamp']);

type Token =
  | { readonly t: 'ident'; readonly v: string; readonly at: number }
  | { readonly t: 'kw'; readonly v: string; readonly at: number }
  | { readonly t: 'num'; readonly v: string; readonly at: number }
  | { readonly t: 'str'; readonly v: string; readonly at: number }
  | { readonly t: 'op'; readonly v: string; readonly at: number }
  | { readonly t: 'eof'; readonly v: ''; readonly at: number };

class ExprError extends Error {
  constructor(readonly offset: number, message: string, readonly hint?: string) {
    super(message);
  }
}

export const MAX_EXPRESSION_LENGTH = 4000;
const MAX_DEPTH = 64;

export function parseExpression(text: string): ExprParseResult {
  try {
    if (text.length > MAX_EXPRESSION_LENGTH) throw new ExprError(0, `expression is ${text.length} characters; at most ${MAX_EXPRESSION_LENGTH}`);
    const p = new ExprParser(tokenize(text));
    const expr = p.parseAll();
    return { ok: true, expr };
  } catch (err) {
    if (err instanceof ExprError) return { ok: false, offset: err.offset, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    throw err;
  }
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') throw new ExprError(i, 'comments are not allowed in expressions');
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      const lower = m[0].toLowerCase();
      if (KEYWORDS.has(lower)) out.push({ t: 'kw', v: lower, at: i });
      else out.push({ t: 'ident', v: m[0], at: i });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      if (/^[eE.A-Za-z_]/.test(text.slice(i + m[0].length))) {
        throw new ExprError(i, `malformed number \`${/^[0-9A-Za-z_.]+/.exec(text.slice(i))![0]}\``, 'numbers are plain decimals such as `100` or `0.25`');
      }
      out.push({ t: 'num', v: m[0], at: i });
      i += m[0].length;
      continue;
    }
    if (c === "'") {
      let v = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new ExprError(i, 'unterminated string literal', "close it with `'` (write `''` for a quote inside)");
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += text[j];
        j++;
      }
      out.push({ t: 'str', v, at: i });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      // A quoted column name, for columns named like keywords (`"date"`).
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new ExprError(i, 'unterminated quoted column name', 'close it with `"`');
      const name = text.slice(i + 1, end);
      if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new ExprError(i, `\`"${name}"\` is not a column name`, 'column names are lowercase snake_case');
      out.push({ t: 'ident', v: name, at: i });
      i = end + 1;
      continue;
    }
    if (c === '`') throw new ExprError(i, 'backtick quoting is not SQL', 'write a column named like a keyword in double quotes: "date"');
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '<>' || two === '!=') {
      out.push({ t: 'op', v: two === '!=' ? '<>' : two, at: i });
      i += 2;
      continue;
    }
    if ('+-*/=<>(),'.includes(c)) {
      out.push({ t: 'op', v: c, at: i });
      i++;
      continue;
    }
    if (c === ';') throw new ExprError(i, '`;` is not allowed: an expression is not a statement');
    throw new ExprError(i, `unexpected character \`${c}\``);
  }
  out.push({ t: 'eof', v: '', at: text.length });
  return out;
}

class ExprParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    const e = this.expr();
    const t = this.peek();
    if (t.t !== 'eof') throw new ExprError(t.at, `unexpected \`${t.v}\` after the end of the expression`);
    return e;
  }

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isKw(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.t === 'kw' && t.v === v;
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }

  private expectOp(v: string, what: string): Token {
    const t = this.peek();
    if (t.t !== 'op' || t.v !== v) throw new ExprError(t.at, `expected \`${v}\` ${what}, found ${describe(t)}`);
    return this.next();
  }

  private expectKw(v: string, what: string): Token {
    const t = this.peek();
    if (t.t !== 'kw' || t.v !== v) throw new ExprError(t.at, `expected \`${v.toUpperCase()}\` ${what}, found ${describe(t)}`);
    return this.next();
  }

  private expr(): Expr {
    if (++this.depth > MAX_DEPTH) throw new ExprError(this.peek().at, `expression nests deeper than ${MAX_DEPTH} levels`);
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }

  private or(): Expr {
    let left = this.and();
    while (this.isKw('or')) {
      const at = this.next().at;
      left = { kind: 'logical', op: 'or', left, right: this.and(), at };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isKw('and')) {
      const at = this.next().at;
      left = { kind: 'logical', op: 'and', left, right: this.not(), at };
    }
    return left;
  }

  private not(): Expr {
    if (this.isKw('not')) {
      const at = this.next().at;
      return { kind: 'not', operand: this.not(), at };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.t === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(t.v)) {
      this.next();
      return { kind: 'comparison', op: t.v as ComparisonOp, left, right: this.additive(), at: t.at };
    }
    if (this.isKw('is')) {
      const at = this.next().at;
      const negated = this.isKw('not') ? (this.next(), true) : false;
      this.expectKw('null', 'after `IS`');
      return { kind: 'is_null', operand: left, negated, at };
    }
    const negated = this.isKw('not') && (this.isKw('in', 1) || this.isKw('between', 1));
    if (negated) this.next();
    if (this.isKw('in')) {
      const at = this.next().at;
      this.expectOp('(', 'after `IN`');
      const list: Expr[] = [this.additive()];
      while (this.isOp(',')) {
        this.next();
        list.push(this.additive());
      }
      this.expectOp(')', 'to close the `IN` list');
      return { kind: 'in', operand: left, list, negated, at };
    }
    if (this.isKw('between')) {
      const at = this.next().at;
      const low = this.additive();
      this.expectKw('and', 'in `BETWEEN … AND …`');
      const high = this.additive();
      return { kind: 'between', operand: left, low, high, negated, at };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      left = { kind: 'arithmetic', op: t.v as ArithmeticOp, left, right: this.multiplicative(), at: t.at };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const t = this.next();
      left = { kind: 'arithmetic', op: t.v as ArithmeticOp, left, right: this.unary(), at: t.at };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-')) {
      const at = this.next().at;
      return { kind: 'negate', operand: this.unary(), at };
    }
    if (this.isOp('+')) throw new ExprError(this.peek().at, 'a leading `+` is not allowed', 'remove it');
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.t) {
      case 'num':
        this.next();
        return { kind: 'number', text: t.v, at: t.at };
      case 'str':
        this.next();
        return { kind: 'string', value: t.v, at: t.at };
      case 'op':
        if (t.v === '(') {
          this.next();
          const e = this.expr();
          this.expectOp(')', 'to close `(`');
          return e;
        }
        throw new ExprError(t.at, `unexpected \`${t.v}\``);
      case 'kw':
        return this.keywordPrimary(t);
      case 'ident':
        this.next();
        if (this.isOp('(')) return this.call(t);
        if (t.v !== t.v.toLowerCase()) throw new ExprError(t.at, `column names are lowercase: \`${t.v}\``, `write \`${t.v.toLowerCase()}\``);
        return { kind: 'column', name: t.v, at: t.at };
      case 'eof':
        throw new ExprError(t.at, 'expression ends too early');
    }
  }

  private keywordPrimary(t: Token): Expr {
    switch (t.v) {
      case 'true':
      case 'false':
        this.next();
        return { kind: 'boolean', value: t.v === 'true', at: t.at };
      case 'null':
        this.next();
        return { kind: 'null', at: t.at };
      case 'date':
      case 'timestamp': {
        this.next();
        const s = this.peek();
        if (s.t !== 'str') throw new ExprError(s.at, `expected a quoted value after \`${t.v.toUpperCase()}\`, e.g. ${t.v.toUpperCase()} '2024-01-31'`);
        this.next();
        const ok = t.v === 'date' ? /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s.v) : /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?$/.test(s.v);
        if (!ok) throw new ExprError(s.at, `malformed ${t.v} literal '${s.v}'`, t.v === 'date' ? "write DATE 'yyyy-MM-dd'" : "write TIMESTAMP 'yyyy-MM-dd HH:mm:ss' (UTC)");
        return { kind: 'typed_literal', type: t.v, value: s.v, at: t.at };
      }
      case 'case':
        return this.caseExpr();
      default:
        throw new ExprError(t.at, `unexpected keyword \`${t.v.toUpperCase()}\``);
    }
  }

  private caseExpr(): Expr {
    const at = this.next().at;
    const whens: { when: Expr; then: Expr }[] = [];
    if (!this.isKw('when')) throw new ExprError(this.peek().at, 'expected `WHEN` after `CASE`', 'write CASE WHEN condition THEN value … END (the simple CASE x WHEN form is not supported)');
    while (this.isKw('when')) {
      this.next();
      const when = this.expr();
      this.expectKw('then', 'after the `WHEN` condition');
      whens.push({ when, then: this.expr() });
    }
    let elseExpr: Expr | undefined;
    if (this.isKw('else')) {
      this.next();
      elseExpr = this.expr();
    }
    this.expectKw('end', 'to close `CASE`');
    return { kind: 'case', whens, ...(elseExpr ? { else: elseExpr } : {}), at };
  }

  private call(name: Token): Expr {
    const fn = name.v.toLowerCase();
    this.expectOp('(', 'after a function name');
    if ((AGGREGATES as readonly string[]).includes(fn)) {
      let distinct = false;
      let args: Expr[] = [];
      if (this.isOp('*')) {
        const star = this.next();
        if (fn !== 'count') throw new ExprError(star.at, `\`${fn}(*)\` is not valid; only \`count(*)\` takes \`*\``);
      } else {
        if (this.isKw('distinct')) {
          const d = this.next();
          if (fn !== 'count') throw new ExprError(d.at, `DISTINCT is only supported in \`count(distinct …)\``);
          distinct = true;
        }
        args = this.args();
      }
      this.expectOp(')', `to close \`${fn}(\``);
      const arity = fn === 'min_by' || fn === 'max_by' ? 2 : 1;
      if (!(fn === 'count' && args.length === 0) && args.length !== arity) {
        throw new ExprError(name.at, `\`${fn}\` takes ${arity} argument${arity === 1 ? '' : 's'}, found ${args.length}`);
      }
      let filter: Expr | undefined;
      if (this.isKw('filter')) {
        this.next();
        this.expectOp('(', 'after `FILTER`');
        this.expectKw('where', 'in `FILTER (WHERE …)`');
        filter = this.expr();
        this.expectOp(')', 'to close `FILTER (`');
      }
      return { kind: 'aggregate', fn: fn as AggregateFunction, args, distinct, ...(filter ? { filter } : {}), at: name.at };
    }
    if ((SCALAR_FUNCTIONS as readonly string[]).includes(fn)) {
      const args = this.args();
      this.expectOp(')', `to close \`${fn}(\``);
      if (fn === 'abs' && args.length !== 1) throw new ExprError(name.at, '`abs` takes 1 argument');
      if (fn === 'coalesce' && args.length < 2) throw new ExprError(name.at, '`coalesce` takes at least 2 arguments');
      return { kind: 'call', fn: fn as ScalarFunction, args, at: name.at };
    }
    const all = [...AGGREGATES, ...SCALAR_FUNCTIONS];
    throw new ExprError(name.at, `unknown function \`${name.v}\``, `available: ${all.join(', ')}`);
  }

  private args(): Expr[] {
    if (this.isOp(')')) return [];
    const out = [this.expr()];
    while (this.isOp(',')) {
      this.next();
      out.push(this.expr());
    }
    return out;
  }
}

function describe(t: Token): string {
  return t.t === 'eof' ? 'the end of the expression' : `\`${t.v}\``;
}

/** Every node of a tree, parents first. */
export function* walkExpr(e: Expr): Generator<Expr> {
  yield e;
  switch (e.kind) {
    case 'negate':
    case 'not':
      yield* walkExpr(e.operand);
      break;
    case 'arithmetic':
    case 'comparison':
    case 'logical':
      yield* walkExpr(e.left);
      yield* walkExpr(e.right);
      break;
    case 'in':
      yield* walkExpr(e.operand);
      for (const x of e.list) yield* walkExpr(x);
      break;
    case 'is_null':
      yield* walkExpr(e.operand);
      break;
    case 'between':
      yield* walkExpr(e.operand);
      yield* walkExpr(e.low);
      yield* walkExpr(e.high);
      break;
    case 'case':
      for (const w of e.whens) {
        yield* walkExpr(w.when);
        yield* walkExpr(w.then);
      }
      if (e.else) yield* walkExpr(e.else);
      break;
    case 'call':
      for (const a of e.args) yield* walkExpr(a);
      break;
    case 'aggregate':
      for (const a of e.args) yield* walkExpr(a);
      if (e.filter) yield* walkExpr(e.filter);
      break;
    case 'column':
    case 'number':
    case 'string':
    case 'boolean':
    case 'null':
    case 'typed_literal':
      break;
    default: {
      const never: never = e;
      throw new Error(`unhandled expression ${(never as Expr).kind}`);
    }
  }
}
