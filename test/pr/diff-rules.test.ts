import { messageText, type Change } from '../../generators/diff/change';
import { diffModels } from '../../generators/diff/diff-models';
import { classifyTypeChange } from '../../generators/diff/type-change';
import { parseColumnType, type ColumnType } from '../../generators/contract/column-type';
import type { LakeModel } from '../../generators/contract/lake-model';
import { modelFromTexts } from '../support/specs';

/** A small dataset and a Gold contract over it; each case edits the text and says what the diff must find. */
const DATASET = `kind: dataset
domain: shop
name: orders
schema_v: v1
description: Orders.
owners: { owner: data-platform, steward: shop-analysts, reviewers: ["@acme/shop"] }
classification: internal
source: { format: csv, delimiter: ",", header: true, null_values: [""] }
columns:
  - { name: order_id, type: string, required: true, unique: true, pattern: "^O[0-9]+$" }
  - { name: qty, type: int, min: 0, max: 100 }
  - { name: price, type: "decimal(10,2)", required: true, min: 0 }
  - { name: status, type: string, allowed: [NEW, PAID, SHIPPED] }
  - { name: code, type: string, min_length: 2, max_length: 8 }
  - { name: placed_at, type: timestamp, required: true, format: "yyyy-MM-dd HH:mm:ss" }
  - { name: placed_on, type: date, min: "2020-01-01" }
partitions:
  - { name: year, from: placed_at, transform: year }
quality: { max_quarantine_rate: 0.05, max_attempts: 3, circuit_breaker_per_hour: 100 }
`;

const GOLD = `kind: gold
domain: finance
name: sales
schema_v: v1
description: Sales per status.
owners: { owner: finance, steward: finance-controller, reviewers: ["@acme/finance"] }
classification: internal
from: shop.orders@v1
time: { column: placed_at, as: month }
dimensions: [status]
measures:
  - { name: revenue, expr: "sum(price * qty)" }
  - { name: orders, expr: "count(*)" }
`;

function model(files: Record<string, string>): LakeModel {
  const r = modelFromTexts(files);
  if (!r.model) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join('\n'));
  return r.model;
}

const BASE = model({ 'shop/orders.yaml': DATASET, 'finance/sales.yaml': GOLD });

function diffEdit(edit: (text: string) => string, gold = false) {
  const head = model({ 'shop/orders.yaml': gold ? DATASET : edit(DATASET), 'finance/sales.yaml': gold ? edit(GOLD) : GOLD });
  return diffModels({ base: BASE, head });
}

function summary(c: Change): string {
  return `${c.impact}${c.blocking ? '!' : ''} ${messageText(c.what)}`;
}

function replace(from: string, to: string): (t: string) => string {
  return (t) => {
    if (!t.includes(from)) throw new Error(`fixture does not contain ${from}`);
    return t.replace(from, to);
  };
}

