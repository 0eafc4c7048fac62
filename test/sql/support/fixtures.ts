import fc from 'fast-check';
import type { SilverRow } from './lake-db';
import { entriesArb, transactionsArb } from './random-data';
import { SMOKE_RUN, SMOKE_TXNS, silverRow } from './silver-rows';

/** Silver rows of payments.card_settlements@v2 (the hostile build case): keywords as names, every type. */
function settlement(i: number, select: string | null, isRefund: boolean, amount: string, settledAt: string, user: string | null): SilverRow {
  const [date] = settledAt.split(' ');
  const [y, m, d] = date!.split('-').map(Number);
  return {
    settlement_id: `STL-2024-ABCD${String(i).padStart(4, '0')}`,
    order: 9_000_000_000 + i,
    user,
    amount_minor: i * 100,
    fx_rate: 1.25,
    amount,
    is_refund: isRefund,
    value_date: date!,
    settled_at: settledAt,
    select,
    _run_id: SMOKE_RUN,
    _ingest_date: '2024-04-01',
    _source_file: `bronze/payments/card_settlements/ingest_date=2024-04-01/run_id=${SMOKE_RUN}/s.csv`,
    _source_record: i,
    _row_hash: `h${i}`,
    year: y!,
    month: m!,
    day: d!,
    run_id: SMOKE_RUN,
  };
}

/** A few silver rows for each contract set, enough that every statement returns something. */
export function fixtureRows(caseName: string): SilverRow[] {
  switch (caseName) {
    case 'example':
      return SMOKE_TXNS.map((t, i) => silverRow(t, { runId: SMOKE_RUN, record: i + 1 }));
    case 'hostile':
      return [
        settlement(1, "A'B", false, '1234567890.0123456789', '2024-01-05 10:00:00.125', 'ann'),
        settlement(2, "A'B", true, '-10.5', '2024-01-06 11:00:00', 'bob'),
        settlement(3, 'G--H', false, '0.0000000001', '2024-03-01 00:00:00', 'cy'),
        settlement(4, null, false, '7', '2024-03-31 23:59:59.999', null),
        settlement(5, 'E\\F', true, '0', '2024-04-01 00:00:00', 'dee'),
      ];
    case 'features':
      return fc.sample(entriesArb(60), { seed: 3, numRuns: 1 })[0]!;
    case 'random-example':
      return fc.sample(transactionsArb(200, 10, 150), { seed: 4, numRuns: 1 })[0]!;
    default:
      throw new Error(`no fixture for ${caseName}`);
  }
}
