import type { ColumnType } from '../../contract/column-type';
import type { DatasetModel } from '../../contract/dataset-model';
import { datasetTables } from '../../tables/lake-tables';
import type { TableDef } from '../../tables/table-def';
import { and, call, cmp, col, int, isNull, item, nullOf, or, param, str, table, type SqlCte, type SqlExpr, type SqlFrom, type SqlQuery, type SqlSelect, type SqlSelectItem } from '../sql-node';
import { columnSql } from './cell-rules';
import {
  cellColumn,
  INGEST_DATE_PARAM,
  nullColumn,
  positionColumn,
  RELATIONS,
  RUN_ID_PARAM,
  SOURCE_FILE_PARAM,
  uniqueColumn,
  uniqueColumns,
  valueColumn,
  type EtlOptions,
} from './etl-relations';
import { cellMatches, cellsOf, recordSplit } from './record-cells';

/**
 * The contract's validation as SQL (issue 7): from the delivery's records (`bronze_lines`, `bronze_header`)
 * and the published silver it is checked against (`published_rows`) to `routed` — every record with the
 * layer it goes to, its `validation_error`, its cells as delivered, its typed values and metadata — exactly
 * as the TypeScript engine routes it (runtime/pipeline/row-router.ts):
 *
 * 1. record checks first: not UTF-8 (`utf8`), badly quoted (`quote`), the wrong number of cells (`cell_count`);
 * 2. then columns in contract order, each column's rules in the order required, type, pattern, allowed,
 *    min_length, max_length, min, max — the first failing rule names the error;
 * 3. then, for valid rows in record order, the exact-duplicate check (`duplicate`: its `_row_hash` equals an
 *    accepted row's, earlier in the file or in published silver) and then `unique` (a value already accepted
 *    with other cells); the first occurrence wins.
 *
 * Failing rows go to quarantine (attempt 1 of `max_attempts`; condemned when that is the last attempt),
 * duplicates to condemned.
 */
export interface EtlQueries {
  /** Every record with its decision: the `routed` relation. */
  readonly routed: SqlQuery;
  /** Rows of each table from `routed`, in the table's column order (silver: then its partition keys). */
  readonly silver: SqlQuery;
  readonly quarantine: SqlQuery;
  readonly condemned: SqlQuery;
  /** Rows per layer, error and condemned reason (columns `layer`, `validation_error`, `condemned_reason`, `row_count`). */
  readonly counts: SqlQuery;
  /**
   * The first record whose line leaves a quoted cell open (the TypeScript reader would continue it on the
   * next line), and the last record: `open_record`, `last_record`.
   */
  readonly openQuote: SqlQuery;
  /** The header's cells (one row, `header_cells`, NULL when badly quoted) — with a header only. */
  readonly header?: SqlQuery;
}

const BIGINT: ColumnType = { kind: 'bigint' };
const STRING: ColumnType = { kind: 'string' };
const BOOLEAN: ColumnType = { kind: 'boolean' };

const from = (name: string, alias?: string) => table(name, undefined, alias);
const star = (): SqlSelectItem => item({ kind: 'star' });
const isNotNull = (e: SqlExpr): SqlExpr => isNull(e, true);
/** A condition as a selected column, in parentheses (`(x IS NULL) AS f`): plainer to read, and every parser takes it. */
const flag = (e: SqlExpr): SqlExpr => (e.kind === 'logical' ? e : { kind: 'logical', op: 'and', operands: [e] });
const caseOf = (whens: readonly { when: SqlExpr; then: SqlExpr }[], otherwise?: SqlExpr, type?: ColumnType): SqlExpr => ({
  kind: 'case',
  whens,
  ...(otherwise ? { else: otherwise } : {}),
  ...(type ? { type } : {}),
});

/**
 * Steps 1 to 4 of etlQueries, from the delivery's lines to `judged` (every record with its `_error` and
 * `_row_hash`): they depend on the contract alone, so both engines' queries share one tree (the trees are
 * immutable). Only the last contract's is kept: a build generates contract by contract, and holding every
 * contract's tree would make its memory grow with the lake.
 */
function judgedCtes(d: DatasetModel): readonly SqlCte[] {
  if (lastJudged?.d !== d) lastJudged = { d, ctes: judgedSteps(d) };
  return lastJudged.ctes;
}
let lastJudged: { readonly d: DatasetModel; readonly ctes: readonly SqlCte[] } | undefined;

