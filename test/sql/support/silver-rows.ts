import type { SilverRow } from './lake-db';

/** One transaction of the example contract mortgages.transactions@v1, as the tests describe it. */
export interface Txn {
  readonly transaction_id: string;
  readonly account_id: string;
  /** Decimal text with at most two fraction digits. */
  readonly amount: string;
  readonly currency: string;
  readonly transaction_type: string | null;
  /** `yyyy-MM-dd HH:mm:ss`, UTC. */
  readonly transaction_timestamp: string;
}

export interface Placement {
  readonly runId: string;
  /** 1-based record number in the run's file. */
  readonly record: number;
}

/** A silver row of mortgages.transactions@v1 with its metadata and partition columns filled in. */
export function silverRow(t: Txn, at: Placement): SilverRow {
  const [date] = t.transaction_timestamp.split(' ');
  const [year, month] = date!.split('-');
  return {
    ...t,
    _run_id: at.runId,
    _ingest_date: `${at.runId.slice(0, 4)}-${at.runId.slice(4, 6)}-${at.runId.slice(6, 8)}`,
    _source_file: `bronze/mortgages/transactions/ingest_date=x/run_id=${at.runId}/delivery.csv`,
    _source_record: at.record,
    _row_hash: `hash-${at.runId}-${at.record}`,
    year: Number(year),
    month: Number(month),
    run_id: at.runId,
  };
}

/** The acceptance script's delivery (shared/acceptance/cli-smoke.sh) after validation: the four valid rows. */
export const SMOKE_RUN = '20240401T000000Z';
export const SMOKE_TXNS: readonly Txn[] = [
  { transaction_id: 'S1', account_id: 'ACC000001', amount: '100.00', currency: 'EUR', transaction_type: 'DEPOSIT', transaction_timestamp: '2024-01-10 09:00:00' },
  { transaction_id: 'S2', account_id: 'ACC000001', amount: '-40.50', currency: 'EUR', transaction_type: 'WITHDRAWAL', transaction_timestamp: '2024-01-20 09:00:00' },
  { transaction_id: 'S3', account_id: 'ACC000002', amount: '10.00', currency: 'USD', transaction_type: 'FEE', transaction_timestamp: '2024-02-03 09:00:00' },
  { transaction_id: 'S4', account_id: 'ACC000001', amount: '5.25', currency: 'EUR', transaction_type: 'INTEREST', transaction_timestamp: '2024-03-31 23:59:59' },
];
