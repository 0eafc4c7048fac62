import type { ColumnType } from '../../../generators/contract/column-type';
import type { DatasetModel } from '../../../generators/contract/dataset-model';
import type { Expr } from '../../../generators/contract/expression';
import type { GoldModel } from '../../../generators/contract/gold-model';

/**
 * An independent TypeScript computation of a Gold contract, written from DESIGN.md's rules and Trino's
 * semantics, not from the SQL: exact decimals on bigint, three-valued logic, aggregates over plain arrays,
 * and running measures as the aggregate over every row up to the month (not as sums of monthly values).
 * The differential tests compare it with what the DuckDB printer's SQL computes.
 */

/** An exact number: unscaled value and scale; `i` marks integer-typed values (int, bigint, counts). */
type Dec = { readonly k: 'dec'; readonly u: bigint; readonly s: number; readonly i?: boolean };
type Value = null | string | boolean | number | Dec | { readonly k: 'ts'; readonly ms: number } | { readonly k: 'date'; readonly days: number };
type Row = Readonly<Record<string, Value>>;

const dec = (u: bigint, s: number, i = false): Dec => (i ? { k: 'dec', u, s, i } : { k: 'dec', u, s });
const isDec = (v: Value): v is Dec => typeof v === 'object' && v !== null && v.k === 'dec';
const pow10 = (n: number) => 10n ** BigInt(n);

export function parseDec(text: string): Dec {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = m[3] ?? '';
  const u = BigInt(m[2]! + frac);
  return dec(m[1] ? -u : u, frac.length);
}

function rescale(d: Dec, s: number): Dec {
  if (s >= d.s) return dec(d.u * pow10(s - d.s), s);
  return dec(roundHalfUp(d.u, pow10(d.s - s)), s);
}

/** a / b rounded half away from zero (Java's HALF_UP, as Trino rounds). */
export function roundHalfUp(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('Division by zero');
  const neg = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  let q = x / y;
  if (2n * (x % y) >= y) q += 1n;
  return neg ? -q : q;
}

export function formatDec(d: Dec, scale: number): string {
  const r = rescale(d, scale);
  const neg = r.u < 0n;
  const digits = (neg ? -r.u : r.u).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return `${neg ? '-' : ''}${body}`;
}

function toNumber(v: Value): number {
  if (isDec(v)) return Number(v.u) / 10 ** v.s;
  if (typeof v === 'number') return v;
  throw new Error(`not a number: ${JSON.stringify(v)}`);
}

