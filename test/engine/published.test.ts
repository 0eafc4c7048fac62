import { join } from 'node:path';
import { contract, dataset, model, moduleOf, steppingClock, tempDir } from '../runtime/support/lake';
import { closeReader, comparable, deliveryFile, runOn, type Engine, type Outcome } from './support/engines';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import type { DatasetModule } from '../../runtime/dataset-module';

/**
 * Runs against published silver: exact duplicates and unique values already published, a delivery sent
 * again (it replaces its earlier run and is not compared against it), lakes written by one engine and read
 * by the other, rows whose unique values chain across two unique columns, and the circuit breaker over the
 * runs of the last hour. The engines must agree run after run.
 */
jest.setTimeout(120_000);
afterAll(() => closeReader());

const m = model({
  'demo/orders.yaml': contract({
    name: 'orders',
    columns: `
  - { name: order_id, type: string, required: true, unique: true }
  - { name: amount, type: "decimal(10,2)", required: true }
  - { name: placed, type: date, required: true }`,
    partitions: '  - { name: year, from: placed, transform: year }\n  - { name: month, from: placed, transform: month }',
  }),
});
const orders = dataset(m);
const ordersModule = moduleOf(orders);

/** Runs deliveries in order through one lake per engine sequence; returns each run's outcome. */
async function sequence(engines: readonly Engine[], files: readonly string[], d: DatasetModel = orders, mod: DatasetModule = ordersModule): Promise<Outcome[]> {
  const t = tempDir('lakec-published-');
  try {
    const clock = steppingClock();
    const out: Outcome[] = [];
    for (const [i, text] of files.entries()) {
      const file = deliveryFile(t.dir, text, `delivery-${i}.csv`);
      out.push(await runOn(engines[i]!, d, mod, join(t.dir, 'lake'), { kind: 'file', path: file }, { clock }));
    }
    return out;
  } finally {
    t.cleanup();
  }
}

const FIRST = 'order_id,amount,placed\nO1,10.00,2024-01-05\nO2,20.00,2024-01-06\nO3,30.00,2024-02-01\n';
const SECOND = [
  'order_id,amount,placed',
  'O1,10.00,2024-01-05', // an exact copy of a published row: duplicate
  'O2,21.00,2024-01-06', // a published id with other cells: unique
  'O4,40.00,2024-02-02',
  'O4,40.00,2024-02-02',
  'O5,50.00,2024-03-01',
  'O5,55.00,2024-03-01',
  '',
].join('\n');

test('a second delivery is checked against published silver; a delivery sent again replaces its run', async () => {
  const files = [FIRST, SECOND, FIRST];
  const ts = await sequence(['ts', 'ts', 'ts'], files);
  const duck = await sequence(['duckdb', 'duckdb', 'duckdb'], files);
  expect(ts[1]!.summary.errors).toEqual({ 'unique:order_id': 2 });
  expect(ts[1]!.summary.condemned_duplicates).toBe(2);
  expect(ts[2]!.summary.superseded).toHaveLength(1);
  for (let i = 0; i < files.length; i++) expect(comparable(duck[i]!)).toEqual(comparable(ts[i]!));
});

test('either engine reads the lake the other wrote', async () => {
  const files = [FIRST, SECOND];
  const reference = await sequence(['ts', 'ts'], files);
  for (const engines of [['ts', 'duckdb'], ['duckdb', 'ts']] as const) {
    const out = await sequence(engines, files);
    expect(comparable(out[1]!)).toEqual(comparable(reference[1]!));
  }
});

test('two unique columns: each row accepted or not by the rows accepted before it, chains of any length', async () => {
  const m2 = model({
    'demo/pairs.yaml': contract({
      name: 'pairs',
      columns: `
  - { name: a, type: string, unique: true }
  - { name: b, type: int, unique: true }
  - { name: note, type: string }`,
    }),
  });
  const pairs = dataset(m2);
  const pairsModule = moduleOf(pairs);
  // Row k shares `a` with row k−1 and `b` with row k+1: whether it is accepted depends on every row before it.
  const chain = (n: number, offset: number, swap = false) =>
    Array.from({ length: n }, (_, k) => {
      const [x, y] = swap ? [Math.floor(k / 2), Math.floor((k + 1) / 2)] : [Math.floor((k + 1) / 2), Math.floor(k / 2)];
      return `A${offset + x},${offset + y},c${k}`;
    });
  const lines = ['a,b,note', ...chain(7, 0), ...chain(41, 100), ...chain(30, 1000, true), 'A0,0,c0', 'A0,0,other', ',,', ',,', ',7,x', 'Z,,y', 'Z,,y', ''];
  const ts = await sequence(['ts'], [lines.join('\n')], pairs, pairsModule);
  const duck = await sequence(['duckdb'], [lines.join('\n')], pairs, pairsModule);
  expect(ts[0]!.summary.errors['unique:a']).toBeGreaterThan(10);
  expect(ts[0]!.summary.errors['unique:b']).toBeGreaterThan(10);
  expect(comparable(duck[0]!)).toEqual(comparable(ts[0]!));
});

test('the circuit breaker halts on the same rule and column, counting the runs of the last hour', async () => {
  const m3 = model({
    'demo/strict.yaml': contract({
      name: 'strict',
      columns: `
  - { name: id, type: string, required: true }
  - { name: qty, type: int }`,
      quality: '{ max_quarantine_rate: 1, max_attempts: 3, circuit_breaker_per_hour: 3 }',
    }),
  });
  const strict = dataset(m3);
  const strictModule = moduleOf(strict);
  const files = ['id,qty\na,1\nb,x\nc,y\n', 'id,qty\nd,x\ne,2\nf,z\n'];
  const ts = await sequence(['ts', 'ts'], files, strict, strictModule);
  const duck = await sequence(['duckdb', 'duckdb'], files, strict, strictModule);
  expect(ts.map((o) => o.summary.status)).toEqual(['published', 'halted']);
  expect(duck.map((o) => o.summary.status)).toEqual(['published', 'halted']);
  expect(duck[1]!.summary.message).toBe(ts[1]!.summary.message);
  expect(ts[1]!.summary.message).toMatch(/^halted by the circuit breaker: 4 rows failed `type:qty` within an hour \(2 of them in earlier runs\)/);
  expect(duck[1]!.manifest!.files).toEqual([]);
  // A file over the limit on its own halts too, and the rule named is the first to cross it in file order.
  const alone = ['id,qty\n,1\na,x\nb,x\nc,x\nd,x\n'];
  const t2 = await sequence(['ts'], alone, strict, strictModule);
  const d2 = await sequence(['duckdb'], alone, strict, strictModule);
  expect(d2[0]!.summary.status).toBe('halted');
  expect(d2[0]!.summary.message).toBe(t2[0]!.summary.message);
});