describe('dataset changes in place, one rule at a time', () => {
  const cases: [string, (t: string) => string, string[]][] = [
    ['column removed', replace('  - { name: code, type: string, min_length: 2, max_length: 8 }\n', ''), ['breaking! column `code` removed']],
    ['column renamed = removed + added', replace('name: code,', 'name: code2,'), ['breaking! column `code` removed', 'compatible optional column `code2` (`string`) added']],
    ['optional column added', replace('partitions:', '  - { name: note, type: string }\npartitions:'), ['compatible optional column `note` (`string`) added']],
    ['required column added', replace('partitions:', '  - { name: note, type: string, required: true }\npartitions:'), ['breaking! required column `note` added']],
    ['int → bigint is widening and compatible', replace('name: qty, type: int', 'name: qty, type: bigint'), ['compatible column `qty`: type `int` → `bigint` (widening)']],
    ['bigint-narrowing of decimal precision', replace('type: "decimal(10,2)"', 'type: "decimal(8,2)"'), ['breaking! column `price`: type `decimal(10,2)` → `decimal(8,2)` (narrowing)']],
    ['decimal widening is told apart but still breaking', replace('type: "decimal(10,2)"', 'type: "decimal(12,2)"'), ['breaking! column `price`: type `decimal(10,2)` → `decimal(12,2)` (widening)']],
    ['decimal scale cut is narrowing', replace('type: "decimal(10,2)"', 'type: "decimal(10,0)"'), ['breaking! measure `revenue`: type `decimal(38,2)` → `decimal(38,0)`', 'breaking! column `price`: type `decimal(10,2)` → `decimal(10,0)` (narrowing)']],
    ['string → int is another type', replace('name: code, type: string, min_length: 2, max_length: 8', 'name: code, type: int'), ['breaking! column `code`: type `string` → `int` (changed)']],
    ['required added', replace('name: qty, type: int,', 'name: qty, type: int, required: true,'), ['breaking! column `qty`: required added']],
    ['required removed', replace('name: price, type: "decimal(10,2)", required: true,', 'name: price, type: "decimal(10,2)",'), ['compatible column `price`: required removed']],
    ['unique added', replace('name: status, type: string,', 'name: status, type: string, unique: true,'), ['breaking! column `status`: unique added']],
    ['unique removed', replace('required: true, unique: true, pattern', 'required: true, pattern'), ['compatible column `order_id`: unique removed']],
    ['pattern changed', replace('"^O[0-9]+$"', '"^O[0-9]{4}$"'), ['breaking! column `order_id`: pattern `^O[0-9]+$` → `^O[0-9]{4}$`']],
    ['pattern respelt to the same canonical form', replace('"^O[0-9]+$"', '"O[0-9]+"'), ['informational column `order_id`: pattern respelt `^O[0-9]+$` → `O[0-9]+`']],
    ['pattern removed', replace(', pattern: "^O[0-9]+$"', ''), ['compatible column `order_id`: pattern `^O[0-9]+$` removed']],
    ['allowed value removed', replace('[NEW, PAID, SHIPPED]', '[NEW, PAID]'), ['breaking! column `status`: allowed value `SHIPPED` removed']],
    ['allowed value added', replace('[NEW, PAID, SHIPPED]', '[NEW, PAID, SHIPPED, CANCELLED]'), ['compatible column `status`: allowed value `CANCELLED` added']],
    ['allowed values dropped entirely', replace(', allowed: [NEW, PAID, SHIPPED]', ''), ['compatible column `status`: allowed values removed']],
    ['allowed added where there was none', replace('name: code, type: string,', 'name: code, type: string, allowed: [AB, CD],'), ['breaking! column `code`: allowed values added: only `AB`, `CD`']],
    ['min raised', replace('min: 0, max: 100', 'min: 1, max: 100'), ['breaking! column `qty`: min tightened `0` → `1`']],
    ['max lowered', replace('min: 0, max: 100', 'min: 0, max: 99'), ['breaking! column `qty`: max tightened `100` → `99`']],
    ['max raised', replace('min: 0, max: 100', 'min: 0, max: 1000'), ['compatible column `qty`: max relaxed `100` → `1000`']],
    ['min respelt, same value', replace('required: true, min: 0 }', 'required: true, min: 0.00 }'), ['informational column `price`: min respelt `0` → `0.00`']],
    ['min added', replace('name: status, type: string, allowed', 'name: status, type: string, allowed'), []],
    ['date min compared as a date in each format', replace('{ name: placed_on, type: date, min: "2020-01-01" }', '{ name: placed_on, type: date, format: "dd/MM/yyyy", min: "01/01/2020" }'), ['breaking! column `placed_on`: format `yyyy-MM-dd` → `dd/MM/yyyy`', 'informational column `placed_on`: min respelt `2020-01-01` → `01/01/2020`']],
    ['date min lowered', replace('min: "2020-01-01"', 'min: "2019-12-31"'), ['compatible column `placed_on`: min relaxed `2020-01-01` → `2019-12-31`']],
    ['max_length tightened', replace('max_length: 8', 'max_length: 6'), ['breaking! column `code`: max_length tightened `8` → `6`']],
    ['min_length relaxed', replace('min_length: 2', 'min_length: 1'), ['compatible column `code`: min_length relaxed `2` → `1`']],
    ['timestamp format changed', replace('format: "yyyy-MM-dd HH:mm:ss"', 'format: "yyyy-MM-dd\'T\'HH:mm:ss"'), ["breaking! column `placed_at`: format `\"yyyy-MM-dd HH:mm:ss\"` → `yyyy-MM-dd'T'HH:mm:ssX`".replace("HH:mm:ssX", 'HH:mm:ss')]],
    ['header name changed', replace('{ name: code, type: string,', '{ name: code, source_name: Code, type: string,'), ['breaking! column `code`: header `code` → `Code`']],
    ['partition key added', replace('  - { name: year, from: placed_at, transform: year }\n', '  - { name: year, from: placed_at, transform: year }\n  - { name: month, from: placed_at, transform: month }\n'), ['breaking! partition key `month = month(placed_at)` added']],
    ['partition key removed', replace('partitions:\n  - { name: year, from: placed_at, transform: year }\n', ''), ['breaking! partition key `year` removed']],
    ['delimiter changed', replace('delimiter: ","', 'delimiter: ";"'), ['breaking! delimiter `,` → `;`']],
    ['null value added', replace('null_values: [""]', 'null_values: ["", "NULL"]'), ['breaking! null value `NULL` added']],
    ['column order changed (matched by header)', (t) => t.replace('  - { name: qty, type: int, min: 0, max: 100 }\n', '').replace('partitions:', '  - { name: qty, type: int, min: 0, max: 100 }\npartitions:'), ['compatible column order changed']],
    ['description changed', replace('description: Orders.', 'description: All orders.'), ['informational description changed']],
    ['steward changed', replace('steward: shop-analysts', 'steward: shop-leads'), ['informational steward changed from `shop-analysts` to `shop-leads`']],
    ['reviewers changed', replace('reviewers: ["@acme/shop"]', 'reviewers: ["@acme/shop", "@acme/leads"]'), ['informational reviewers: `@acme/leads` added']],
    ['quality threshold', replace('max_attempts: 3', 'max_attempts: 5'), ['informational `quality.max_attempts` 3 → 5']],
    ['classification to restricted', replace('classification: internal', 'classification: restricted'), ['breaking! classification `internal` → `restricted`']],
    ['classification raised otherwise', replace('classification: internal', 'classification: confidential'), ['informational classification `internal` → `confidential`']],
  ];
  test.each(cases)('%s', (_name, edit, expected) => {
    const report = diffEdit(edit);
    expect(report.changes.map(summary)).toEqual(expected);
    expect(report.blocked).toBe(expected.some((e) => e.includes('!')));
  });

  test('a headerless source: adding any column or reordering is breaking', () => {
    const headless = DATASET.replace('header: true', 'header: false');
    const base = model({ 'shop/orders.yaml': headless });
    const head = model({ 'shop/orders.yaml': headless.replace('partitions:', '  - { name: note, type: string }\npartitions:') });
    expect(diffModels({ base, head }).changes.map(summary)).toEqual(['breaking! column `note` added']);
  });
});

