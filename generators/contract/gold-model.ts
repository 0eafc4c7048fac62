import type { ColumnType } from './column-type';
import type { ContractBase } from './contract-base';
import type { DatasetId } from './dataset-id';
import type { Expr } from './expression';

export type TimeGrain = 'month';

export interface GoldTime {
  /** The source column (date or timestamp) that places a row in time. */
  readonly column: string;
  readonly grain: TimeGrain;
  /** The Gold column holding the period, `YYYY-MM` (and the partition key). */
  readonly as: string;
}

export interface MeasureModel {
  readonly name: string;
  /** The expression as written, for docs and diffs. */
  readonly text: string;
  readonly expr: Expr;
  readonly description: string;
  /** Cumulative through each period, carried forward over periods without rows. */
  readonly running: boolean;
  /** The Gold column's type (Trino's result type, which both printers produce). */
  readonly type: ColumnType;
}

/** A source column the Gold dataset groups by; it keeps the source column's type. */
export interface GoldDimension {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

export interface GoldFilter {
  readonly text: string;
  readonly expr: Expr;
}

/** A `kind: gold` contract: an aggregation of one silver dataset, published as a snapshot for finance. */
export interface GoldModel extends ContractBase {
  readonly kind: 'gold';
  readonly from: DatasetId;
  readonly time: GoldTime;
  readonly dimensions: readonly GoldDimension[];
  readonly filter?: GoldFilter;
  readonly measures: readonly MeasureModel[];
  /** Months (counting the latest) that may change without `--allow-restatement`. */
  readonly openMonths: number;
}