function judgedSteps(d: DatasetModel): SqlCte[] {
  const split = recordSplit(d.source);
  const n = d.columns.length;
  const line = col('line');
  const ctes: SqlCte[] = [];
  const cte = (name: string, query: SqlSelect) => ctes.push({ name, query });

  // 1. Cells: the fast path splits at the delimiter; lines with a quote are matched cell by cell. A carriage
  // return can end a line only at the very end of the input (elsewhere CRLF is the line end): it ends the
  // record there, as the TypeScript reader has it, but stays in the raw text of a badly quoted record.
  const text = col('_text');
  const cr = call('chr', [int(13)], STRING);
  cte('split', {
    kind: 'select',
    items: [
      item(col('record')),
      item(line),
      item(col('raw_hex')),
      item(
        caseOf(
          [{ when: and(call('contains', [line, cr], BOOLEAN), cmp('=', call('substr', [line, call('length', [line], BIGINT), int(1)]), cr))!, then: call('substr', [line, int(1), { kind: 'arithmetic', op: '-', left: call('length', [line], BIGINT), right: int(1), type: BIGINT }]) }],
          line,
          STRING,
        ),
        '_text',
      ),
    ],
    from: from(RELATIONS.lines),
  });
  cte('matched', {
    kind: 'select',
    items: [
      star(),
      item(caseOf([{ when: and(isNull(col('raw_hex')), call('contains', [text, str(d.source.quote)], BOOLEAN))!, then: cellMatches(text, split) }]), '_m'),
    ],
    from: from('split'),
  });
  cte('cells', {
    kind: 'select',
    items: [item(col('record')), item(line), item(text), item(col('raw_hex')), item(caseOf([{ when: isNull(col('raw_hex')), then: cellsOf(text, col('_m'), split, d.source.quote) }]), '_cells')],
    from: from('matched'),
  });

  // 2. Where each column's cell is: matched by header name (the first cell of that name), or by position.
  if (d.source.header) {
    cte('header_cells', { kind: 'select', items: [item(cellsOf(line, cellMatches(line, split), split, d.source.quote), '_cells')], from: from(RELATIONS.header) });
    cte('layout', {
      kind: 'select',
      items: [...d.columns.map((c, i) => item(call('list_position', [col('_cells'), str(c.sourceName)], BIGINT), positionColumn(i))), item(call('list_length', [col('_cells')], BIGINT), '_n')],
      from: from('header_cells'),
    });
  } else {
    cte('layout', { kind: 'select', items: [...d.columns.map((_, i) => item(int(i + 1), positionColumn(i))), item(int(n), '_n')] });
  }

  // 3. Record checks, then the cells in contract order (NULL for a record that cannot be split, or a column the file lacks).
  cte('records', {
    kind: 'select',
    items: [
      item(col('record', undefined, 'c')),
      item(col('line', undefined, 'c')),
      item(col('_text', undefined, 'c')),
      item(col('raw_hex', undefined, 'c')),
      item(col('_cells', undefined, 'c')),
      item(
        caseOf([
          { when: isNotNull(col('raw_hex', undefined, 'c')), then: str('utf8') },
          { when: isNull(col('_cells', undefined, 'c')), then: str('quote') },
          { when: cmp('<>', call('list_length', [col('_cells', undefined, 'c')], BIGINT), col('_n', undefined, 'l')), then: str('cell_count') },
        ]),
        '_record_error',
      ),
      ...d.columns.map((_, i) => item(col(positionColumn(i), undefined, 'l'))),
    ],
    from: { kind: 'join', join: 'cross', left: from('cells', 'c'), right: from('layout', 'l') },
  });
  cte('masked', {
    kind: 'select',
    items: [
      item(col('record')),
      item(line),
      item(text),
      item(col('raw_hex')),
      item(col('_record_error')),
      ...d.columns.map((_, i) =>
        item(caseOf([{ when: and(isNull(col('_record_error')), cmp('>', col(positionColumn(i)), int(0)))!, then: call('list_element', [col('_cells'), col(positionColumn(i))], STRING) }], undefined, STRING), cellColumn(i)),
      ),
    ],
    from: from('records'),
  });

  // 4. Column values and rules.
  const columns = d.columns.map((c, i) => columnSql(c, col(cellColumn(i), STRING), col(valueColumn(i), c.type), d.source.nullValues));
  cte('valued', {
    kind: 'select',
    // A null cell has no value, whatever the type would make of it (a null value may look like one: `0`).
    items: [star(), ...columns.map((c, i) => item(flag(c.isNull), nullColumn(i))), ...columns.map((c, i) => item(caseOf([{ when: { kind: 'not', operand: c.isNull }, then: c.value }], undefined, d.columns[i]!.type), valueColumn(i)))],
    from: from('masked'),
  });
  const errorWhens: { when: SqlExpr; then: SqlExpr }[] = [{ when: isNotNull(col('_record_error')), then: col('_record_error') }];
  d.columns.forEach((c, i) => {
    const isNullCell = col(nullColumn(i), BOOLEAN);
    if (c.required) errorWhens.push({ when: isNullCell, then: str(`required:${c.name}`) });
    for (const r of columns[i]!.rules) errorWhens.push({ when: and({ kind: 'not', operand: isNullCell }, r.fails)!, then: str(`${r.rule}:${c.name}`) });
  });
  cte('judged', {
    kind: 'select',
    items: [star(), item(caseOf(errorWhens, undefined, STRING), '_error'), item(caseOf([{ when: isNull(col('_record_error')), then: rowHash(d) }], undefined, STRING), '_row_hash')],
    from: from('valued'),
  });
  return ctes;
}

