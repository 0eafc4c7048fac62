import fc from 'fast-check';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isMap, parseAllDocuments, stringify } from 'yaml';
import { sourceNodeOf } from '../../generators/contract/yaml-source';
import { parseYamlSubset } from '../../generators/contract/yaml-subset';
import { writeSyntheticContracts } from '../../bench/synthetic-contracts';
import { REPO_ROOT } from '../support/specs';

/** What the yaml library reads, as parseYamlSource uses it: undefined where it reports a problem or no mapping. */
function library(text: string): { value: unknown; root: unknown } | undefined {
  const docs = parseAllDocuments(text, { keepSourceTokens: false, prettyErrors: false, uniqueKeys: true });
  const all = Array.isArray(docs) ? docs : [docs];
  if (all.some((d) => d.errors.length > 0 || d.warnings.length > 0)) return undefined;
  const nonEmpty = all.filter((d) => d.contents !== null);
  if (nonEmpty.length !== 1 || !isMap(nonEmpty[0]!.contents)) return undefined;
  return { value: nonEmpty[0]!.toJS({ maxAliasCount: 50 }), root: sourceNodeOf(nonEmpty[0]!.contents) };
}

/** Whenever the subset reader answers, its answer is the library's: the same values, the same node positions. */
function agrees(text: string): boolean {
  const fast = parseYamlSubset(text);
  if (fast === undefined) return false;
  const lib = library(text);
  if (lib === undefined) throw new Error(`the subset reader read text the library refuses:\n${text}`);
  expect({ text, ...fast }).toEqual({ text, ...lib });
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !/node_modules|\/dist\//.test(relative(REPO_ROOT, p)));
}

const CORPUS = [...yamlFilesUnder(join(REPO_ROOT, 'dataset-specs')), ...yamlFilesUnder(join(REPO_ROOT, 'test')), ...yamlFilesUnder(join(REPO_ROOT, 'examples'))].map((p) => readFileSync(p, 'utf8'));

describe('the subset YAML reader reads what the yaml library reads', () => {
  test('every contract in the repository: the same, and the usual ones in the subset', () => {
    const read = CORPUS.filter(agrees).length;
    // The examples and most fixtures are in the subset; broken ones and the odd style are not.
    expect(read).toBeGreaterThan(CORPUS.length / 2);
    for (const example of yamlFilesUnder(join(REPO_ROOT, 'dataset-specs'))) expect(parseYamlSubset(readFileSync(example, 'utf8'))).toBeDefined();
  });

  test('the benchmark contracts', () => {
    const dir = join(tmpdir(), `lakec-yaml-subset-${process.pid}`);
    writeSyntheticContracts(dir, 30);
    try {
      for (const p of yamlFilesUnder(dir)) expect(agrees(readFileSync(p, 'utf8'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('styles in and out of the subset', () => {
    const inSubset = [
      'a: 1\nb: -2\nc: +3\nd: 0o17\ne: 0x1F\nf: 1.50\ng: 1e3\nh: .inf\ni: -.Inf\nj: .nan\nk: ~\nl: Null\nm: TRUE\nn: False\no: 007\np: 1.\nq: yes\n',
      'a: "x \\" \\\\ \\/ \\n \\t \\x41 \\u00e9 \\0"\nb: \'it\'\'s\'\nc: a#b  # comment\nd: http://x.y/z\ne: "#"\n',
      '# head\n\nkind: dataset # a comment\nlist:\n- a\n- b   # c\n-   c\nnested:\n  - name: x\n    type: y\n\n  -   name: z\n      # between\n      type: w\nlast: [ a , "b", \'c\', {x: 1, y: [2, 3]}, [] , {} ]\n',
      'a: é ü 中文\nb: "ÿ"\nc: -x\nd: ?x\ne: :x\n',
      'a:\n  b:\n    c: 1\n  d: 2\ne: 3',
      'a: 1\n#\n  # indented comment\nb: 2\n',
    ];
    const outOfSubset = [
      'a: |\n  text\n', 'a: >\n  text\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a:\nb: 1\n', 'a: 1\na: 2\n', 'a:\tb\n', 'a: 1\r\nb: 2\r\n',
      '---\na: 1\n', 'a: "multi\n  line"\n', 'a: multi\n  line\n', 'a: [1,\n  2]\n', '? a\n: 1\n', 'a: {b}\n', 'a: [1, , 2]\n', 'a: [1, 2, ]\n',
      '"a": 1\n', 'a : 1\n', 'true: 1\n', '1: a\n', '__proto__: 1\n', '- a\n', 'a: - b\n', 'a:\n  - \n', 'a: "\\q"\n', 'a: "\\ud800"\n', 'a: x\n b: y\n',
      'a: 1\n  b: 2\n', 'x: [' + '['.repeat(100) + ']'.repeat(100) + ']\n',
    ];
    for (const text of inSubset) expect(agrees(text)).toBe(true);
    for (const text of outOfSubset) {
      expect(parseYamlSubset(text)).toBeUndefined();
    }
  });

  test('mutated contracts: whatever the subset reader accepts, the library reads the same', () => {
    const pieces = [' ', '\n', '  ', '- ', ': ', '#', ' #', '"', "'", '[', ']', '{', '}', ',', ':', '-', '?', '\\', 'x', '0', '1.5', 'true', 'null', '~', '\t', '\r\n', 'é', '&a', '*a', '!', '|', '>'];
    let read = 0;
    fc.assert(
      fc.property(fc.nat(CORPUS.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(4), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }), (which, edits) => {
        let text = CORPUS[which]!;
        for (const [at, del, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(i + del);
        }
        if (agrees(text)) read++;
      }),
      { seed: 20261123, numRuns: 3000 },
    );
    expect(read).toBeGreaterThan(100);
  });

  test('generated documents in every style the yaml library writes', () => {
    const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('0.10', '1e3', 'true', 'null', '~', '#x', 'a: b', '- a', '"q"', "'q'", 'x #y', '0x1F', '.inf'));
    const tree = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3 })),
    })).value;
    let read = 0;
    fc.assert(
      fc.property(
        fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }),
        fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>,
        fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
        fc.integer({ min: 2, max: 4 }),
        (doc, defaultStringType, collectionStyle, indent) => {
          const text = stringify(doc, { defaultStringType, collectionStyle, indent, lineWidth: 0 });
          if (agrees(text)) read++;
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
    expect(read).toBeGreaterThan(100);
  });
});
