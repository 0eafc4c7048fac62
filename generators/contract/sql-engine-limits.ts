import type { DatasetModel } from './dataset-model';
import type { ValuePath } from './yaml-source';

export interface EngineLimitWarning {
  readonly path: ValuePath;
  readonly message: string;
  readonly hint: string;
}

/** The engines that run a contract's validation as SQL (issue 7). */
export type SqlEngine = 'duckdb' | 'athena';

/**
 * What a SQL engine (`lakec run --engine duckdb`, an Athena backfill) cannot do exactly as the TypeScript
 * engine does for this contract — said by `lakec check --engine duckdb|athena` as positioned warnings, so
 * that engines never diverge silently. Everything else they match record for record (test/engine); what
 * does not depend on the contract (a lone carriage return or invalid UTF-8 in an Athena backfill) makes the
 * engine refuse the delivery with a message.
 */
export function sqlEngineWarnings(d: DatasetModel, engine: SqlEngine): EngineLimitWarning[] {
  const out: EngineLimitWarning[] = [];
  const names = (cs: readonly { c: DatasetModel['columns'][number] }[]) => cs.map(({ c }) => `\`${c.name}\``).join(', ');
  const indexed = d.columns.map((c, i) => ({ c, i }));
  // One warning per kind and contract, at the first column concerned, naming them all.
  const breaks = indexed.filter(({ c }) => c.type.kind === 'string' && mayHoldLineBreak(c));
  if (breaks.length) {
    out.push({
      path: ['columns', breaks[0]!.i, 'name'],
      message: `${names(breaks)} may hold a line break inside quotes, which ${engine === 'duckdb' ? 'lakec run --engine duckdb' : 'an Athena backfill'} cannot read: it reads one record per line and refuses such a delivery (the TypeScript engine reads it)`,
      hint: 'where cells never hold a line break, say so with a `pattern` (`.` excludes line breaks); otherwise run such deliveries with --engine ts',
    });
  }
  if (engine !== 'athena') return out;
  out.push({
    path: ['name'],
    message: 'Athena backfills write `_source_record` 0: Athena reads a file as lines without their positions',
    hint: 'the record number of a row stays in the delivery (bronze); runs of lakec run (--engine ts or duckdb) record it',
  });
  const unique = indexed.filter(({ c }) => c.unique);
  if (unique.length) {
    out.push({
      path: ['columns', unique[0]!.i, 'unique'],
      message: `Athena backfills cannot see where a record is in its file: of rows of one delivery sharing a ${names(unique)} value, Athena keeps the one with the smallest _row_hash, where lakec run (--engine ts or duckdb) keeps the first in the file`,
      hint: 'backfill with --engine ts or duckdb where the first occurrence in a file must win',
    });
  }
  return out;
}

/**
 * Whether a string column's rules admit a cell with a line feed or carriage return: no pattern, or one
 * with a negated class or escape that lets them through, or an allowed value holding one.
 */
function mayHoldLineBreak(c: DatasetModel['columns'][number]): boolean {
  if (c.allowed) return c.allowed.some((a) => /[\r\n]/.test(a));
  if (!c.pattern) return true;
  const p = c.pattern.canonical;
  const negated = /\[\^((?:\\.|[^\]\\])*)\]/g;
  // A line break spelt out anywhere but in a negated class lets one through.
  if (/\\[nr]|\\x0[aAdD]/.test(p.replace(negated, ''))) return true;
  for (const m of p.matchAll(negated)) {
    const body = m[1]!;
    const excludes = (escaped: RegExp) => escaped.test(body);
    if (!(excludes(/\\n|\\x0[aA]/) && excludes(/\\r|\\x0[dD]/))) return true;
  }
  return false;
}
