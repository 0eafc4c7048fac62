import type { DatasetModel } from '../contract/dataset-model';
import { formatColumnType } from '../contract/column-type';
import { generatedHeader } from '../file-map';
import { decimalParser, DIGIT_READERS, doubleParser, int32Parser, int64Parser, parserKey, temporalParser, type CellParser } from './cell-parsers';
import { columnChecks } from './column-checks';
import { columnRules, datasetDescriptor, type ColumnRule } from './dataset-descriptor';
import { tsComment, tsData, tsString } from './ts-quote';

export interface ValidatorModuleOptions {
  /**
   * Module specifier of runtime/dataset-module for the module's `import type` (erased when compiled, so it
   * only matters to a type checker).
   */
  readonly runtimeTypes: string;
}

export const DEFAULT_VALIDATOR_OPTIONS: ValidatorModuleOptions = { runtimeTypes: 'lakec/runtime/dataset-module' };

/**
 * The TypeScript module of one dataset contract: its descriptor (plain data) and `createValidator`, which
 * returns the straight-line parse-and-validate function for one file's column layout. Pure.
 */
export function validatorModuleSource(d: DatasetModel, options: ValidatorModuleOptions = DEFAULT_VALIDATOR_OPTIONS): string {
  const descriptor = datasetDescriptor(d);
  const codeNumbers = new Map(descriptor.errorCodes.map((code, n) => [code, n]));
  const parsers = new Map<string, CellParser>();
  const constants: string[] = [];
  let temporalCount = 0;

  const parserFor = (i: number): string => {
    const c = d.columns[i]!;
    const key = parserKey(c.type, c.format);
    let p = parsers.get(key);
    if (!p) {
      const t = c.type;
      switch (t.kind) {
        case 'int':
          p = int32Parser();
          break;
        case 'bigint':
          p = int64Parser();
          break;
        case 'double':
          p = doubleParser();
          break;
        case 'decimal':
          p = decimalParser(t.precision, t.scale);
          break;
        case 'date':
        case 'timestamp':
          p = temporalParser(`parse${t.kind === 'date' ? 'Date' : 'Timestamp'}${++temporalCount}`, c.format!, t.kind);
          break;
        case 'string':
        case 'boolean':
          throw new Error(`no parser for ${t.kind}`);
        default: {
          const never: never = t;
          throw new Error(`unknown type ${String(never)}`);
        }
      }
      parsers.set(key, p);
    }
    return p.name;
  };

  const body: string[] = [];
  d.columns.forEach((c, i) => {
    const rules = columnRules(c);
    const summary = [formatColumnType(c.type), ...rules.filter((r) => r !== 'type').map((r) => ruleText(c, r)), ...(c.unique ? ['unique'] : [])];
    const code = (rule: ColumnRule) => {
      const n = codeNumbers.get(`${rule}:${c.name}`);
      if (n === undefined) throw new Error(`no error code for ${rule}:${c.name}`);
      return n;
    };
    const ctx = {
      code,
      parser: () => parserFor(i),
      constant: (hint: string, source: string) => {
        const name = `${hint.toUpperCase()}_${i}`;
        constants.push(`const ${name} = ${source}`);
        return name;
      },
    };
    const onNull = c.required ? `return ${code('required')}; // ${tsComment(`required:${c.name}`)}` : null;
    body.push(
      '',
      `// ${tsComment(`${c.name}: ${summary.join(', ')}`)}${c.sourceName !== c.name ? tsComment(` (header ${JSON.stringify(c.sourceName)})`) : ''}`,
      `if (cell${i} < 0) {`,
      `  isNull[base + ${i}] = 1;`,
      `  start[base + ${i}] = -1;`,
      `  end[base + ${i}] = -1;`,
      ...(onNull ? [`  ${onNull}`] : []),
      '} else {',
      `  s = starts[cell${i}]!;`,
      `  e = ends[cell${i}]!;`,
      `  start[base + ${i}] = s;`,
      `  end[base + ${i}] = e;`,
      `  if (${nullTest(d.source.nullValues)}) {`,
      `    isNull[base + ${i}] = 1;`,
      ...(onNull ? [`    ${onNull}`] : []),
      '  } else {',
      `    isNull[base + ${i}] = 0;`,
      ...columnChecks(c, i, ctx).map((l) => `    ${l}`),
      '  }',
      '}',
    );
  });

  const usesCodePoints = d.columns.some((c) => c.type.kind === 'string' && (c.minLength !== undefined || c.maxLength !== undefined));
  const usesBig = d.columns.some((c) => c.type.kind === 'bigint' || (c.type.kind === 'decimal' && c.type.precision > 15));
  const usesTemporal = d.columns.some((c) => c.type.kind === 'date' || c.type.kind === 'timestamp');
  const runtimeNames = [
    ...(usesTemporal ? ['daysFromCivil'] : []),
    ...(d.columns.some((c) => c.type.kind === 'decimal' && c.type.precision > 15) ? ['parseDecimalCell'] : []),
    ...(d.columns.some((c) => c.type.kind === 'bigint') ? ['parseIntegerCell'] : []),
    ...(d.columns.some((c) => c.pattern) ? ['utf8'] : []),
  ];

  const lines = [
    generatedHeader('ts', [d], 'validator'),
    `import type { CellLayout, CsvRecord, DatasetDescriptor, RowValues, ValidateRecord, ValidatorRuntime } from ${tsString(options.runtimeTypes)};`,
    '',
    `export const descriptor: DatasetDescriptor = ${tsData(descriptor)};`,
    '',
    '/**',
    ' * The parse-and-validate function for one file, whose header put column i in cell layout[i] (-1: absent).',
    ' * It returns 0 with the typed values in `row` at `base + column`, or the number of the first failing rule in',
    ' * descriptor.errorCodes: columns in contract order; per column required, type, pattern, allowed,',
    ' * min_length, max_length, min, max.',
    ' */',
    'export function createValidator(rt: ValidatorRuntime, layout: CellLayout): ValidateRecord {',
    ...(runtimeNames.length ? [`  const { ${runtimeNames.join(', ')} } = rt;`] : []),
    ...d.columns.map((c, i) => `  const cell${i} = layout[${i}]!; // ${tsComment(c.name)}`),
    ...[...parsers.values()].flatMap((p) => ['', ...p.source.split('\n').map((l) => (l ? `  ${l}` : ''))]),
    '',
    '  return function validate(rec: CsvRecord, row: RowValues, base: number): number {',
    '    const text = rec.text;',
    '    const starts = rec.starts;',
    '    const ends = rec.ends;',
    `    const { ${['isNull', 'start', 'end', ...(needs(d, 'num') ? ['num'] : []), ...(usesBig ? ['big'] : [])].join(', ')} } = row;`,
    '    let s = 0;',
    '    let e = 0;',
    ...body.map((l) => (l ? `    ${l}` : '')),
    '    return 0;',
    '  };',
    '}',
  ];
  const helpers: string[] = [];
  if (constants.length) helpers.push(constants.join('\n'));
  if (usesBig) helpers.push('/** Returned by a parser for a value that is valid-looking but not exact as a double. */\nconst BIG = Infinity;');
  const readers = new Set([...parsers.values()].flatMap((p) => p.digitReaders ?? []));
  for (const n of [2, 3, 4] as const) if (readers.has(n)) helpers.push(DIGIT_READERS[n]);
  if (usesCodePoints) {
    helpers.push(`/** Characters (code points) of UTF-8 bytes held as latin1: every byte that does not continue a sequence. */
function codePoints(text: string, s: number, e: number): number {
  let n = 0;
  for (let p = s; p < e; p++) if ((text.charCodeAt(p) & 0xc0) !== 0x80) n++;
  return n;
}`);
  }
  return `${lines.join('\n')}\n${helpers.length ? `\n${helpers.join('\n\n')}\n` : ''}`;
}