export function etlQueries(d: DatasetModel, options: EtlOptions): EtlQueries {
  const split = recordSplit(d.source);
  const line = col('line');
  const text = col('_text');
  const ctes: SqlCte[] = [...(options.inputs ?? []), ...judgedCtes(d)];
  const cte = (name: string, query: SqlSelect, materialized = false) => ctes.push({ name, query, ...(materialized ? { materialized } : {}) });

  // 5. First occurrences among valid rows: duplicates, then unique values.
  firstOccurrences(d, options, cte);

  // 6. Where each record goes.
  const finalError = col('_final_error', STRING);
  const partitionItems = d.partitions.map((p) => {
    const i = d.columns.findIndex((c) => c.name === p.from);
    return item(caseOf([{ when: cmp('=', col('_layer'), str('silver')), then: call(p.transform, [col(valueColumn(i))], { kind: 'int' }) }], undefined, { kind: 'int' }), p.name);
  });
  cte('decided', {
    kind: 'select',
    items: [
      star(),
      item(
        caseOf(
          [
            { when: cmp('=', col('_verdict'), str('undecided')), then: str('undecided') },
            { when: isNull(finalError), then: str('silver') },
            { when: cmp('=', finalError, str('duplicate')), then: str('condemned') },
            // A delivery's rows are attempt 1: condemned at once only when max_attempts is 1.
            ...(d.quality.maxAttempts <= 1 ? [{ when: { kind: 'literal', value: { type: 'boolean', value: true } } as SqlExpr, then: str('condemned') }] : []),
          ],
          str('quarantine'),
          STRING,
        ),
        '_layer',
      ),
    ],
    from: from('first_occurrence'),
  });
  const routed: SqlQuery = {
    kind: 'select',
    with: ctes,
    items: [
      item(col('record')),
      ...d.columns.map((_, i) => item(col(cellColumn(i)))),
      ...d.columns.map((_, i) => item(col(valueColumn(i)))),
      item(
        caseOf([
          { when: cmp('=', col('_record_error'), str('utf8')), then: col('raw_hex') },
          { when: cmp('=', col('_record_error'), str('quote')), then: line },
          { when: isNotNull(col('_record_error')), then: text },
        ], undefined, STRING),
        '_raw_record',
      ),
      item(finalError, 'validation_error'),
      item(
        caseOf([
          { when: cmp('=', col('_layer'), str('condemned')), then: caseOf([{ when: cmp('=', finalError, str('duplicate')), then: str('duplicate') }], str('max_attempts')) },
        ], undefined, STRING),
        'condemned_reason',
      ),
      item(col('_layer')),
      item(col('_row_hash')),
      ...partitionItems,
    ],
    from: from('decided'),
  };

  const tables = datasetTables(d);
  const tableOf = (layer: TableDef['layer']) => tables.find((t) => t.layer === layer)!;
  const routedFrom: SqlFrom = options.routedTable ? table(options.routedTable.name, options.routedTable.schema) : from(RELATIONS.routed);
  const header: SqlQuery | undefined = d.source.header
    ? { kind: 'select', items: [item(cellsOf(line, cellMatches(line, split), split, d.source.quote), 'header_cells')], from: from(RELATIONS.header) }
    : undefined;
  return {
    routed,
    silver: layerRows(d, tableOf('silver'), 'silver', routedFrom),
    quarantine: layerRows(d, tableOf('quarantine'), 'quarantine', routedFrom),
    condemned: layerRows(d, tableOf('condemned'), 'condemned', routedFrom),
    counts: {
      kind: 'select',
      items: [item(col('_layer'), 'layer'), item(col('validation_error')), item(col('condemned_reason')), item({ kind: 'aggregate', fn: 'count', args: [], distinct: false, type: BIGINT }, 'row_count')],
      from: routedFrom,
      groupBy: [col('_layer'), col('validation_error'), col('condemned_reason')],
    },
    openQuote: {
      kind: 'select',
      items: [
        item(
          {
            kind: 'aggregate',
            fn: 'min',
            args: [
              caseOf([
                {
                  when: and(isNull(col('raw_hex')), call('contains', [line, str(d.source.quote)], BOOLEAN), { kind: 'regex_match', operand: call('concat', [str(d.source.delimiter), line]), pattern: split.openQuotePattern })!,
                  then: col('record'),
                },
              ]),
            ],
            distinct: false,
            type: BIGINT,
          },
          'open_record',
        ),
        item({ kind: 'aggregate', fn: 'max', args: [col('record')], distinct: false, type: BIGINT }, 'last_record'),
      ],
      from: from(RELATIONS.lines),
    },
    ...(header ? { header } : {}),
  };
}

