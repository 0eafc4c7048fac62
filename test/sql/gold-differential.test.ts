import fc from 'fast-check';
import type { DatasetModel } from '../../generators/contract/dataset-model';
import type { GoldModel } from '../../generators/contract/gold-model';
import { monthWindows } from '../../generators/sql/month-windows';
import { ALL_MONTHS } from '../../generators/sql/sql-param';
import { loadModel } from '../support/specs';
import { duckGold, FEATURES_SPECS, goldPairs, loadSilver, sortRows } from './support/gold-cases';
import { createLakeTables, openLakeDb, type LakeDb, type SilverRow } from './support/lake-db';
import { referenceGold } from './support/reference-gold';
import { entriesArb, monthAt, transactionsArb } from './support/random-data';

/**
 * The DuckDB printer's Gold SQL against an independent TypeScript computation (support/reference-gold.ts),
 * on random silver data with fixed seeds: every measure to the cent, including months without activity,
 * negative amounts, many groups, NULL dimensions and ties in min_by/max_by.
 */
const example = loadModel();
const features = loadModel(FEATURES_SPECS);

let db: LakeDb;
beforeAll(async () => {
  db = await openLakeDb();
  await createLakeTables(db, example);
  await createLakeTables(db, features);
});
afterAll(() => db.close());

async function expectSameGold(pairs: { gold: GoldModel; source: DatasetModel }[], rows: SilverRow[], window: { month_from: string; month_to: string }) {
  await loadSilver(db, pairs[0]!.source, rows);
  for (const { gold, source } of pairs) {
    const got = await duckGold(db, gold, source, window);
    const want = sortRows(referenceGold(gold, source, rows, window));
    expect({ gold: gold.id.name, rows: got }).toEqual({ gold: gold.id.name, rows: want });
  }
}

const windowArb = fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 })).map(([a, b]) => ({ month_from: monthAt(Math.min(a, b)), month_to: monthAt(Math.max(a, b)) }));

describe('DuckDB Gold SQL equals an independent TypeScript computation', () => {
  test('example contracts (account_balances, monthly_reports, transaction_summaries), all months', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsArb(), async (rows) => expectSameGold(goldPairs(example), rows, ALL_MONTHS)),
      { seed: 20261123, numRuns: 40 },
    );
  });

  test('example contracts, a window of months', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsArb(80), windowArb, async (rows, window) => expectSameGold(goldPairs(example), rows, window)),
      { seed: 5, numRuns: 30 },
    );
  });

  test('every measure form of the features contracts (DATE time, NULL dimension, decimal division and products)', async () => {
    await fc.assert(
      fc.asyncProperty(entriesArb(), async (rows) => expectSameGold(goldPairs(features), rows, ALL_MONTHS)),
      { seed: 77, numRuns: 40 },
    );
  });

  test('features contracts, a window of months', async () => {
    await fc.assert(
      fc.asyncProperty(entriesArb(80), windowArb, async (rows, window) => expectSameGold(goldPairs(features), rows, window)),
      { seed: 78, numRuns: 25 },
    );
  });

  test('many groups: 400 accounts over four years', async () => {
    const [rows] = fc.sample(transactionsArb(3000, 400, 2500), { seed: 9, numRuns: 1 });
    expect(rows!.length).toBeGreaterThan(1000);
    await expectSameGold(goldPairs(example), rows!, ALL_MONTHS);
  });

  test('a run computed in windows (as Athena inserts them) equals the run computed at once', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsArb(80), fc.integer({ min: 1, max: 7 }), async (rows, size) => {
        await loadSilver(db, goldPairs(example)[0]!.source, rows);
        const months = rows.map((r) => `${r.year}-${String(r.month).padStart(2, '0')}`).sort();
        for (const { gold, source } of goldPairs(example)) {
          const whole = await duckGold(db, gold, source, ALL_MONTHS);
          const parts = [];
          if (months.length > 0) for (const w of monthWindows(months[0]!, months[months.length - 1]!, size)) parts.push(...(await duckGold(db, gold, source, w)));
          expect(sortRows(parts)).toEqual(whole);
        }
      }),
      { seed: 11, numRuns: 20 },
    );
  });
});
