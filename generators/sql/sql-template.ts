import { sqlStringBody } from './quote';
import { checkParamValue, type SqlParam } from './sql-param';
import type { PrintedSql } from './sql-printer';

const PLACEHOLDER = /\{\{([a-z][a-z0-9_]*)\}\}/g;

function checkedValues(printed: PrintedSql, values: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of printed.params) {
    const v = values[p.name];
    if (v === undefined) throw new Error(`missing value for parameter ${p.name}`);
    out.set(p.name, checkParamValue(p, v));
  }
  for (const k of Object.keys(values)) {
    if (!printed.params.some((p) => p.name === k)) throw new Error(`the statement takes no parameter ${k}`);
  }
  return out;
}

/**
 * An Athena statement with its `{{name}}` placeholders filled: each value checked against its parameter's
 * format (no quotes, braces or control characters), so it cannot leave the literal it lands in.
 */
export function renderTemplate(printed: PrintedSql, values: Readonly<Record<string, string>>): string {
  if (printed.dialect !== 'athena') throw new Error('renderTemplate fills Athena placeholders; DuckDB binds $name parameters');
  const checked = checkedValues(printed, values);
  return printed.text.replace(PLACEHOLDER, (_m, name: string) => {
    const v = checked.get(name);
    if (v === undefined) throw new Error(`placeholder {{${name}}} is not a parameter of the statement`);
    return sqlStringBody(v);
  });
}

/**
 * An Athena statement with some of its parameters filled; the others stay placeholders. (The empty staging
 * table's query never runs, so its window and publish time are fixed and only the run id remains.)
 */
export function fillParams(printed: PrintedSql, values: Readonly<Record<string, string>>): PrintedSql {
  if (printed.dialect !== 'athena') throw new Error('fillParams fills Athena placeholders');
  const filled = new Map<string, string>();
  for (const [name, value] of Object.entries(values)) {
    const p = printed.params.find((x) => x.name === name);
    if (!p) throw new Error(`the statement takes no parameter ${name}`);
    filled.set(name, checkParamValue(p, value));
  }
  const text = printed.text.replace(PLACEHOLDER, (m, name: string) => (filled.has(name) ? sqlStringBody(filled.get(name)!) : m));
  return { dialect: printed.dialect, text, params: printed.params.filter((p) => !filled.has(p.name)) };
}

/** The named values to bind to a DuckDB statement (`connection.run(text, values)`), checked. */
export function duckdbValues(printed: PrintedSql, values: Readonly<Record<string, string>>): Record<string, string> {
  if (printed.dialect !== 'duckdb') throw new Error('duckdbValues binds DuckDB parameters');
  return Object.fromEntries(checkedValues(printed, values));
}

/**
 * The statement as a Step Functions intrinsic, `States.Format('…{}…', $.run_id, …)`, for an Athena task's
 * `QueryString.$`: placeholders become `{}` (one argument per occurrence, from `paths`), and the characters
 * States.Format reserves (`'`, `{`, `}`, `\`) are escaped. The values must satisfy the parameter formats
 * (checked by whatever produced them — e.g. the run-id step); the SQL itself does not re-check them.
 */
export function statesFormat(printed: PrintedSql, paths: Readonly<Record<string, string>>): string {
  if (printed.dialect !== 'athena') throw new Error('States.Format is for Athena statements');
  const args: string[] = [];
  let format = '';
  let last = 0;
  for (const m of printed.text.matchAll(PLACEHOLDER)) {
    format += escapeIntrinsic(printed.text.slice(last, m.index));
    format += '{}';
    const path = paths[m[1]!];
    if (path === undefined) throw new Error(`no JSONPath for parameter ${m[1]}`);
    if (!/^\$[A-Za-z0-9_.[\]]*$/.test(path)) throw new Error(`not a JSONPath: ${path}`);
    args.push(path);
    last = m.index! + m[0].length;
  }
  format += escapeIntrinsic(printed.text.slice(last));
  return `States.Format('${format}'${args.map((a) => `, ${a}`).join('')})`;
}

function escapeIntrinsic(text: string): string {
  return text.replace(/[\\'{}]/g, (c) => `\\${c}`);
}

/** The parameters a statement takes, for documentation headers. */
export function describeParams(params: readonly SqlParam[]): string {
  return params.map((p) => `${p.name} (${p.format})`).join(', ');
}