/**
 * `_row_hash` (runtime/row-hash.ts): the hex SHA-256 of the cells in contract order, each as its UTF-8 byte
 * length, `:`, the cell — a null cell (null value or absent column) as `-`.
 */
function rowHash(d: DatasetModel): SqlExpr {
  const parts: SqlExpr[] = d.columns.map((_, i) =>
    caseOf(
      [{ when: col(nullColumn(i), BOOLEAN), then: str('-') }],
      call('concat', [{ kind: 'cast', operand: call('byte_length', [col(cellColumn(i))], BIGINT), type: STRING, safe: false }, str(':'), col(cellColumn(i))]),
      STRING,
    ),
  );
  return call('sha256_hex', [parts.length === 1 ? parts[0]! : call('concat', parts, STRING)], STRING);
}

/**
 * Which valid rows are accepted. A valid row is a duplicate (condemned) when its `_row_hash` equals a
 * published row's or an accepted row's earlier in the file; otherwise it fails `unique:col` for the first
 * unique column (contract order) whose value a published row or an earlier accepted row holds. With at most
 * one unique column the accepted rows are exactly the first of each value (or, for a NULL value, of each
 * `_row_hash`) — one window. With more, a row's fate depends on the fate of earlier rows it shares a value
 * with (the lexicographically first maximal independent set), decided in rounds: a row is accepted when it
 * comes first among the rows not yet rejected in every group it belongs to, and rejected when an accepted
 * row comes before it in one of them.
 */