describe('gold changes in place', () => {
  const cases: [string, (t: string) => string, string[]][] = [
    ['measure removed', replace('  - { name: orders, expr: "count(*)" }\n', ''), ['breaking! measure `orders` removed']],
    ['measure redefined', replace('"sum(price * qty)"', '"sum(price)"'), ['breaking! measure `revenue` redefined: `sum(price * qty)` → `sum(price)`']],
    ['measure respelt', replace('"sum(price * qty)"', '"SUM( price*qty )"'), ['informational measure `revenue` respelt: `sum(price * qty)` → `SUM( price*qty )`']],
    ['measure added', replace('measures:\n', 'measures:\n  - { name: items, expr: "sum(qty)" }\n'), ['compatible measure `items` = `sum(qty)` added']],
    ['measure made running', replace('{ name: orders, expr: "count(*)" }', '{ name: orders, expr: "count(*)", running: true }'), ['breaking! measure `orders`: running `false` → `true`']],
    ['dimension removed', replace('dimensions: [status]', 'dimensions: []'), ['breaking! dimension `status` removed']],
    ['dimension added', replace('dimensions: [status]', 'dimensions: [status, code]'), ['breaking! dimension `code` added']],
    ['filter added', replace('dimensions: [status]', 'dimensions: [status]\nfilter: "qty > 0"'), ['breaking! filter `qty > 0` added']],
    ['period column renamed', replace('as: month', 'as: period'), ['breaking! period column `month` renamed to `period`']],
    ['restatement window', replace('measures:', 'restatement: { open_months: 3 }\nmeasures:'), ['informational restatement window `2` → `3` months']],
  ];
  test.each(cases)('%s', (_name, edit, expected) => {
    const report = diffEdit(edit, true);
    expect(report.changes.map(summary)).toEqual(expected);
    expect(report.blocked).toBe(expected.some((e) => e.includes('!')));
    if (report.changes.length) expect(report.approvals.map((a) => a.approvers.map((x) => `${x.role}:${x.who}`).join(','))).toEqual(['owner:finance,steward:finance-controller']);
  });
});