function needs(d: DatasetModel, what: 'num' | 'str'): boolean {
  return d.columns.some((c) => (what === 'str' ? c.type.kind === 'string' : c.type.kind !== 'string'));
}

/** `e === s || (e - s === 2 && text.startsWith("NA", s))` for the contract's null values. */
function nullTest(nullValues: readonly string[]): string {
  if (nullValues.length === 0) return 'false';
  const tests = nullValues
    .map((v) => {
      const bytes = Buffer.from(v, 'utf8').toString('latin1');
      return bytes.length === 0 ? 'e === s' : `(e - s === ${bytes.length} && text.startsWith(${tsString(bytes)}, s))`;
    });
  return tests.length === 1 ? tests[0]! : `(${tests.join(' || ')})`;
}

function ruleText(c: DatasetModel['columns'][number], r: ColumnRule): string {
  switch (r) {
    case 'required':
      return 'required';
    case 'type':
      return 'type';
    case 'pattern':
      return `pattern ${c.pattern!.source}`;
    case 'allowed':
      return `allowed [${c.allowed!.join(', ')}]`;
    case 'min_length':
      return `min_length ${c.minLength}`;
    case 'max_length':
      return `max_length ${c.maxLength}`;
    case 'min':
      return `min ${c.min}`;
    case 'max':
      return `max ${c.max}`;
    default: {
      const never: never = r;
      throw new Error(`unknown rule ${String(never)}`);
    }
  }
}