function firstOccurrences(d: DatasetModel, options: EtlOptions, cte: (name: string, q: SqlSelect, materialized?: boolean) => void): void {
  const unique = uniqueColumns(d);
  const pub = RELATIONS.published;
  // Published values: one row per distinct value, so joining them never multiplies rows.
  let fromItem: SqlFrom = from('judged', 'j');
  const distinctOf = (column: string, alias: string): SqlQuery => ({
    kind: 'select',
    items: [item(col(column), alias)],
    from: from(pub),
    where: isNotNull(col(column)),
    groupBy: [col(column)],
  });
  fromItem = { kind: 'join', join: 'left', left: fromItem, right: { kind: 'subquery', query: distinctOf('_row_hash', '_ph'), alias: 'ph' }, on: cmp('=', col('_row_hash', undefined, 'j'), col('_ph', undefined, 'ph')) };
  unique.forEach(({ index }, k) => {
    fromItem = {
      kind: 'join',
      join: 'left',
      left: fromItem,
      right: { kind: 'subquery', query: distinctOf(uniqueColumn(k), `_pu${k}`), alias: `pu${k}` },
      on: cmp('=', col(valueColumn(index), undefined, 'j'), col(`_pu${k}`, undefined, `pu${k}`)),
    };
  });
  const pre = caseOf(
    [
      { when: isNotNull(col('_error', undefined, 'j')), then: nullOf(STRING) },
      { when: isNotNull(col('_ph', undefined, 'ph')), then: str('duplicate') },
      ...unique.map(({ column }, k) => ({ when: isNotNull(col(`_pu${k}`, undefined, `pu${k}`)), then: str(`unique:${column.name}`) })),
    ],
    undefined,
    STRING,
  );
  cte('checked', { kind: 'select', items: [item({ kind: 'star' }), item(pre, '_pre')], from: fromItem });

  // The order in which "first" is meant, and whether a row takes part at all.
  const ord: SqlExpr =
    options.order === 'record'
      ? col('record', BIGINT)
      : call('concat', [col('_row_hash'), str('/'), { kind: 'cast', operand: { kind: 'window', fn: 'row_number', args: [], partitionBy: [col('_row_hash')], orderBy: [], type: BIGINT }, type: STRING, safe: false }], STRING);
  const candidate = and(isNull(col('_error')), isNull(col('_pre')))!;
  // The groups a row's first occurrence is decided in, as plain columns (window keys stay simple column lists).
  const one = unique.length === 1 ? unique[0]! : undefined;
  const groupItems = one
    ? [item(flag(isNull(col(valueColumn(one.index)))), '_g_null'), item(caseOf([{ when: isNull(col(valueColumn(one.index))), then: col('_row_hash') }], undefined, STRING), '_g_hash')]
    : [];
  cte('candidates', { kind: 'select', items: [item({ kind: 'star' }), item(ord, '_ord'), item(flag(candidate), '_cand'), ...groupItems], from: from('checked') }, unique.length >= 2);
  const ordCol = col('_ord');
  const cand = col('_cand', BOOLEAN);

  if (unique.length <= 1) {
    const u = unique[0];
    const keys: SqlExpr[] = u ? [cand, col('_g_null'), col('_g_hash'), col(valueColumn(u.index))] : [cand, col('_row_hash')];
    const first = cmp('=', { kind: 'window', fn: 'row_number', args: [], partitionBy: keys, orderBy: [{ expr: ordCol }], type: BIGINT }, int(1));
    const winnerHash: SqlExpr = { kind: 'window', fn: 'first_value', args: [col('_row_hash')], partitionBy: keys, orderBy: [{ expr: ordCol }], type: STRING };
    const verdict = caseOf(
      [
        { when: { kind: 'not', operand: cand }, then: nullOf(STRING) },
        { when: first, then: str('silver') },
        ...(u ? [{ when: cmp('<>', winnerHash, col('_row_hash')), then: str(`unique:${u.column.name}`) }] : []),
      ],
      str('duplicate'),
      STRING,
    );
    cte('verdicts', { kind: 'select', items: [item({ kind: 'star' }), item(verdict, '_verdict')], from: from('candidates') });
    cte('first_occurrence', { kind: 'select', items: [item({ kind: 'star' }), item(finalErrorOf(), '_final_error')], from: from('verdicts') });
    return;
  }

  // Two or more unique columns: rounds.
  const keys: SqlExpr[] = [col('_row_hash'), ...unique.map(({ index }) => col(valueColumn(index)))];
  const rounds = options.rounds ?? 4;
  let acc: SqlExpr = { kind: 'literal', value: { type: 'boolean', value: false } };
  let rej: SqlExpr = acc;
  let source = 'candidates';
  const minBy = (value: SqlExpr, k: SqlExpr): SqlExpr => ({ kind: 'window', fn: 'min', args: [value], partitionBy: [k], orderBy: [] });
  // A group's minimum is NULL where the group has no such row: a comparison with it is then false, never NULL.
  const known = (min: SqlExpr, op: '=' | '<'): SqlExpr => and(isNotNull(min), cmp(op, min, ordCol))!;
  for (let r = 1; r <= rounds; r++) {
    // Each group's first row among those not yet rejected, then whether a row is first in all its groups.
    const open = and(cand, { kind: 'not', operand: rej })!;
    cte(`open_${r}`, { kind: 'select', items: [item({ kind: 'star' }), ...keys.map((k, x) => item(minBy(caseOf([{ when: open, then: ordCol }]), k), `_o${r}_${x}`))], from: from(source) });
    const firstAmongOpen = keys.map((k, x) => or(isNull(k), known(col(`_o${r}_${x}`), '=')));
    const accepted = or(and(open, { kind: 'not', operand: acc }, ...firstAmongOpen)!, acc);
    cte(`accept_${r}`, { kind: 'select', items: [item({ kind: 'star' }), item(flag(accepted), `_acc${r}`)], from: from(`open_${r}`) });
    const accNow = col(`_acc${r}`, BOOLEAN);
    // Each group's first accepted row: a row after it in the group is rejected.
    cte(`first_${r}`, { kind: 'select', items: [item({ kind: 'star' }), ...keys.map((k, x) => item(minBy(caseOf([{ when: accNow, then: ordCol }]), k), `_f${r}_${x}`))], from: from(`accept_${r}`) });
    const rejected = or(and(cand, { kind: 'not', operand: accNow }, or(...keys.map((k, x) => and(isNotNull(k), known(col(`_f${r}_${x}`), '<'))!)))!, rej);
    cte(`reject_${r}`, { kind: 'select', items: [item({ kind: 'star' }), item(flag(rejected), `_rej${r}`)], from: from(`first_${r}`) }, true);
    acc = accNow;
    rej = col(`_rej${r}`, BOOLEAN);
    source = `reject_${r}`;
  }
  const last = (x: number) => col(`_f${rounds}_${x}`);
  const verdict = caseOf(
    [
      { when: { kind: 'not', operand: cand }, then: nullOf(STRING) },
      { when: acc, then: str('silver') },
      { when: { kind: 'not', operand: rej }, then: str('undecided') },
      { when: and(isNotNull(col('_row_hash')), cmp('<', last(0), ordCol))!, then: str('duplicate') },
      ...unique.map(({ column, index }, k) => ({ when: and(isNotNull(col(valueColumn(index))), cmp('<', last(k + 1), ordCol))!, then: str(`unique:${column.name}`) })),
    ],
    str('undecided'),
    STRING,
  );
  cte('verdicts', { kind: 'select', items: [item({ kind: 'star' }), item(verdict, '_verdict')], from: from(source) });
  cte('first_occurrence', { kind: 'select', items: [item({ kind: 'star' }), item(finalErrorOf(), '_final_error')], from: from('verdicts') });
}

