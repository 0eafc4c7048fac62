import { parseDecimalCell, parseIntegerCell } from './cells/numeric';
import { daysFromCivil } from './cells/temporal-format';
import type { ValidatorRuntime } from './dataset-module';

/** The helpers every generated validator gets: the reference cell semantics of runtime/cells, and UTF-8 decoding. */
export const VALIDATOR_RUNTIME: ValidatorRuntime = {
  daysFromCivil,
  parseDecimalCell,
  parseIntegerCell,
  utf8: (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8'),
};
