import { contract, dataset, model, moduleOf } from '../../runtime/support/lake';

/**
 * A contract with every column type and rule, for comparing the engines: the header order differs from the
 * contract order, a source_name, a required partition source, null values, a pattern, allowed values with
 * quotes, delimiters and non-ASCII, length limits in characters, bounds at the types' edges, decimals at the
 * precision limit, a date format of its own and the ISO timestamp default (fractions, offsets).
 */
export const EVERY_TYPE_COLUMNS = `
  - { name: id, type: string, required: true, unique: true, pattern: "[A-Z][A-Z0-9_]{0,7}" }
  - { name: label, type: string, source_name: "Label Text", min_length: 1, max_length: 6 }
  - { name: kind, type: string, allowed: [A, "B,C", "é", "q\\"q", ""] }
  - { name: qty, type: int, min: -5, max: 2147483647 }
  - { name: big, type: bigint, min: -9223372036854775808 }
  - { name: price, type: "decimal(6,2)", min: -100, max: 9999.99 }
  - { name: wide, type: "decimal(38,10)" }
  - { name: tiny, type: "decimal(2,2)", allowed: ["0.5", "0.05", "-0.99"] }
  - { name: ratio, type: double, max: 1e10 }
  - { name: flag, type: boolean, allowed: [true] }
  - { name: day, type: date, format: "dd.MM.yyyy", min: "01.01.1900", max: "31.12.2099" }
  - { name: at, type: timestamp, required: true, min: "2000-01-01T00:00:00Z" }
  - { name: local, type: timestamp, format: "yyMMdd HH:mm:ss.SSSX" }`;

export const EVERY_TYPE_HEADER = ['at', 'id', 'Label Text', 'kind', 'qty', 'big', 'price', 'wide', 'tiny', 'ratio', 'flag', 'day', 'local'];

export function everyTypeContract(quality = '{ max_quarantine_rate: 1, max_attempts: 3, circuit_breaker_per_hour: 1000000 }', source?: string) {
  const m = model({
    'demo/items.yaml': contract({
      columns: EVERY_TYPE_COLUMNS,
      partitions: '  - { name: year, from: at, transform: year }\n  - { name: month, from: at, transform: month }',
      quality,
      ...(source ? { source } : {}),
    }),
  });
  const d = dataset(m);
  return { model: m, d, module: moduleOf(d) };
}
