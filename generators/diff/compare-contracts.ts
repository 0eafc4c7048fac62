import { formatColumnType, sameType } from '../contract/column-type';
import type { ContractBase } from '../contract/contract-base';
import type { DatasetId } from '../contract/dataset-id';
import { datasetKey } from '../contract/dataset-id';
import type { ColumnModel, DatasetModel, PartitionModel } from '../contract/dataset-model';
import type { Expr } from '../contract/expression';
import type { GoldModel, MeasureModel } from '../contract/gold-model';
import type { ContractModel } from '../contract/lake-model';
import { comparableColumns, compareCells, sameCell } from './cell-value';
import { codeList, msg, text, type Change, type ChangeScope, type Impact, type Message } from './change';
import { classifyTypeChange } from './type-change';

/** Collects the changes of one comparison, all with the same contract and scope. */
class ChangeList {
  readonly changes: Change[] = [];
  constructor(
    private readonly contract: DatasetId,
    private readonly layer: 'silver' | 'gold',
    private readonly scope: ChangeScope,
    private readonly comparedWith?: string,
  ) {}

  add(impact: Impact, what: Message, reason: Message): void {
    this.changes.push({
      contract: this.contract,
      layer: this.layer,
      scope: this.scope,
      ...(this.comparedWith ? { comparedWith: this.comparedWith } : {}),
      what,
      impact,
      reason,
      blocking: this.scope === 'in-place' && impact === 'breaking',
    });
  }
}

export function layerOf(c: ContractModel): 'silver' | 'gold' {
  return c.kind === 'dataset' ? 'silver' : 'gold';
}