function compare(a: Value, b: Value): number {
  if (a === null || b === null) throw new Error('compare with NULL');
  if (isDec(a) && isDec(b)) {
    const s = Math.max(a.s, b.s);
    const x = rescale(a, s).u;
    const y = rescale(b, s).u;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((isDec(a) || typeof a === 'number') && (isDec(b) || typeof b === 'number')) return Math.sign(toNumber(a) - toNumber(b));
  if (typeof a === 'string' && typeof b === 'string') {
    // Code point order (= UTF-8 byte order), as both engines compare strings.
    const x = [...a].map((c) => c.codePointAt(0)!);
    const y = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return Math.sign(x.length - y.length);
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const t = (v: Value) => (typeof v === 'object' && v !== null && v.k === 'ts' ? v.ms : typeof v === 'object' && v !== null && v.k === 'date' ? v.days * 86400000 : NaN);
  const x = t(a);
  const y = t(b);
  if (Number.isNaN(x) || Number.isNaN(y)) throw new Error(`cannot compare ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  return Math.sign(x - y);
}

const keyOf = (v: Value): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

function canonicalKey(v: Value): string {
  // Equal decimals of different scales are the same value.
  if (isDec(v)) {
    let { u, s } = v;
    while (s > 0 && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return `dec:${u}:${s}`;
  }
  return keyOf(v);
}

/** A silver cell as the tests insert it → a typed value. */
export function readCell(raw: unknown, type: ColumnType): Value {
  if (raw === null || raw === undefined) return null;
  switch (type.kind) {
    case 'string':
      return String(raw);
    case 'boolean':
      return Boolean(raw);
    case 'int':
    case 'bigint':
      return dec(BigInt(raw as number | string), 0, true);
    case 'decimal':
      return parseDec(String(raw));
    case 'double':
      return Number(raw);
    case 'date':
      return { k: 'date', days: Date.parse(`${String(raw)}T00:00:00Z`) / 86400000 };
    case 'timestamp':
      return { k: 'ts', ms: Date.parse(`${String(raw).replace(' ', 'T')}Z`) };
  }
}

function monthOf(v: Value): string {
  if (typeof v !== 'object' || v === null || (v.k !== 'ts' && v.k !== 'date')) throw new Error('not a date or timestamp');
  const ms = v.k === 'ts' ? v.ms : v.days * 86400000;
  return new Date(ms).toISOString().slice(0, 7);
}

const truthy = (v: Value) => v === true;

function evalRow(e: Expr, row: Row): Value {
  const ev = (x: Expr) => evalRow(x, row);
  switch (e.kind) {
    case 'column':
      return row[e.name] ?? null;
    case 'number':
      return parseDec(e.text);
    case 'string':
      return e.value;
    case 'boolean':
      return e.value;
    case 'null':
      return null;
    case 'typed_literal':
      return e.type === 'date' ? readCell(e.value, { kind: 'date' }) : readCell(e.value, { kind: 'timestamp' });
    case 'negate': {
      const v = ev(e.operand);
      if (v === null) return null;
      return isDec(v) ? dec(-v.u, v.s, v.i) : -toNumber(v);
    }
    case 'not': {
      const v = ev(e.operand);
      return v === null ? null : !v;
    }
    case 'arithmetic':
      return arithmetic(e.op, ev(e.left), ev(e.right));
    case 'comparison': {
      const a = ev(e.left);
      const b = ev(e.right);
      if (a === null || b === null) return null;
      const c = compare(a, b);
      return { '=': c === 0, '<>': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[e.op];
    }
    case 'logical': {
      const a = ev(e.left);
      const b = ev(e.right);
      if (e.op === 'and') return a === false || b === false ? false : a === null || b === null ? null : true;
      return a === true || b === true ? true : a === null || b === null ? null : false;
    }
    case 'in': {
      const v = ev(e.operand);
      if (v === null) return null;
      let sawNull = false;
      for (const x of e.list) {
        const w = ev(x);
        if (w === null) sawNull = true;
        else if (compare(v, w) === 0) return !e.negated;
      }
      return sawNull ? null : e.negated;
    }
    case 'is_null': {
      const isNull = ev(e.operand) === null;
      return e.negated ? !isNull : isNull;
    }
    case 'between': {
      const v = ev(e.operand);
      const lo = ev(e.low);
      const hi = ev(e.high);
      const ge = v === null || lo === null ? null : compare(v, lo) >= 0;
      const le = v === null || hi === null ? null : compare(v, hi) <= 0;
      const both = ge === false || le === false ? false : ge === null || le === null ? null : true;
      return both === null ? null : e.negated ? !both : both;
    }
    case 'case':
      for (const w of e.whens) if (truthy(ev(w.when))) return ev(w.then);
      return e.else ? ev(e.else) : null;
    case 'call': {
      const args = e.args.map(ev);
      if (e.fn === 'coalesce') return args.find((a) => a !== null) ?? null;
      const v = args[0]!;
      if (v === null) return null;
      return isDec(v) ? dec(v.u < 0n ? -v.u : v.u, v.s, v.i) : Math.abs(toNumber(v));
    }
    case 'aggregate':
      throw new Error('aggregate in a row expression');
  }
}

/** Trino's arithmetic on two values (decimals exact; division rounded half up to the larger scale). */
export function arithmetic(op: '+' | '-' | '*' | '/', a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (!isDec(a) || !isDec(b)) {
    const x = toNumber(a);
    const y = toNumber(b);
    return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
  }
  switch (op) {
    case '+':
    case '-': {
      const s = Math.max(a.s, b.s);
      const x = rescale(a, s).u;
      const y = rescale(b, s).u;
      return dec(op === '+' ? x + y : x - y, s, a.i && b.i);
    }
    case '*':
      return dec(a.u * b.u, a.s + b.s, a.i && b.i);
    case '/': {
      // Trino: the result has the larger scale, rounded half up.
      const s = Math.max(a.s, b.s);
      return dec(roundHalfUp(a.u * pow10(b.s + s - a.s), b.u), s);
    }
  }
}

interface TaggedRow {
  readonly row: Row;
  readonly sourceRecord: bigint;
  readonly runId: string;
}

function aggregate(e: Extract<Expr, { kind: 'aggregate' }>, rows: readonly TaggedRow[], group: Row): Value {
  const selected = e.filter ? rows.filter((r) => truthy(evalRow(e.filter!, { ...r.row, ...group }))) : rows;
  if (e.fn === 'count' && e.args.length === 0) return dec(BigInt(selected.length), 0, true);
  if (e.fn === 'min_by' || e.fn === 'max_by') {
    let best: { key: Value; rec: bigint; run: string; value: Value } | undefined;
    for (const r of selected) {
      const key = evalRow(e.args[1]!, r.row);
      if (key === null) continue;
      const candidate = { key, rec: r.sourceRecord, run: r.runId, value: evalRow(e.args[0]!, r.row) };
      if (!best) {
        best = candidate;
        continue;
      }
      let c = compare(candidate.key, best.key);
      if (c === 0) c = candidate.rec < best.rec ? -1 : candidate.rec > best.rec ? 1 : 0;
      if (c === 0) c = compare(candidate.run, best.run);
      if (e.fn === 'min_by' ? c < 0 : c > 0) best = candidate;
    }
    return best ? best.value : null;
  }
  const values = selected.map((r) => evalRow(e.args[0]!, r.row)).filter((v): v is Exclude<Value, null> => v !== null);
  switch (e.fn) {
    case 'count':
      return dec(BigInt(e.distinct ? new Set(values.map(canonicalKey)).size : values.length), 0, true);
    case 'sum':
      return values.length === 0 ? null : values.reduce((acc, v) => arithmetic('+', acc, v)!);
    case 'min':
    case 'max':
      return values.length === 0 ? null : values.reduce((acc, v) => ((e.fn === 'min' ? compare(v, acc) < 0 : compare(v, acc) > 0) ? v : acc));
    case 'avg': {
      if (values.length === 0) return null;
      const sum = values.reduce((acc, v) => arithmetic('+', acc, v)!);
      // Trino: avg(decimal) is a decimal of the same scale, rounded half up; avg of integers is a double.
      if (isDec(sum) && !sum.i) return dec(roundHalfUp(sum.u, BigInt(values.length)), sum.s);
      return toNumber(sum) / values.length;
    }
  }
}

function evalMeasure(e: Expr, rows: readonly TaggedRow[], group: Row): Value {
  switch (e.kind) {
    case 'aggregate':
      return aggregate(e, rows, group);
    case 'column':
      return group[e.name] ?? null;
    case 'negate':
    case 'not':
    case 'arithmetic':
    case 'comparison':
    case 'logical':
    case 'in':
    case 'is_null':
    case 'between':
    case 'case':
    case 'call': {
      // Evaluate the aggregates below, then the operator on their results, as a one-row row expression.
      const values = new Map<Expr, Value>();
      const substitute = (x: Expr): Expr => {
        if (x.kind === 'aggregate') {
          values.set(x, aggregate(x, rows, group));
          return { kind: 'column', name: `__agg${values.size}`, at: x.at };
        }
        return mapChildren(x, substitute);
      };
      const replaced = substitute(e);
      const row: Record<string, Value> = { ...group };
      [...values.values()].forEach((v, i) => (row[`__agg${i + 1}`] = v));
      return evalRow(replaced, row);
    }
    default:
      return evalRow(e, group);
  }
}

function mapChildren(e: Expr, f: (x: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'negate':
    case 'not':
      return { ...e, operand: f(e.operand) };
    case 'arithmetic':
    case 'comparison':
    case 'logical':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'in':
      return { ...e, operand: f(e.operand), list: e.list.map(f) };
    case 'is_null':
      return { ...e, operand: f(e.operand) };
    case 'between':
      return { ...e, operand: f(e.operand), low: f(e.low), high: f(e.high) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })), ...(e.else ? { else: f(e.else) } : {}) };
    case 'call':
      return { ...e, args: e.args.map(f) };
    default:
      return e;
  }
}

function formatValue(v: Value, type: ColumnType): unknown {
  if (v === null) return null;
  switch (type.kind) {
    case 'decimal':
      if (!isDec(v)) throw new Error(`expected a decimal, got ${JSON.stringify(v)}`);
      return formatDec(v, type.scale);
    case 'bigint':
      return formatDec(v as Dec, 0);
    case 'int':
      return Number(formatDec(v as Dec, 0));
    case 'double':
      return toNumber(v);
    case 'string':
    case 'boolean':
      return v;
    case 'timestamp':
      return new Date((v as { ms: number }).ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
    case 'date':
      return new Date((v as { days: number }).days * 86400000).toISOString().slice(0, 10);
  }
}

const nextMonth = (m: string) => {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${String(y! + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(mo! + 1).padStart(2, '0')}`;
};

/**
 * The Gold rows of `gold` over silver `rows` (objects keyed by column name, as inserted), for the months
 * `window`, formatted as DuckDB prints them to JSON; `_run_id`/`_published_at` left out.
 */
export function referenceGold(
  gold: GoldModel,
  source: DatasetModel,
  rawRows: readonly Readonly<Record<string, unknown>>[],
  window: { readonly month_from: string; readonly month_to: string },
): Record<string, unknown>[] {
  const types = new Map(source.columns.map((c) => [c.name, c.type]));
  const rows: TaggedRow[] = rawRows
    .map((raw) => ({
      row: Object.fromEntries(source.columns.map((c) => [c.name, readCell(raw[c.name], c.type)])) as Row,
      sourceRecord: BigInt(raw._source_record as number),
      runId: String(raw._run_id),
    }))
    .filter((r) => r.row[gold.time.column] !== null && (!gold.filter || truthy(evalRow(gold.filter.expr, r.row))));
  const dims = gold.dimensions.map((d) => d.name);
  const running = gold.measures.some((m) => m.running);
  const groups = new Map<string, { dims: Row; rows: { row: TaggedRow; month: string }[] }>();
  for (const r of rows) {
    const d = Object.fromEntries(dims.map((n) => [n, r.row[n] ?? null])) as Row;
    const key = dims.map((n) => canonicalKey(d[n] ?? null)).join('|');
    const g = groups.get(key) ?? { dims: d, rows: [] };
    g.rows.push({ row: r, month: monthOf(r.row[gold.time.column]!) });
    groups.set(key, g);
  }
  const months = rows.map((r) => monthOf(r.row[gold.time.column]!)).sort();
  const latest = months[months.length - 1];
  const out: Record<string, unknown>[] = [];
  for (const g of groups.values()) {
    const monthsOfGroup = [...new Set(g.rows.map((r) => r.month))].sort();
    let reported: string[];
    if (running) {
      const end = latest! < window.month_to ? latest! : window.month_to;
      reported = [];
      for (let m = monthsOfGroup[0]!; m <= end; m = nextMonth(m)) reported.push(m);
    } else {
      reported = monthsOfGroup;
    }
    for (const month of reported.filter((m) => m >= window.month_from && m <= window.month_to)) {
      const inMonth = g.rows.filter((r) => r.month === month).map((r) => r.row);
      const upTo = g.rows.filter((r) => r.month <= month).map((r) => r.row);
      const row: Record<string, unknown> = {};
      for (const d of dims) row[d] = formatValue(g.dims[d] ?? null, types.get(d)!);
      for (const m of gold.measures) {
        // DESIGN/README: a carried-forward month has no rows; a plain count is 0, other non-running measures NULL.
        const filler = !m.running && inMonth.length === 0;
        const value = filler ? (m.expr.kind === 'aggregate' && m.expr.fn === 'count' ? dec(0n, 0, true) : null) : evalMeasure(m.expr, m.running ? upTo : inMonth, g.dims);
        row[m.name] = formatValue(value, m.type);
      }
      row[gold.time.as] = month;
      out.push(row);
    }
  }
  return out;
}
