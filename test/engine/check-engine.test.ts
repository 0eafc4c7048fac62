import { checkContracts } from '../../generators/contract/compile-contracts';
import { formatDiagnostic } from '../../generators/contract/diagnostic';
import { contract } from '../runtime/support/lake';
import { lakec } from '../support/cli';

/** `lakec check --engine duckdb|athena`: what that SQL engine cannot match, as positioned warnings. */
const text = contract({
  columns: `
  - { name: id, type: string, required: true, unique: true, pattern: "[A-Z][0-9]+" }
  - { name: note, type: string }
  - { name: code, type: string, allowed: [A, B] }
  - { name: free, type: string, pattern: "[^,]*" }
  - { name: line, type: string, pattern: "[^\\\\n\\\\r]*" }
  - { name: qty, type: int }`,
});
const check = (engine?: 'duckdb' | 'athena') =>
  checkContracts([{ path: 'items.yaml', relPath: 'demo/items.yaml', bytes: Buffer.from(text) }], engine ? { engine } : {}).diagnostics.map(formatDiagnostic);

test('no engine, no warnings: the TypeScript engine is the reference', () => {
  expect(check()).toEqual([]);
});

test('duckdb: string columns that may hold a quoted line break, one warning at the first', () => {
  expect(check('duckdb')).toEqual([
    'items.yaml:12:13: warning: `note`, `free` may hold a line break inside quotes, which lakec run --engine duckdb cannot read: it reads one record per line and refuses such a delivery (the TypeScript engine reads it)\n' +
      '  hint: where cells never hold a line break, say so with a `pattern` (`.` excludes line breaks); otherwise run such deliveries with --engine ts',
  ]);
});

test('athena: also record numbers and the first occurrence of unique values', () => {
  const out = check('athena');
  expect(out).toHaveLength(3);
  expect(out[0]).toMatch(/^items\.yaml:3:7: warning: Athena backfills write `_source_record` 0/);
  expect(out[1]).toMatch(/^items\.yaml:11:55: warning: Athena backfills cannot see where a record is in its file: of rows of one delivery sharing a `id` value/);
  expect(out[2]).toMatch(/^items\.yaml:12:13: warning: `note`, `free` may hold a line break inside quotes, which an Athena backfill cannot read/);
});

test('lakec check --engine from the command line; an unknown engine is a usage error', async () => {
  const ok = await lakec('check', '--engine', 'duckdb');
  expect(ok.code).toBe(0);
  expect(ok.err).toMatch(/transactions\.yaml:18:11: warning: `transaction_id` may hold a line break/);
  expect(ok.out).toMatch(/1 warning/);
  const bad = await lakec('check', '--engine', 'spark');
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/unknown engine `spark`; engines are ts, duckdb and athena/);
});