describe('versions: new schema_v, removal, deprecation', () => {
  const v2 = DATASET.replace('schema_v: v1', 'schema_v: v2').replace('  - { name: code, type: string, min_length: 2, max_length: 8 }\n', '');

  test('the same breaking change as a new schema_v beside the old one does not block', () => {
    const head = model({ 'shop/orders.yaml': DATASET, 'shop/orders.v2.yaml': v2, 'finance/sales.yaml': GOLD });
    const report = diffModels({ base: BASE, head });
    expect(report.blocked).toBe(false);
    expect(report.changes.map((c) => `${c.scope} ${summary(c)}`)).toEqual(['added compatible new schema_v `v2` beside `v1`', 'new-version breaking column `code` removed']);
    expect(report.changes[1]!.comparedWith).toBe('v1');
    expect(report.notes.map(messageText).join(' ')).toMatch(/mark `v1` deprecated/);
    expect(report.fixes).toEqual([]);
  });

  test('removing a schema_v that was not deprecated on the base branch blocks, with the two-step fix', () => {
    const base = model({ 'shop/orders.yaml': DATASET, 'shop/orders.v2.yaml': v2 });
    const head = model({ 'shop/orders.v2.yaml': v2 });
    const report = diffModels({ base, head });
    expect(report.changes.map(summary)).toEqual(['breaking! schema_v `v1` removed (`v2` remain)']);
    expect(messageText(report.fixes[0]!)).toMatch(/add `deprecated: \{ since: YYYY-MM-DD, replaced_by: vN \}` to it; remove it in a later pull request/);
  });

  test('removing a schema_v deprecated on the base branch is allowed', () => {
    const deprecated = DATASET.replace('quality:', 'deprecated: { since: 2026-01-31, replaced_by: v2 }\nquality:');
    const base = model({ 'shop/orders.yaml': deprecated, 'shop/orders.v2.yaml': v2 });
    const head = model({ 'shop/orders.v2.yaml': v2 });
    const report = diffModels({ base, head });
    expect(report.blocked).toBe(false);
    expect(report.changes.map(summary)).toEqual(['breaking schema_v `v1` removed (`v2` remain)']);
    expect(messageText(report.changes[0]!.reason)).toMatch(/allowed because it is deprecated on the base branch since `2026-01-31`/);
  });

  test('deprecating in the same pull request as removing does not count: the base decides', () => {
    const base = model({ 'shop/orders.yaml': DATASET, 'shop/orders.v2.yaml': v2 });
    const head = model({ 'shop/orders.v2.yaml': v2 });
    expect(diffModels({ base, head }).blocked).toBe(true);
  });

  test('a renamed dataset is a removal plus an addition, and the report says it looks renamed', () => {
    const base = model({ 'shop/orders.yaml': DATASET });
    const head = model({ 'shop/purchases.yaml': DATASET.replace('name: orders', 'name: purchases') });
    const report = diffModels({ base, head });
    expect(report.changes.map(summary)).toEqual(['breaking! dataset removed (its last schema_v, `v1`)', 'compatible new dataset (7 columns)']);
    expect(messageText(report.changes[0]!.reason)).toMatch(/looks renamed to `shop.purchases@v1`/);
  });

  test('a silver change asks the owners of the Gold contracts that read it', () => {
    const report = diffEdit(replace('[NEW, PAID, SHIPPED]', '[NEW, PAID]'));
    expect(report.approvals.map((a) => `${a.layer} ${a.approvers.map((x) => `${x.role}=${x.who}`).join(' ')}${a.because ? ` (${messageText(a.because)})` : ''}`)).toEqual([
      'gold owner=finance steward=finance-controller (reads `shop.orders@v1`, which changes)',
      'silver steward=shop-analysts platform (owner)=data-platform',
    ]);
  });

  test('no change, no report', () => {
    const report = diffModels({ base: BASE, head: BASE });
    expect(report).toEqual({ changes: [], approvals: [], notes: [], fixes: [], blocked: false });
  });

  test('contracts that could not be compiled on one side are listed, not reported as removed', () => {
    const head = model({ 'shop/orders.yaml': DATASET });
    const report = diffModels({ base: BASE, head, uncompared: new Map([['finance.sales@v1', 'head']]) });
    expect(report.blocked).toBe(false);
    expect(report.changes.map((c) => `${c.scope} ${summary(c)}`)).toEqual(['not-compared informational not compared']);
  });
});

describe('type changes', () => {
  const t = (s: string): ColumnType => {
    const r = parseColumnType(s);
    if (!r.ok) throw new Error(s);
    return r.type;
  };
  test.each([
    ['int', 'bigint', 'widening', true],
    ['bigint', 'int', 'narrowing', false],
    ['int', 'decimal(10,0)', 'widening', false],
    ['int', 'decimal(9,0)', 'narrowing', false],
    ['bigint', 'decimal(19,0)', 'widening', false],
    ['decimal(19,0)', 'bigint', 'narrowing', false],
    ['decimal(18,0)', 'bigint', 'widening', false],
    ['decimal(18,2)', 'decimal(20,2)', 'widening', false],
    ['decimal(18,2)', 'decimal(19,3)', 'widening', false],
    ['decimal(18,2)', 'decimal(18,3)', 'narrowing', false],
    ['timestamp', 'date', 'narrowing', false],
    ['date', 'timestamp', 'other', false],
    ['string', 'int', 'other', false],
    ['double', 'decimal(38,10)', 'other', false],
  ])('%s → %s: %s', (from, to, direction, compatible) => {
    const c = classifyTypeChange(t(from), t(to));
    expect([c.direction, c.compatible]).toEqual([direction, compatible]);
  });
});
