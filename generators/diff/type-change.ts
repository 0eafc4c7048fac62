import { formatColumnType, type ColumnType } from '../contract/column-type';

export interface TypeChange {
  /** widening: every old value fits the new type; narrowing: some old values no longer fit. */
  readonly direction: 'widening' | 'narrowing' | 'other';
  readonly compatible: boolean;
  readonly reason: string;
}

/**
 * Classifies a column type change. Silver keeps every run's Parquet files under one Glue table, so a type
 * change is compatible only where Athena reads files written with the old type as the new one: Athena's list
 * of such types is INT → BIGINT (and FLOAT → DOUBLE, which the contract format has no use for). Everything
 * else is breaking, but the report tells widening (every old value fits: decimal(18,2) → decimal(20,2)) from
 * narrowing (bigint → int, decimal(18,2) → decimal(18,0)), because a widening is the easy new schema_v.
 */
export function classifyTypeChange(from: ColumnType, to: ColumnType): TypeChange {
  const a = formatColumnType(from);
  const b = formatColumnType(to);
  if (from.kind === 'int' && to.kind === 'bigint') {
    return { direction: 'widening', compatible: true, reason: `widening ${a} → ${b}: every value still fits, and Athena reads files written as int as bigint` };
  }
  const fits = valuesFit(from, to);
  if (fits === true) {
    return {
      direction: 'widening',
      compatible: false,
      reason: `widening ${a} → ${b}: every value still fits, but silver files already written store ${a}, and Athena reads old files as a new type only for int → bigint; publish it as a new schema_v`,
    };
  }
  if (fits === false) {
    return { direction: 'narrowing', compatible: false, reason: `narrowing ${a} → ${b}: values accepted before no longer fit` };
  }
  return { direction: 'other', compatible: false, reason: `type changed ${a} → ${b}: cells are read as another kind of value` };
}

/** true: every valid cell of `from` is a valid cell of `to` with the same value; false: some are not; undefined: unrelated types. */
function valuesFit(from: ColumnType, to: ColumnType): boolean | undefined {
  const source = integerDigits(from);
  const target = integerDigits(to);
  if (source !== undefined && target !== undefined) {
    if (to.kind === 'int') return from.kind === 'int';
    if (to.kind === 'bigint') return from.kind === 'int' || from.kind === 'bigint' || (source.scale === 0 && source.intDigits <= 18);
    return source.intDigits <= target.intDigits && source.scale <= target.scale;
  }
  if (from.kind === 'timestamp' && to.kind === 'date') return false;
  return undefined;
}

/** Integer digits and scale that a numeric type holds exactly (int: 10 digits, bigint: 19). */
function integerDigits(t: ColumnType): { intDigits: number; scale: number } | undefined {
  switch (t.kind) {
    case 'int':
      return { intDigits: 10, scale: 0 };
    case 'bigint':
      return { intDigits: 19, scale: 0 };
    case 'decimal':
      return { intDigits: t.precision - t.scale, scale: t.scale };
    case 'string':
    case 'double':
    case 'boolean':
    case 'date':
    case 'timestamp':
      return undefined;
    default: {
      const never: never = t;
      return never;
    }
  }
}
