import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { datasetsOf } from '../../generators/contract/lake-model';
import { datasetDescriptor, errorCodes } from '../../generators/validator/dataset-descriptor';
import { generateValidators } from '../../generators/validator/generate-validators';
import { validatorModuleSource } from '../../generators/validator/validator-module';
import { tsComment, tsData, tsString } from '../../generators/validator/ts-quote';
import type { CsvRecord, RowValues } from '../../runtime/dataset-module';
import { VALIDATOR_RUNTIME } from '../../runtime/validator-runtime';
import { expectMatchesGoldenDir } from '../support/golden';
import { EXAMPLE_SPECS, loadModel, REPO_ROOT } from '../support/specs';
import { contract, dataset, model, moduleOf, tempDir } from './support/lake';

const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'validator');
const CASES: [string, string][] = [
  ['example', EXAMPLE_SPECS],
  ['hostile', join(REPO_ROOT, 'test', 'golden', 'build', 'hostile', 'input')],
  ['every-rule', join(GOLDEN, 'every-rule', 'input')],
];

describe.each(CASES)('validator modules: %s', (name, specs) => {
  test('match the committed golden directory', () => {
    const files = generateValidators(loadModel(specs));
    expectMatchesGoldenDir(new Map([...files].map(([p, c]) => [p.replace(/^validators\//, ''), c])), join(GOLDEN, name === 'every-rule' ? 'every-rule' : name, 'expected'));
  });

  test('export the descriptor exactly (contract text survives quoting)', () => {
    for (const d of datasetsOf(loadModel(specs))) expect(moduleOf(d).descriptor).toEqual(datasetDescriptor(d));
  });
});

test('the generated modules type-check strictly against runtime/dataset-module (every case, the registry included)', () => {
  const t = tempDir();
  try {
    const roots: string[] = [];
    for (const [name, specs] of CASES) {
      for (const [path, contents] of generateValidators(loadModel(specs))) {
        const file = join(t.dir, name, path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, contents);
        roots.push(file);
      }
    }
    const program = ts.createProgram(roots, {
      strict: true,
      noEmit: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noUncheckedIndexedAccess: true,
      noImplicitReturns: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ['node'],
      typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
      baseUrl: t.dir,
      paths: { 'lakec/runtime/*': [join(REPO_ROOT, 'runtime', '*')] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  } finally {
    t.cleanup();
  }
}, 60_000);

test('error codes: empty for valid, the runtime errors, then each column rule in checking order, then unique', () => {
  const d = datasetsOf(loadModel(EXAMPLE_SPECS))[0]!;
  expect(errorCodes(d)).toEqual([
    '', 'utf8', 'quote', 'cell_count', 'duplicate',
    'required:transaction_id',
    'required:account_id', 'pattern:account_id',
    'required:amount', 'type:amount', 'min:amount', 'max:amount',
    'required:currency', 'allowed:currency',
    'allowed:transaction_type',
    'required:transaction_timestamp', 'type:transaction_timestamp',
    'unique:transaction_id',
  ]);
});

test('a small case, exactly: an allowed-values string column compares bytes in place', () => {
  const m = model({ 'demo/tiny.yaml': contract({ name: 'tiny', columns: '  - { name: cur, type: string, required: true, allowed: [EUR, USD, "£"] }' }) });
  const source = validatorModuleSource(dataset(m));
  const body = source.slice(source.indexOf('    // cur:'), source.indexOf('    return 0;'));
  expect(body).toBe(
    [
      '    // cur: string, required, allowed [EUR, USD, £]',
      '    if (cell0 < 0) {',
      '      isNull[base + 0] = 1;',
      '      start[base + 0] = -1;',
      '      end[base + 0] = -1;',
      '      return 5; // required:cur',
      '    } else {',
      '      s = starts[cell0]!;',
      '      e = ends[cell0]!;',
      '      start[base + 0] = s;',
      '      end[base + 0] = e;',
      '      if (e === s) {',
      '        isNull[base + 0] = 1;',
      '        return 5; // required:cur',
      '      } else {',
      '        isNull[base + 0] = 0;',
      '        switch (e - s) {',
      '          case 2:',
      '            if (text.startsWith("Â£", s)) break;',
      '            return 6; // allowed:cur',
      '          case 3:',
      '            if (text.startsWith("EUR", s) || text.startsWith("USD", s)) break;',
      '            return 6; // allowed:cur',
      '          default:',
      '            return 6; // allowed:cur',
      '        }',
      '      }',
      '    }',
      '',
    ].join('\n'),
  );
});

test('TypeScript quoting: strings, comments and data cannot break out of their context', () => {
  const hostile = 'a"b\\c\n*/ // \u2028\u2029 ${x} `t` </script>';
  expect(eval(tsString(hostile))).toBe(hostile);
  expect(tsComment(hostile)).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(eval(`(${tsData({ [hostile]: [hostile, 1, null, true] })})`)).toEqual({ [hostile]: [hostile, 1, null, true] });
});

test('the generated code runs: one file of the every-rule contract, record by record', () => {
  const d = datasetsOf(loadModel(join(GOLDEN, 'every-rule', 'input')))[0]!;
  const module = moduleOf(d);
  const validate = module.createValidator(VALIDATOR_RUNTIME, Int32Array.from(d.columns, (_, i) => i));
  const n = d.columns.length;
  const row: RowValues = { num: new Float64Array(n), big: new Array(n).fill(null), start: new Int32Array(n), end: new Int32Array(n), isNull: new Uint8Array(n) };
  const check = (cells: string[]) => {
    const text = Buffer.from(cells.join('|'), 'utf8').toString('latin1');
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let at = 0;
    cells.forEach((c, i) => {
      starts[i] = at;
      at += Buffer.byteLength(c);
      ends[i] = at++;
    });
    const rec: CsvRecord = { text, bytes: Buffer.from(text, 'latin1'), starts, ends, cellCount: n, ascii: /^[\x00-\x7f]*$/.test(text) };
    return module.descriptor.errorCodes[validate(rec, row, 0)];
  };
  const good = ['R-001.a', 'Nord\u2028West', '5000', '9007199254740993', '-1.5e10', 'true', '29.02.2024', '2024-02-29T23:59:59.999+01:00', '20240229T235959.999Z', '99999', '12345678901234567890123456.000000000001'];
  expect(check(good)).toBe('');
  expect(row.big[3]).toBe(9007199254740993n);
  expect(row.big[10]).toBe(12345678901234567890123456000000000001n);
  const bad = (i: number, cell: string) => check(good.map((g, k) => (k === i ? cell : g)));
  expect([bad(0, 'R-1'), bad(0, 'R-0011'), bad(0, 'R-001.aa'), bad(0, 'n/a'), bad(0, '—')]).toEqual(['pattern:reading_id', 'pattern:reading_id', 'pattern:reading_id', 'required:reading_id', 'required:reading_id']);
  expect([bad(1, 'é'), bad(1, 'e'), bad(1, '*/ end'), bad(1, 'n/a')]).toEqual(['', 'allowed:station', '', '']);
  expect([bad(2, '4'), bad(2, '0003'), bad(2, '5001'), bad(2, '-6')]).toEqual(['allowed:sequence', '', 'allowed:sequence', 'allowed:sequence']);
  expect([bad(3, '9007199254740994'), bad(3, '-9223372036854775808'), bad(3, '-9223372036854775809')]).toEqual(['max:counter', '', 'type:counter']);
  expect([bad(5, 'false'), bad(6, '29.02.2023'), bad(6, '31.12.1999'), bad(7, '1999-12-31T23:59:59Z'), bad(8, '20240229T235959Z')]).toEqual(['allowed:flag', 'type:reading_date', 'min:reading_date', 'min:taken_at', 'type:local_time']);
  expect([bad(9, '100000'), bad(9, '1.0'), bad(10, '1.500000000000'), bad(10, '1.6'), bad(10, '-0.000000000002')]).toEqual(['type:small', 'type:small', '', 'allowed:precise', 'allowed:precise']);
});
