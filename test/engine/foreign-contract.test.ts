import { join } from 'node:path';
import { contract, dataset, model, moduleOf, tempDir } from '../runtime/support/lake';
import { closeReader, comparable, deliveryFile, runOn } from './support/engines';
import { prng } from '../../bench/synthetic-contracts';

/**
 * A contract from another domain, written here for this test alone (a clinic's laboratory results: every
 * column type, a `;` delimiter, `NA` nulls, its own date and timestamp formats, a header renamed by
 * source_name), with rows produced by a generator of its own — a separate PRNG and separate rules for what
 * goes wrong — held out from the contract's authoring. Both engines must route them identically, and the
 * counts must be the ones the generator meant.
 */
jest.setTimeout(120_000);
afterAll(() => closeReader());

const LAB = contract({
  domain: 'clinic',
  name: 'lab_results',
  columns: `
  - { name: sample_id, type: string, required: true, unique: true, pattern: "S-[0-9]{4}-[A-Z]{2}" }
  - { name: patient_ref, type: bigint, required: true, min: 1 }
  - { name: test_code, type: string, required: true, allowed: [GLU, HBA1C, "K+", "NA+", CRP] }
  - { name: value, type: "decimal(9,3)", min: 0 }
  - { name: ratio, type: double }
  - { name: flagged, type: boolean }
  - { name: repeats, type: int, min: 0, max: 9 }
  - { name: drawn_on, type: date, format: "yyyyMMdd", required: true }
  - { name: reported_at, type: timestamp, format: "dd/MM/yyyy HH:mm X", source_name: "Reported (UTC offset)", required: true }
  - { name: comment, type: string, max_length: 40 }`,
  source: '{ format: csv, delimiter: ";", header: true, null_values: ["NA", ""] }',
  partitions: '  - { name: year, from: drawn_on, transform: year }\n  - { name: month, from: drawn_on, transform: month }\n  - { name: day, from: drawn_on, transform: day }',
  quality: '{ max_quarantine_rate: 1, max_attempts: 2, circuit_breaker_per_hour: 100000 }',
});
const m = model({ 'clinic/lab_results.yaml': LAB });
const lab = dataset(m);
const labModule = moduleOf(lab);

const HEADER = ['sample_id', 'patient_ref', 'test_code', 'value', 'ratio', 'flagged', 'repeats', 'drawn_on', 'Reported (UTC offset)', 'comment'];

interface Held {
  readonly line: string;
  /** What the generator meant: the first error, or silver/duplicate. */
  readonly expect: string;
}

/** Held-out rows: mostly valid, the rest broken in one known way each (the first broken column decides). */
function heldOutRows(n: number, seed: number): Held[] {
  // A seeded PRNG (mulberry32), not fast-check as the other engine tests: the rows come from elsewhere.
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const two = (x: number) => String(x).padStart(2, '0');
  const out: Held[] = [];
  const valid: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = 1 + Math.floor(r() * 28);
    const month = 1 + Math.floor(r() * 12);
    const cells = [
      `S-${String(1000 + i).padStart(4, '0')}-${pick(['AB', 'CD', 'XY'])}`,
      String(1 + Math.floor(r() * 1e12)),
      pick(['GLU', 'HBA1C', 'K+', 'NA+', 'CRP']),
      pick(['5.1', '0', '123456.789', '7.25', 'NA']),
      pick(['0.5', '1e-3', '-2.5E2', '', '42']),
      pick(['true', 'false', 'NA']),
      String(Math.floor(r() * 10)),
      `2023${two(month)}${two(day)}`,
      `${two(day)}/${two(month)}/2023 ${two(Math.floor(r() * 24))}:${two(Math.floor(r() * 60))} ${pick(['Z', '+01:00', '-05:30'])}`,
      pick(['', 'haemolysed, re-drawn', '"semi;colon"', 'ok', 'Ünïcödé ✓']),
    ];
    const roll = r();
    let expectText = 'silver';
    if (roll < 0.05) {
      cells[0] = `s-${cells[0]!.slice(2)}`;
      expectText = 'pattern:sample_id';
    } else if (roll < 0.1) {
      cells[1] = '0';
      expectText = 'min:patient_ref';
    } else if (roll < 0.15) {
      cells[2] = 'NA';
      expectText = 'required:test_code';
    } else if (roll < 0.2) {
      cells[3] = '1.2345';
      expectText = 'type:value';
    } else if (roll < 0.25) {
      cells[6] = '10';
      expectText = 'max:repeats';
    } else if (roll < 0.3) {
      cells[7] = '20230229';
      expectText = 'type:drawn_on';
    } else if (roll < 0.35) {
      cells[8] = cells[8]!.replace(/ (Z|[-+][0-9:]+)$/, ' +19:00');
      expectText = 'type:reported_at';
    } else if (roll < 0.38) {
      cells[9] = 'x'.repeat(41);
      expectText = 'max_length:comment';
    } else if (roll < 0.41) {
      cells.pop();
      expectText = 'cell_count';
    } else if (roll < 0.44 && valid.length) {
      out.push({ line: pick(valid), expect: 'duplicate' });
      continue;
    }
    const line = cells.join(';');
    if (expectText === 'silver') valid.push(line);
    out.push({ line, expect: expectText });
  }
  return out;
}

test('a contract written for this test routes held-out rows identically on both engines, as the generator meant', async () => {
  const rows = heldOutRows(400, 0x5eed);
  const text = `${HEADER.map((h) => (h.includes(' ') ? `"${h}"` : h)).join(';')}\r\n${rows.map((x) => x.line).join('\r\n')}\r\n`;
  const t = tempDir('lakec-foreign-');
  try {
    const file = deliveryFile(t.dir, text, 'lab-2023.csv');
    const ts = await runOn('ts', lab, labModule, join(t.dir, 'ts'), { kind: 'file', path: file });
    const duck = await runOn('duckdb', lab, labModule, join(t.dir, 'duck'), { kind: 'file', path: file });
    expect(comparable(duck)).toEqual(comparable(ts));
    const meant: Record<string, number> = {};
    for (const x of rows) if (x.expect !== 'silver' && x.expect !== 'duplicate') meant[x.expect] = (meant[x.expect] ?? 0) + 1;
    expect(duck.summary.errors).toEqual(meant);
    expect(duck.summary.rows_silver).toBe(rows.filter((x) => x.expect === 'silver').length);
    expect(duck.summary.condemned_duplicates).toBe(rows.filter((x) => x.expect === 'duplicate').length);
    // Each record landed where the generator put it.
    rows.forEach((x, i) => {
      const landing = duck.records.get(i + 2)!;
      expect(landing).toHaveLength(1);
      const error = landing[0]!.row.validation_error ?? (landing[0]!.layer === 'silver' ? 'silver' : undefined);
      expect(error).toBe(x.expect);
    });
    expect(duck.summary.partitions.length).toBeGreaterThan(100);
  } finally {
    t.cleanup();
  }
});