/** An expression as shown in a report: on one line, as written otherwise. */
function shownExpr(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A value from a contract as shown in a report: as written, or JSON-quoted where it has spaces, controls or is empty. */
export function shown(value: string): string {
  return value === '' || /[\s\u0000-\u001f\u007f-\u009f`]/.test(value) ? JSON.stringify(value) : value;
}

/**
 * Every difference between two versions of a contract: `base` as it is on the base branch and `head` as it is
 * here. For scope `in-place` they are the same schema_v; for `new-version`, head is a new schema_v and base the
 * version it replaces.
 */
export function compareContracts(base: ContractModel, head: ContractModel, scope: 'in-place' | 'new-version'): Change[] {
  const list = new ChangeList(head.id, layerOf(head), scope, scope === 'new-version' ? base.id.schemaV : undefined);
  if (base.kind !== head.kind) {
    list.add('breaking', msg`kind changed from ${base.kind} to ${head.kind}`, msg`readers of the old table lose it entirely`);
    return list.changes;
  }
  compareBase(base, head, list);
  if (base.kind === 'dataset' && head.kind === 'dataset') compareDatasets(base, head, list);
  if (base.kind === 'gold' && head.kind === 'gold') compareGolds(base, head, list);
  return list.changes;
}

function compareBase(base: ContractBase & ContractModel, head: ContractBase & ContractModel, list: ChangeList): void {
  if (base.description !== head.description) list.add('informational', msg`description changed`, msg`documentation only`);
  for (const role of ['owner', 'steward'] as const) {
    if (base.owners[role] !== head.owners[role]) {
      list.add('informational', msg`${text(role)} changed from ${base.owners[role]} to ${head.owners[role]}`, msg`ownership only; no effect on data`);
    }
  }
  const addedReviewers = head.owners.reviewers.filter((r) => !base.owners.reviewers.includes(r));
  const removedReviewers = base.owners.reviewers.filter((r) => !head.owners.reviewers.includes(r));
  if (addedReviewers.length || removedReviewers.length) {
    const parts: Message[] = [];
    if (addedReviewers.length) parts.push(msg`${codeList(addedReviewers)} added`);
    if (removedReviewers.length) parts.push(msg`${codeList(removedReviewers)} removed`);
    list.add('informational', msg`reviewers: ${parts.flatMap((p, i) => (i ? ['; ', ...p] : [...p]))}`, msg`CODEOWNERS changes with them (run ${'lakec codeowners'})`);
  }
  if (base.classification !== head.classification) {
    const restricting = base.kind === 'dataset' && head.classification === 'restricted';
    list.add(
      restricting ? 'breaking' : 'informational',
      msg`classification ${base.classification} → ${head.classification}`,
      restricting
        ? msg`restricted silver is not readable by the finance role; its readers lose access`
        : msg`changes encryption and access on the next deploy (confidential and restricted data use a customer key); no effect on rows`,
    );
  }
  if (!base.deprecated && head.deprecated) {
    list.add('informational', msg`deprecated since ${head.deprecated.since}, replaced by ${head.deprecated.replacedBy}`, msg`once this is merged, a later pull request may remove ${head.id.schemaV}`);
  } else if (base.deprecated && !head.deprecated) {
    list.add('informational', msg`no longer deprecated`, msg`${head.id.schemaV} stays until it is deprecated again`);
  } else if (base.deprecated && head.deprecated && (base.deprecated.since !== head.deprecated.since || base.deprecated.replacedBy !== head.deprecated.replacedBy)) {
    list.add('informational', msg`deprecation changed to since ${head.deprecated.since}, replaced by ${head.deprecated.replacedBy}`, msg`documentation of the deprecation only`);
  }
}

function compareDatasets(base: DatasetModel, head: DatasetModel, list: ChangeList): void {
  compareSource(base, head, list);
  const headByName = new Map(head.columns.map((c) => [c.name, c]));
  const baseByName = new Map(base.columns.map((c) => [c.name, c]));
  const removed = base.columns.filter((c) => !headByName.has(c.name));
  const added = head.columns.filter((c) => !baseByName.has(c.name));
  for (const c of removed) {
    const twin = added.find((a) => sameType(a.type, c.type) && head.columns.indexOf(a) === base.columns.indexOf(c));
    list.add(
      'breaking',
      msg`column ${c.name} removed`,
      twin
        ? msg`readers of silver lose it. If it was renamed to ${twin.name}: a rename is a removal plus an addition, and just as breaking`
        : msg`readers of silver lose the column`,
    );
  }
  for (const c of added) {
    if (c.required) {
      list.add('breaking', msg`required column ${c.name} added`, msg`deliveries without it are rejected whole, and reruns of earlier deliveries fail`);
    } else if (!head.source.header) {
      list.add('breaking', msg`column ${c.name} added`, msg`files without a header are read by position: deliveries in the old layout have the wrong number of cells`);
    } else {
      list.add('compatible', msg`optional column ${c.name} (${formatColumnType(c.type)}) added`, msg`deliveries without it read it as null; readers gain a column`);
    }
  }
  const common = base.columns.filter((c) => headByName.has(c.name)).map((c) => c.name);
  const commonInHeadOrder = head.columns.filter((c) => baseByName.has(c.name)).map((c) => c.name);
  if (common.join(',') !== commonInHeadOrder.join(',')) {
    if (head.source.header && base.source.header) {
      list.add('compatible', msg`column order changed`, msg`cells are matched by header name and silver is read by column name`);
    } else {
      list.add('breaking', msg`column order changed`, msg`files without a header are read by position: cells would land in other columns`);
    }
  }
  for (const name of common) compareColumn(baseByName.get(name)!, headByName.get(name)!, list);
  comparePartitions(base.partitions, head.partitions, list);
  const q = [
    ['max_quarantine_rate', base.quality.maxQuarantineRate, head.quality.maxQuarantineRate],
    ['max_attempts', base.quality.maxAttempts, head.quality.maxAttempts],
    ['circuit_breaker_per_hour', base.quality.circuitBreakerPerHour, head.quality.circuitBreakerPerHour],
  ] as const;
  for (const [key, a, b] of q) {
    if (a !== b) list.add('informational', msg`${`quality.${key}`} ${text(String(a))} → ${text(String(b))}`, msg`an operational threshold (alarm, retries, circuit breaker); rows are routed by the column rules`);
  }
}

function compareSource(base: DatasetModel, head: DatasetModel, list: ChangeList): void {
  const readDifferently = msg`deliveries are read differently: rows accepted before would be rejected or read as other values (reruns included)`;
  if (base.source.delimiter !== head.source.delimiter) {
    list.add('breaking', msg`delimiter ${shown(base.source.delimiter)} → ${shown(head.source.delimiter)}`, readDifferently);
  }
  if (base.source.header !== head.source.header) {
    list.add('breaking', msg`source.header ${String(base.source.header)} → ${String(head.source.header)}`, readDifferently);
  }
  const addedNulls = head.source.nullValues.filter((v) => !base.source.nullValues.includes(v));
  const removedNulls = base.source.nullValues.filter((v) => !head.source.nullValues.includes(v));
  if (addedNulls.length) {
    list.add('breaking', msg`null value${text(addedNulls.length > 1 ? 's' : '')} ${codeList(addedNulls.map(shown))} added`, msg`such cells were values and are now null (and rejected in required columns)`);
  }
  if (removedNulls.length) {
    list.add('breaking', msg`null value${text(removedNulls.length > 1 ? 's' : '')} ${codeList(removedNulls.map(shown))} removed`, msg`such cells were null and are now values (and rejected in typed columns)`);
  }
}

function compareColumn(b: ColumnModel, h: ColumnModel, list: ChangeList): void {
  const col = (what: Message): Message => msg`column ${h.name}: ${what}`;
  const typeChanged = !sameType(b.type, h.type);
  if (typeChanged) {
    const t = classifyTypeChange(b.type, h.type);
    list.add(t.compatible ? 'compatible' : 'breaking', col(msg`type ${formatColumnType(b.type)} → ${formatColumnType(h.type)} (${text(t.direction === 'other' ? 'changed' : t.direction)})`), [t.reason]);
  }
  if (b.sourceName !== h.sourceName) {
    list.add('breaking', col(msg`header ${shown(b.sourceName)} → ${shown(h.sourceName)}`), msg`files with the old header no longer fill the column (reruns of earlier deliveries included)`);
  }
  if (b.format && h.format && b.format.text !== h.format.text && JSON.stringify(b.format.tokens) !== JSON.stringify(h.format.tokens)) {
    list.add('breaking', col(msg`format ${shown(b.format.text)} → ${shown(h.format.text)}`), msg`cells in the old format are rejected or read as other times`);
  }
  if (b.required !== h.required) {
    if (h.required) list.add('breaking', col(msg`required added`), msg`rows with a null ${h.name} were accepted and are now quarantined`);
    else list.add('compatible', col(msg`required removed`), msg`a rule relaxed: every row accepted before is still accepted`);
  }
  if (b.unique !== h.unique) {
    if (h.unique) list.add('breaking', col(msg`unique added`), msg`rows repeating an earlier value were accepted and are now quarantined`);
    else list.add('compatible', col(msg`unique removed`), msg`a rule relaxed: every row accepted before is still accepted`);
  }
  if (b.pattern?.canonical !== h.pattern?.canonical) {
    if (!b.pattern) list.add('breaking', col(msg`pattern ${shown(h.pattern!.source)} added`), msg`a rule tightened: cells not matching it were accepted and are now quarantined`);
    else if (!h.pattern) list.add('compatible', col(msg`pattern ${shown(b.pattern.source)} removed`), msg`a rule relaxed: every row accepted before is still accepted`);
    else list.add('breaking', col(msg`pattern ${shown(b.pattern.source)} → ${shown(h.pattern.source)}`), msg`a changed pattern is treated as tightened: some cells accepted before may now be quarantined`);
  } else if (b.pattern && h.pattern && b.pattern.source !== h.pattern.source) {
    list.add('informational', col(msg`pattern respelt ${shown(b.pattern.source)} → ${shown(h.pattern.source)}`), msg`the same pattern (identical once normalised)`);
  }
  if (comparableColumns(b, h)) compareRules(b, h, col, list);
  if (b.description !== h.description) list.add('informational', col(msg`description changed`), msg`documentation only`);
}

/** allowed, min, max, min_length and max_length, compared by value. */
function compareRules(b: ColumnModel, h: ColumnModel, col: (what: Message) => Message, list: ChangeList): void {
  const relaxed = msg`a rule relaxed: every row accepted before is still accepted`;
  if (b.allowed && !h.allowed) list.add('compatible', col(msg`allowed values removed`), relaxed);
  if (!b.allowed && h.allowed) list.add('breaking', col(msg`allowed values added: only ${codeList(h.allowed.map(shown))}`), msg`a rule tightened: other values were accepted and are now quarantined`);
  if (b.allowed && h.allowed) {
    const gone = b.allowed.filter((v) => !h.allowed!.some((w) => sameCell(v, b, w, h)));
    const fresh = h.allowed.filter((w) => !b.allowed!.some((v) => sameCell(v, b, w, h)));
    if (gone.length) list.add('breaking', col(msg`allowed value${text(gone.length > 1 ? 's' : '')} ${codeList(gone.map(shown))} removed`), msg`a rule tightened: rows with ${text(gone.length > 1 ? 'these values' : 'this value')} were accepted and are now quarantined`);
    if (fresh.length) list.add('compatible', col(msg`allowed value${text(fresh.length > 1 ? 's' : '')} ${codeList(fresh.map(shown))} added`), relaxed);
  }
  for (const [key, tighter] of [['min', 1], ['max', -1]] as const) {
    const a = b[key];
    const c = h[key];
    if (a === undefined && c === undefined) continue;
    if (a === undefined) list.add('breaking', col(msg`${text(key)} ${shown(c!)} added`), msg`a rule tightened: values beyond it were accepted and are now quarantined`);
    else if (c === undefined) list.add('compatible', col(msg`${text(key)} ${shown(a)} removed`), relaxed);
    else {
      const order = compareCells(a, b, c, h);
      if (order === undefined) continue;
      const direction = -order * tighter;
      if (direction > 0) list.add('breaking', col(msg`${text(key)} tightened ${shown(a)} → ${shown(c)}`), msg`a rule tightened: values between the two were accepted and are now quarantined`);
      else if (direction < 0) list.add('compatible', col(msg`${text(key)} relaxed ${shown(a)} → ${shown(c)}`), relaxed);
      else if (a !== c) list.add('informational', col(msg`${text(key)} respelt ${shown(a)} → ${shown(c)}`), msg`the same value`);
    }
  }
  for (const [key, field, tighter] of [['min_length', 'minLength', 1], ['max_length', 'maxLength', -1]] as const) {
    const a = b[field];
    const c = h[field];
    if (a === c) continue;
    if (a === undefined) list.add('breaking', col(msg`${text(key)} ${String(c)} added`), msg`a rule tightened: cells of other lengths were accepted and are now quarantined`);
    else if (c === undefined) list.add('compatible', col(msg`${text(key)} ${String(a)} removed`), relaxed);
    else if (Math.sign(c - a) === tighter) list.add('breaking', col(msg`${text(key)} tightened ${String(a)} → ${String(c)}`), msg`a rule tightened: cells of lengths between the two were accepted and are now quarantined`);
    else list.add('compatible', col(msg`${text(key)} relaxed ${String(a)} → ${String(c)}`), relaxed);
  }
}

function partitionText(p: PartitionModel): string {
  return `${p.name} = ${p.transform}(${p.from})`;
}

function comparePartitions(base: readonly PartitionModel[], head: readonly PartitionModel[], list: ChangeList): void {
  const a = base.map(partitionText);
  const b = head.map(partitionText);
  if (a.join(',') === b.join(',')) return;
  const reason = msg`the silver layout and the table's partition keys change: runs written before are not found under the new keys`;
  const baseNames = new Map(base.map((p) => [p.name, p]));
  const headNames = new Map(head.map((p) => [p.name, p]));
  for (const p of base) {
    const q = headNames.get(p.name);
    if (!q) list.add('breaking', msg`partition key ${p.name} removed`, reason);
    else if (partitionText(p) !== partitionText(q)) list.add('breaking', msg`partition key ${partitionText(p)} → ${partitionText(q)}`, reason);
  }
  for (const q of head) if (!baseNames.has(q.name)) list.add('breaking', msg`partition key ${partitionText(q)} added`, reason);
  const commonA = base.filter((p) => headNames.has(p.name)).map((p) => p.name).join(',');
  const commonB = head.filter((p) => baseNames.has(p.name)).map((p) => p.name).join(',');
  if (commonA !== commonB) list.add('breaking', msg`partition keys reordered: ${codeList(b)}`, reason);
}

/** Structural equality of expressions: the same tree whatever the spelling (case, spaces, `!=` for `<>`). */
export function sameExpr(a: Expr | undefined, b: Expr | undefined): boolean {
  const strip = (e: Expr | undefined) => JSON.stringify(e ?? null, (key, value: unknown) => (key === 'at' ? undefined : value));
  return strip(a) === strip(b);
}

function compareGolds(base: GoldModel, head: GoldModel, list: ChangeList): void {
  const redefined = msg`every measure is computed differently: finance's published months would change meaning`;
  if (datasetKey(base.from) !== datasetKey(head.from)) {
    list.add('breaking', msg`source ${datasetKey(base.from)} → ${datasetKey(head.from)}`, redefined);
  }
  if (base.time.column !== head.time.column) list.add('breaking', msg`time column ${base.time.column} → ${head.time.column}`, msg`rows are placed in other months`);
  if (base.time.grain !== head.time.grain) list.add('breaking', msg`time grain ${base.time.grain} → ${head.time.grain}`, msg`rows are placed in other periods`);
  if (base.time.as !== head.time.as) list.add('breaking', msg`period column ${base.time.as} renamed to ${head.time.as}`, msg`readers lose the column and its partition key`);
  if (!sameExpr(base.filter?.expr, head.filter?.expr)) {
    const what = !base.filter ? msg`filter ${shownExpr(head.filter!.text)} added` : !head.filter ? msg`filter ${shownExpr(base.filter.text)} removed` : msg`filter ${shownExpr(base.filter.text)} → ${shownExpr(head.filter.text)}`;
    list.add('breaking', what, redefined);
  } else if (base.filter && head.filter && base.filter.text !== head.filter.text) {
    list.add('informational', msg`filter respelt ${shownExpr(base.filter.text)} → ${shownExpr(head.filter.text)}`, msg`the same expression`);
  }

  const headDims = new Map(head.dimensions.map((d) => [d.name, d]));
  const baseDims = new Map(base.dimensions.map((d) => [d.name, d]));
  for (const d of base.dimensions) {
    const h = headDims.get(d.name);
    if (!h) list.add('breaking', msg`dimension ${d.name} removed`, msg`readers lose the column, and rows are summed over it: each row now covers several ${d.name} values`);
    else if (!sameType(d.type, h.type)) {
      const t = classifyTypeChange(d.type, h.type);
      list.add(t.compatible ? 'compatible' : 'breaking', msg`dimension ${d.name}: type ${formatColumnType(d.type)} → ${formatColumnType(h.type)}`, [t.reason]);
    }
    if (h && d.description !== h.description) list.add('informational', msg`dimension ${d.name}: description changed`, msg`documentation only`);
  }
  for (const d of head.dimensions) {
    if (!baseDims.has(d.name)) list.add('breaking', msg`dimension ${d.name} added`, msg`rows are split finer: a query expecting one row per ${codeList(base.dimensions.map((x) => x.name).concat(base.time.as))} gets several`);
  }
  const commonDims = (from: GoldModel, other: ReadonlyMap<string, unknown>) => from.dimensions.filter((d) => other.has(d.name)).map((d) => d.name).join(',');
  if (commonDims(base, headDims) !== commonDims(head, baseDims)) list.add('informational', msg`dimension order changed`, msg`only the order of the view's columns`);

  const headMeasures = new Map(head.measures.map((m) => [m.name, m]));
  const baseMeasures = new Map(base.measures.map((m) => [m.name, m]));
  for (const m of base.measures) {
    const h = headMeasures.get(m.name);
    if (!h) {
      const twin = head.measures.find((x) => !baseMeasures.has(x.name) && sameExpr(x.expr, m.expr) && x.running === m.running);
      list.add('breaking', msg`measure ${m.name} removed`, twin ? msg`readers lose the column. ${twin.name} has the same definition: a rename is a removal plus an addition, and just as breaking` : msg`readers lose the column`);
    } else compareMeasure(m, h, list);
  }
  for (const m of head.measures) {
    if (!baseMeasures.has(m.name)) list.add('compatible', msg`measure ${m.name} = ${shownExpr(m.text)} added`, msg`a new column; existing columns and rows keep their meaning`);
  }
  if (base.openMonths !== head.openMonths) {
    list.add('informational', msg`restatement window ${String(base.openMonths)} → ${String(head.openMonths)} months`, msg`how far back a run may change published months without --allow-restatement`);
  }
}

function compareMeasure(b: MeasureModel, h: MeasureModel, list: ChangeList): void {
  if (!sameExpr(b.expr, h.expr)) {
    list.add('breaking', msg`measure ${h.name} redefined: ${shownExpr(b.text)} → ${shownExpr(h.text)}`, msg`the column keeps its name but changes meaning`);
  } else if (b.text !== h.text) {
    list.add('informational', msg`measure ${h.name} respelt: ${shownExpr(b.text)} → ${shownExpr(h.text)}`, msg`the same expression`);
  }
  if (b.running !== h.running) {
    list.add('breaking', msg`measure ${h.name}: running ${String(b.running)} → ${String(h.running)}`, msg`${text(h.running ? 'monthly values become cumulative' : 'cumulative values become monthly')}: the column changes meaning`);
  }
  if (sameExpr(b.expr, h.expr) && !sameType(b.type, h.type)) {
    const t = classifyTypeChange(b.type, h.type);
    list.add(t.compatible ? 'compatible' : 'breaking', msg`measure ${h.name}: type ${formatColumnType(b.type)} → ${formatColumnType(h.type)}`, [t.reason]);
  }
  if (b.description !== h.description) list.add('informational', msg`measure ${h.name}: description changed`, msg`documentation only`);
}