/** The row's error: a column or record error, else a published clash, else its first-occurrence verdict. */
function finalErrorOf(): SqlExpr {
  return caseOf(
    [
      { when: isNotNull(col('_error')), then: col('_error') },
      { when: isNotNull(col('_pre')), then: col('_pre') },
      { when: { kind: 'in', operand: col('_verdict'), list: [str('silver'), str('undecided')], negated: false }, then: nullOf(STRING) },
    ],
    col('_verdict'),
    STRING,
  );
}

/** One table's rows from `routed`, columns in the table's order (the Glue table's and the TypeScript engine's). */
function layerRows(d: DatasetModel, t: TableDef, layer: 'silver' | 'quarantine' | 'condemned', routedFrom: SqlFrom): SqlQuery {
  const columnIndex = new Map(d.columns.map((c, i) => [c.name, i]));
  const items: SqlSelectItem[] = t.columns.map((c) => {
    const i = columnIndex.get(c.name);
    if (i !== undefined) return item(layer === 'silver' ? col(valueColumn(i)) : col(cellColumn(i)), c.name);
    switch (c.name) {
      case '_run_id':
        return item(param(RUN_ID_PARAM), c.name);
      case '_ingest_date':
        return item(param(INGEST_DATE_PARAM), c.name);
      case '_source_file':
        return item(param(SOURCE_FILE_PARAM), c.name);
      case '_source_record':
        return item({ kind: 'cast', operand: col('record'), type: BIGINT, safe: false }, c.name);
      case '_row_hash':
      case '_raw_record':
      case 'validation_error':
      case 'condemned_reason':
        return item(col(c.name), c.name);
      case 'attempt_count':
        return item({ kind: 'cast', operand: int(1), type: { kind: 'int' }, safe: false }, c.name);
      default:
        throw new Error(`${t.database}.${t.name}: no value for column ${c.name}`);
    }
  });
  const partitions = layer === 'silver' ? d.partitions.map((p) => item(col(p.name), p.name)) : [];
  return { kind: 'select', items: [...items, ...partitions], from: routedFrom, where: cmp('=', col('_layer'), str(layer)) };
}
