import { compareDecimalText } from '../../runtime/cells/numeric';
import { parseTemporal } from '../../runtime/cells/temporal-format';
import type { ColumnModel } from '../contract/dataset-model';
import { compareStrings } from '../contract/diagnostic';

type Family = 'exact' | 'double' | 'date' | 'timestamp' | 'string' | 'boolean';

function family(c: ColumnModel): Family {
  switch (c.type.kind) {
    case 'int':
    case 'bigint':
    case 'decimal':
      return 'exact';
    case 'double':
      return 'double';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default: {
      const never: never = c.type;
      return never;
    }
  }
}

/**
 * Compares a cell written in a base column's contract (min, max or an allowed value) with one written in the
 * head column's contract, by value: `1.50` equals `1.5`, and dates are read in each side's own format.
 * Undefined when the two columns hold different kinds of values (the type change is reported instead).
 */
export function compareCells(baseCell: string, base: ColumnModel, headCell: string, head: ColumnModel): number | undefined {
  const f = family(base);
  if (f !== family(head)) return undefined;
  switch (f) {
    case 'exact':
      return compareDecimalText(baseCell, headCell);
    case 'double':
      return Math.sign(Number(baseCell) - Number(headCell));
    case 'date':
    case 'timestamp': {
      const a = parseTemporal(baseCell, base.format!, f);
      const b = parseTemporal(headCell, head.format!, f);
      return a === undefined || b === undefined ? undefined : Math.sign(a - b);
    }
    case 'string':
    case 'boolean':
      return compareStrings(baseCell, headCell);
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** Whether rule values of the two columns can be compared (they hold the same kind of value). */
export function comparableColumns(base: ColumnModel, head: ColumnModel): boolean {
  return family(base) === family(head);
}

export function sameCell(baseCell: string, base: ColumnModel, headCell: string, head: ColumnModel): boolean {
  return compareCells(baseCell, base, headCell, head) === 0;
}
