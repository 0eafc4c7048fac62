import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { checkContracts, type ContractFile } from '../../generators/contract/compile-contracts';
import { EXAMPLE_SPECS, REPO_ROOT } from '../support/specs';

const EXAMPLES = ['mortgages/transactions.yaml', 'finance/account_balances.yaml', 'finance/monthly_reports.yaml', 'finance/transaction_summaries.yaml'];
const ORIGINAL = new Map(EXAMPLES.map((p) => [p, readFileSync(join(EXAMPLE_SPECS, p))]));

/** checkContracts on the examples with one file replaced; asserts it never throws and positions every diagnostic. */
function checkWith(relPath: string, bytes: Uint8Array): void {
  const files: ContractFile[] = EXAMPLES.map((p) => ({ path: p, relPath: p, bytes: p === relPath ? bytes : ORIGINAL.get(p)! }));
  let result;
  try {
    result = checkContracts(files);
  } catch (err) {
    throw new Error(`checkContracts threw on a mutated ${relPath}: ${(err as Error).stack}\ninput: ${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 500))}`);
  }
  const lines = Buffer.from(bytes).toString('utf8').split('\n').length + 1;
  for (const d of result.diagnostics) {
    expect(EXAMPLES).toContain(d.file);
    expect(Number.isInteger(d.line) && d.line >= 1).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1).toBe(true);
    if (d.file === relPath) expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(/\n|undefined|\[object Object\]|NaN/);
  }
  if (result.model === undefined) expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
}

const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 12 }),
    fc.constantFrom('dataset', 'gold', 'decimal(18,2)', 'timestamp', 'sum(amount)', 'count(*)', '^A$', 'yyyy-MM-dd', 'v1', 'v2', '', 'amount', 'mortgages.transactions@v1'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('name', 'type', 'expr', 'from', 'columns', 'measures', 'x', 'min', 'max', 'allowed', 'pattern', 'running'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Structural mutation: replace, delete or add a value somewhere in the parsed contract. */
function mutate(doc: unknown, path: number[], replacement: unknown, op: number): unknown {
  const visit = (node: unknown, depth: number): unknown => {
    if (node === null || typeof node !== 'object') return depth >= path.length || op === 0 ? replacement : node;
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as [number, unknown]) : Object.entries(node as Record<string, unknown>);
    if (entries.length === 0 || depth >= path.length) return op === 2 ? replacement : node;
    const pick = path[depth]! % entries.length;
    const out: [string | number, unknown][] = [];
    entries.forEach(([k, v], i) => {
      if (i !== pick) out.push([k, v]);
      else if (op === 1 && depth === path.length - 1) return; // delete
      else out.push([k, visit(v, depth + 1)]);
    });
    if (op === 2 && depth === path.length - 1 && !Array.isArray(node)) out.push(['extra_field', replacement]);
    return Array.isArray(node) ? out.map(([, v]) => v) : Object.fromEntries(out);
  };
  return visit(doc, 0);
}

describe('lakec check never crashes and always positions its diagnostics', () => {
  test('structurally mutated contracts', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXAMPLES), fc.array(fc.nat(20), { minLength: 1, maxLength: 5 }), anyJson, fc.integer({ min: 0, max: 2 }), (file, path, replacement, op) => {
        const doc = parse(ORIGINAL.get(file)!.toString('utf8'));
        checkWith(file, Buffer.from(stringify(mutate(doc, path, replacement, op))));
      }),
      { seed: 424242, numRuns: 400 },
    );
  });

  test('byte-level mutations: flips, insertions, deletions, truncations', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXAMPLES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 1, maxLength: 8 })), { minLength: 1, maxLength: 6 }),
        (file, edits) => {
          let bytes = Buffer.from(ORIGINAL.get(file)!);
          for (const [pos, kind, data] of edits) {
            const at = pos % (bytes.length + 1);
            if (kind === 0) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(data), bytes.subarray(at)]);
            else if (kind === 1) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + data.length))]);
            else if (kind === 2) bytes = bytes.subarray(0, at);
            else if (at < bytes.length) bytes[at] = data[0]!;
          }
          checkWith(file, bytes);
        },
      ),
      { seed: 1234, numRuns: 400 },
    );
  });

  test('line-level mutations: swapped, duplicated and re-indented lines', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXAMPLES), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 4 }), (file, edits) => {
        const lines = ORIGINAL.get(file)!.toString('utf8').split('\n');
        for (const [a, b, kind] of edits) {
          const i = a % lines.length;
          const j = b % lines.length;
          if (kind === 0) [lines[i], lines[j]] = [lines[j]!, lines[i]!];
          else if (kind === 1) lines.splice(j, 0, lines[i]!);
          else lines[i] = ` ${lines[i]}`;
        }
        checkWith(file, Buffer.from(lines.join('\n')));
      }),
      { seed: 99, numRuns: 300 },
    );
  });

  test.each([
    ['empty', Buffer.alloc(0)],
    ['whitespace', Buffer.from('   \n\n\t\n')],
    ['binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256))],
    ['a scalar', Buffer.from('just text')],
    ['a list', Buffer.from('- a\n- b\n')],
    ['deep flow nesting', Buffer.from(`kind: dataset\ncolumns: ${'['.repeat(20000)}${']'.repeat(20000)}`)],
    ['deep block nesting', Buffer.from(`kind: dataset\ncolumns:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x\n`)],
    ['alias bomb', Buffer.from(`a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n${Array.from({ length: 12 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(',')}]`).join('\n')}\nkind: dataset\n`)],
    ['huge file', Buffer.from(`kind: dataset\ndescription: ${'x'.repeat(2 * 1024 * 1024)}\n`)],
    ['huge but valid size', Buffer.from(`kind: dataset\ndescription: ${'x'.repeat(900 * 1024)}\n`)],
    ['BOM and CRLF', Buffer.from(`\ufeff${ORIGINAL.get('mortgages/transactions.yaml')!.toString('utf8').replace(/\n/g, '\r\n')}`)],
  ])('hostile file: %s', (_name, bytes) => {
    checkWith('mortgages/transactions.yaml', bytes);
  });
});

describe('the CLI on hostile input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakec-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['binary junk', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x10])],
    ['invalid yaml', Buffer.from('kind: dataset\n  : : [\n')],
    ['empty', Buffer.alloc(0)],
  ])('%s: exit 1, positioned errors, no stack trace', (name, bytes) => {
    const specs = join(dir, name.replace(/ /g, '-'));
    require('node:fs').mkdirSync(specs, { recursive: true });
    writeFileSync(join(specs, 'x.yaml'), bytes);
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'lakec.js'), 'check', '--specs', specs], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/x\.yaml:\d+:\d+: error: /);
    expect(r.stderr + r.stdout).not.toMatch(/^\s+at /m);
  });

  test('the bundled examples: exit 0', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'lakec.js'), 'check', '--specs', EXAMPLE_SPECS], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok: 4 contract files/);
  });
});
