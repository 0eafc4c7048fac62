import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small deterministic PRNG (mulberry32), so generated contracts are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['string', 'int', 'bigint', 'double', 'boolean', 'date', 'decimal(18,2)', 'decimal(38,6)'];

/**
 * `count` dataset contracts (and one Gold contract per ten datasets) in `domainCount` domains, every
 * column type represented, written as YAML under `dir`. Used by benchmarks and scale tests.
 */
export function writeSyntheticContracts(dir: string, count: number, seed = 42): void {
  const rnd = prng(seed);
  const domains = Math.max(1, Math.ceil(count / 25));
  for (let i = 0; i < count; i++) {
    const domain = `domain_${String(i % domains).padStart(3, '0')}`;
    const name = `dataset_${String(i).padStart(5, '0')}`;
    const extra = 4 + Math.floor(rnd() * 8);
    const cols: string[] = [
      '  - { name: id, type: string, required: true, unique: true, pattern: "^ID[0-9]{8}$" }',
      '  - { name: booked_at, type: timestamp, required: true }',
      '  - { name: amount, type: "decimal(18,2)", required: true, min: -1000000, max: 1000000 }',
      '  - { name: status, type: string, allowed: [OPEN, CLOSED, PENDING] }',
    ];
    for (let c = 0; c < extra; c++) {
      const type = TYPES[Math.floor(rnd() * TYPES.length)]!;
      cols.push(`  - name: col_${c}\n    type: ${type}\n    description: Synthetic column ${c} of ${name}, type ${type}.`);
    }
    const yaml = [
      'kind: dataset',
      `domain: ${domain}`,
      `name: ${name}`,
      'schema_v: v1',
      `description: Synthetic dataset ${i} for benchmarks.`,
      `owners: { owner: team-${i % 7}, steward: steward-${i % 5}, reviewers: ["@acme/team-${i % 7}"] }`,
      `classification: ${['internal', 'confidential', 'restricted'][i % 3]}`,
      'columns:',
      ...cols,
      'partitions:',
      '  - { name: year, from: booked_at, transform: year }',
      '  - { name: month, from: booked_at, transform: month }',
      '',
    ].join('\n');
    mkdirSync(join(dir, domain), { recursive: true });
    writeFileSync(join(dir, domain, `${name}.yaml`), yaml);
    if (i % 10 === 9) {
      const gold = [
        'kind: gold',
        `domain: ${domain}`,
        `name: ${name}_monthly`,
        'schema_v: v1',
        `description: Monthly totals of ${name}.`,
        `owners: { owner: finance, steward: finance-controller, reviewers: ["@acme/finance"] }`,
        'classification: restricted',
        `from: ${domain}.${name}@v1`,
        'time: { column: booked_at, grain: month }',
        'dimensions: [status]',
        'measures:',
        '  - { name: total, expr: sum(amount), running: true }',
        '  - { name: row_count, expr: count(*) }',
        "  - { name: open_amount, expr: \"sum(amount) filter (where status = 'OPEN')\" }",
        '',
      ].join('\n');
      writeFileSync(join(dir, domain, `${name}_monthly.yaml`), gold);
    }
  }
}
