import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { parsePortablePattern } from '../../generators/contract/portable-pattern';

const canon = (p: string) => {
  const r = parsePortablePattern(p);
  if (!r.ok) throw new Error(`${p}: ${r.message}`);
  return r.pattern.canonical;
};

describe('portable patterns', () => {
  test.each([
    ['^ACC[0-9]{6}$', 'ACC[0-9]{6}'],
    ['ACC[0-9]{6}', 'ACC[0-9]{6}'],
    ['a.b', 'a[^\\n]b'],
    ['(ab|cd)+', '(?:ab|cd)+'],
    ['(?:x)?', '(?:x)?'],
    ['[^a-z\\]\\-]', '[^a-z\\]\\-]'],
    ['\\.\\*\\$', '\\.\\*\\$'],
    ['a\\tb', 'a\\tb'],
    ['[.$|]', '[.$|]'],
    ['x{2,}y{1,3}', 'x{2,}y{1,3}'],
    ['€[0-9]+', '€[0-9]+'],
    ['💳|', '💳|'],
  ])('%s → %s', (source, canonical) => {
    expect(canon(source)).toBe(canonical);
  });

  test.each([
    ['\\d+', 0, '`\\d` is not portable'],
    ['a\\s', 1, '`\\s` is not portable'],
    ['(?=a)b', 1, 'look-ahead is not portable'],
    ['(?<n>a)', 1, 'look-behind and named groups are not portable'],
    ['(?i)abc', 1, 'inline flags are not portable'],
    ['(a)\\1', 3, 'back-references are not portable'],
    ['[[:alpha:]]', 1, 'POSIX classes like `[:alpha:]` are not portable'],
    ['a^b', 1, '`^` is only allowed at the start of a pattern'],
    ['a$b', 1, '`$` is only allowed at the end of a pattern'],
    ['*a', 0, '`*` has nothing to repeat'],
    ['a**', 2, 'a quantifier cannot follow another quantifier'],
    ['a*?', 2, '`*?`: lazy and possessive quantifiers are not portable'],
    ['a{1001}', 1, 'repetition `{1001}` exceeds 1000'],
    ['[z-a]', 2, 'range `z-a` is backwards'],
    ['(ab', 0, 'unclosed group `(`'],
    ['ab)', 2, 'unbalanced `)`'],
    ['[ab', 0, 'unclosed character class `[`'],
    ['a]', 1, 'unescaped `]`'],
    ['a\\', 1, 'pattern ends with a lone `\\`'],
    ['a{x}', 1, 'malformed repetition `{`'],
  ])('rejects %s at offset %i', (source, offset, message) => {
    const r = parsePortablePattern(source);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.offset).toBe(offset);
      expect(r.message).toBe(message);
    }
  });

  test('JavaScript and DuckDB (RE2) agree on every pattern, whole-cell, on random cells', async () => {
    const patterns = ['ACC[0-9]{6}', '[A-Z]{3}', 'a.c', '(ab|cd)*e?', '[^,\\n]+', 'x{2,3}', '€?[0-9]+(\\.[0-9]{1,2})?', '[ -~]*', '(?:a|b|)c', 'STL-[0-9]{4}-[A-Z0-9]{8}', '[.$]+', '[\\-\\]]+'];
    const alphabet = ['A', 'C', 'a', 'b', 'c', 'd', 'e', 'x', '0', '5', '9', '-', '.', ',', '$', ']', ' ', '\n', '\r', '\t', '€', 'é', '💳', 'S', 'T', 'L'];
    const cells = fc.sample(fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((cs) => cs.join('')), { seed: 31337, numRuns: 400 });
    cells.push('ACC123456', 'ACC12345', 'ACC123456\n', 'EUR', 'EU', 'abc', 'a\nc', 'xx', 'xxxx', '€12.50', '12.505', 'STL-2024-ABCD1234', '', 'c', '$.');
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      await db.run('CREATE TABLE cells (cell VARCHAR)');
      const appender = await db.createAppender('cells');
      for (const c of cells) {
        appender.appendVarchar(c);
        appender.endRow();
      }
      appender.closeSync();
      for (const p of patterns) {
        const canonical = canon(p);
        const js = new RegExp(`^(?:${canonical})$`, 'u');
        const reader = await db.runAndReadAll(`SELECT cell, regexp_full_match(cell, '${canonical.replace(/'/g, "''")}') AS m FROM cells`);
        for (const row of reader.getRowObjectsJS()) {
          const cell = row.cell as string;
          if (js.test(cell) !== row.m) throw new Error(`pattern ${p} disagrees on ${JSON.stringify(cell)}: JS ${js.test(cell)}, DuckDB ${row.m}`);
        }
      }
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });
});
