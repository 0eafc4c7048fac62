import type { TemporalFormat } from '../../runtime/cells/temporal-format';
import type { ColumnType } from './column-type';
import type { ContractBase } from './contract-base';
import type { PortablePattern } from './portable-pattern';

export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

export interface SourceModel {
  readonly format: 'csv';
  readonly delimiter: Delimiter;
  /** The first record names the columns; cells are matched by name, not position. */
  readonly header: boolean;
  /** Cells read as null. */
  readonly nullValues: readonly string[];
  readonly quote: '"';
}

export interface ColumnModel {
  readonly name: string;
  /** The header cell this column is read from (the name unless `source_name` says otherwise). */
  readonly sourceName: string;
  readonly type: ColumnType;
  readonly description: string;
  readonly required: boolean;
  readonly unique: boolean;
  readonly pattern?: PortablePattern;
  /** Allowed cells, as written in the contract (valid cells of the column's type). */
  readonly allowed?: readonly string[];
  /** Inclusive bounds, as cells of the column's type (numbers, or dates/timestamps in the column's format). */
  readonly min?: string;
  readonly max?: string;
  /** String length bounds in characters (Unicode code points). */
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Date/timestamp format (the ISO default when the contract gives none). */
  readonly format?: TemporalFormat;
}

export type PartitionTransform = 'year' | 'month' | 'day';
export const PARTITION_TRANSFORMS: readonly PartitionTransform[] = ['year', 'month', 'day'];

export interface PartitionModel {
  readonly name: string;
  readonly from: string;
  readonly transform: PartitionTransform;
}

export interface QualityModel {
  readonly maxQuarantineRate: number;
  readonly maxAttempts: number;
  readonly circuitBreakerPerHour: number;
}

export const DEFAULT_QUALITY: QualityModel = { maxQuarantineRate: 0.05, maxAttempts: 3, circuitBreakerPerHour: 100 };

/** A `kind: dataset` contract: a CSV delivery validated from bronze into silver. */
export interface DatasetModel extends ContractBase {
  readonly kind: 'dataset';
  readonly source: SourceModel;
  readonly columns: readonly ColumnModel[];
  readonly partitions: readonly PartitionModel[];
  readonly quality: QualityModel;
}
