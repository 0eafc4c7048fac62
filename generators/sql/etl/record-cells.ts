import type { PortablePattern } from '../../contract/portable-pattern';
import type { SourceModel } from '../../contract/dataset-model';
import { call, cmp, int, str, type SqlExpr } from '../sql-node';

/**
 * RFC 4180 records split into cells in SQL, exactly as runtime/csv/csv-reader.ts splits one line: cells
 * end at the delimiter; a cell starting with a quote runs to its closing quote (a doubled quote inside
 * stands for one) and must be followed by the delimiter or the end of the record. Anything else — a quote
 * inside an unquoted cell, text after a closing quote, a quote never closed — makes the record `quote`.
 *
 * Fast path: a line without any quote is its cells split at the delimiter. Otherwise the delimiter is put
 * in front of the line and every `delimiter cell` is matched left to right; each match is non-empty, so
 * engines cannot differ on empty matches, and the line is well-formed exactly when the matches tile it
 * (their lengths add up to the line's length plus one).
 */
export interface RecordSplit {
  /** `delimiter cell`, repeated: the matches of a line with quotes (the pattern is applied to `D || line`). */
  readonly cellPattern: PortablePattern;
  /** The whole `D || line` is a prefix of well-formed cells, then an opening quote never closed on the line. */
  readonly openQuotePattern: PortablePattern;
  readonly delimiter: string;
}

/** A delimiter (one ASCII character) as a literal in the portable pattern grammar. */
function patternChar(c: string): string {
  if (c === '\t') return '\\t';
  return /[\\^$.|?*+()[\]{}\-/]/.test(c) ? `\\${c}` : c;
}

export function recordSplit(source: SourceModel): RecordSplit {
  const d = patternChar(source.delimiter);
  const q = source.quote === '"' ? '"' : patternChar(source.quote);
  // A quoted cell: quote, then non-quotes or doubled quotes, then quote. Unambiguous, so backtracking engines
  // (Trino's Joni) stay linear on long cells.
  const quoted = `${q}(?:[^${q}]|${q}${q})*${q}`;
  const unquoted = `[^${q}${d}]*`;
  const cell = `${d}(?:${quoted}|${unquoted})`;
  return {
    delimiter: source.delimiter,
    cellPattern: { source: `(internal) RFC 4180 cell`, canonical: cell },
    openQuotePattern: { source: '(internal) RFC 4180 quote left open', canonical: `(?:${cell})*${d}${q}(?:[^${q}]|${q}${q})*` },
  };
}

/** The matches of a line that holds a quote: `delimiter cell` after `delimiter cell`. */
export function cellMatches(line: SqlExpr, split: RecordSplit): SqlExpr {
  return { kind: 'regex_extract_all', operand: call('concat', [str(split.delimiter), line]), pattern: split.cellPattern };
}

/**
 * The cells of a line as a list, or NULL when it is badly quoted. `matches` is `cellMatches(line)` where the
 * line holds a quote, else NULL.
 */
export function cellsOf(line: SqlExpr, matches: SqlExpr, split: RecordSplit, quote: string): SqlExpr {
  const x: SqlExpr = { kind: 'column', name: 'x' };
  const len = (e: SqlExpr): SqlExpr => call('length', [e], { kind: 'bigint' });
  const plus = (a: SqlExpr, b: SqlExpr): SqlExpr => ({ kind: 'arithmetic', op: '+', left: a, right: b, type: { kind: 'bigint' } });
  const minus = (a: SqlExpr, b: SqlExpr): SqlExpr => ({ kind: 'arithmetic', op: '-', left: a, right: b, type: { kind: 'bigint' } });
  // `D"a""b"` → `a"b`; `Dabc` → `abc`.
  const unquoted: SqlExpr = {
    kind: 'case',
    whens: [
      {
        when: cmp('=', call('substr', [x, int(2), int(1)]), str(quote)),
        then: call('replace', [call('substr', [x, int(3), minus(len(x), int(3))]), str(quote + quote), str(quote)]),
      },
    ],
    else: call('substr', [x, int(2), len(x)]),
  };
  return {
    kind: 'case',
    whens: [
      { when: { kind: 'is_null', operand: matches, negated: false }, then: call('split', [line, str(split.delimiter)]) },
      {
        when: cmp('=', len(call('list_join', [matches, str('')])), plus(len(line), int(1))),
        then: { kind: 'list_transform', list: matches, param: 'x', body: unquoted },
      },
    ],
  };
}
