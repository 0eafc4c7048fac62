import fc from 'fast-check';
import type { SilverRow } from './lake-db';

/** Month `offset` after 2021-01, as `YYYY-MM`. */
export function monthAt(offset: number): string {
  const y = 2021 + Math.floor(offset / 12);
  return `${y}-${String((offset % 12) + 1).padStart(2, '0')}`;
}

const cents = (n: number) => {
  const neg = n < 0;
  const abs = Math.abs(n);
  return `${neg ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** Spreads rows over 1–3 runs with 1-based record numbers per run, like deliveries. */
function placeInRuns<T>(rows: readonly T[], runOf: readonly number[]): { row: T; runId: string; record: number }[] {
  const next = [0, 0, 0];
  return rows.map((row, i) => {
    const run = runOf[i] ?? 0;
    next[run]!++;
    return { row, runId: `2024060${run + 1}T000000Z`, record: next[run]! };
  });
}

/** Silver metadata and partition columns of a row (DESIGN.md), for a delivery of 2024-06-01. */
function metadata(dataset: string, runId: string, record: number, i: number, month: string) {
  return {
    _run_id: runId,
    _ingest_date: '2024-06-01',
    _source_file: `bronze/${dataset}/ingest_date=2024-06-01/run_id=${runId}/d.csv`,
    _source_record: record,
    _row_hash: `h${i}`,
    year: Number(month.slice(0, 4)),
    month: Number(month.slice(5, 7)),
    run_id: runId,
  };
}

interface Shape {
  /** Offsets of the months that have rows (gaps in between). */
  readonly months: number[];
  readonly accounts: number;
}

const shape = (maxAccounts: number): fc.Arbitrary<Shape> =>
  fc.record({
    months: fc.uniqueArray(fc.integer({ min: 0, max: 47 }), { minLength: 1, maxLength: 10 }),
    accounts: fc.integer({ min: 1, max: maxAccounts }),
  });

/**
 * Silver rows of mortgages.transactions@v1: sparse months (accounts without activity for months), negative
 * and large amounts, few distinct timestamps per month (ties for min_by/max_by), missing types.
 */
export function transactionsArb(maxRows = 120, maxAccounts = 12, minRows = 0): fc.Arbitrary<SilverRow[]> {
  return shape(maxAccounts).chain((s) =>
    fc
      .array(
        fc.record({
          account: fc.integer({ min: 1, max: s.accounts }),
          currency: fc.constantFrom('EUR', 'USD', 'GBP'),
          cents: fc.oneof(fc.integer({ min: -50_000, max: 50_000 }), fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.constant(0), fc.constant(-1)),
          type: fc.constantFrom('DEPOSIT', 'WITHDRAWAL', 'INTEREST', 'FEE', 'REPAYMENT', null),
          month: fc.constantFrom(...s.months),
          day: fc.integer({ min: 1, max: 3 }),
          hour: fc.constantFrom(0, 12, 23),
          second: fc.constantFrom(0, 59),
          run: fc.integer({ min: 0, max: 2 }),
        }),
        { minLength: minRows, maxLength: maxRows },
      )
      .map((txns) =>
        placeInRuns(txns, txns.map((t) => t.run)).map(({ row: t, runId, record }, i) => {
          const month = monthAt(t.month);
          return {
            transaction_id: `T${i}`,
            account_id: `ACC${String(t.account).padStart(6, '0')}`,
            amount: cents(t.cents),
            currency: t.currency,
            transaction_type: t.type,
            transaction_timestamp: `${month}-0${t.day} ${String(t.hour).padStart(2, '0')}:00:${String(t.second).padStart(2, '0')}`,
            ...metadata('mortgages/transactions', runId, record, i, month),
          };
        }),
      ),
  );
}

const thousandths = (n: number) => {
  const neg = n < 0;
  const abs = Math.abs(n);
  return `${neg ? '-' : ''}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
};

/** Silver rows of the test contract ledger.entries@v1 (test/golden/sql/features/input). */
export function entriesArb(maxRows = 120): fc.Arbitrary<SilverRow[]> {
  return shape(1).chain((s) =>
    fc
      .array(
        fc.record({
          book: fc.constantFrom('A', 'B', 'C'),
          region: fc.constantFrom('north', 'south', 'east', null),
          thousandths: fc.oneof(fc.integer({ min: -200_000, max: 200_000 }), fc.constant(0), fc.constant(100_500), fc.constant(100_501), fc.constant(-5)),
          quantity: fc.option(fc.integer({ min: -3, max: 6 }), { nil: null }),
          rate: fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: null }),
          flag: fc.boolean(),
          month: fc.constantFrom(...s.months),
          day: fc.integer({ min: 1, max: 2 }),
          run: fc.integer({ min: 0, max: 2 }),
        }),
        { maxLength: maxRows },
      )
      .map((entries) =>
        placeInRuns(entries, entries.map((e) => e.run)).map(({ row: e, runId, record }, i) => {
          const month = monthAt(e.month);
          return {
            entry_id: `E${i % 7 === 0 ? 0 : i}`,
            book: e.book,
            region: e.region,
            amount: thousandths(e.thousandths),
            quantity: e.quantity,
            rate: e.rate === null ? null : `${Math.floor(e.rate / 1_000_000)}.${String(e.rate % 1_000_000).padStart(6, '0')}`,
            flag: e.flag,
            booked_on: `${month}-0${e.day}`,
            ...metadata('ledger/entries', runId, record, i, month),
          };
        }),
      ),
  );
}
