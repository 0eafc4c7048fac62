/**
 * Reference cell semantics for numbers and booleans (DESIGN.md, contract format): no trimming, no leading
 * `+`, base-10 integers in range, plain decimals never rounded, finite doubles. Generated validators must
 * agree with these functions; tests check that they do.
 */
export const INT32_MIN = -2147483648n;
export const INT32_MAX = 2147483647n;
export const INT64_MIN = -9223372036854775808n;
export const INT64_MAX = 9223372036854775807n;

const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;
const DOUBLE = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

export function parseIntegerCell(cell: string, kind: 'int' | 'bigint'): bigint | undefined {
  if (!INTEGER.test(cell)) return undefined;
  const v = BigInt(cell);
  const [lo, hi] = kind === 'int' ? [INT32_MIN, INT32_MAX] : [INT64_MIN, INT64_MAX];
  return v < lo || v > hi ? undefined : v;
}

/** The unscaled value of a decimal(p,s) cell (`12.3` at scale 2 → 1230n), or undefined if it does not fit. */
export function parseDecimalCell(cell: string, precision: number, scale: number): bigint | undefined {
  const m = DECIMAL.exec(cell);
  if (!m) return undefined;
  const intDigits = m[2]!.replace(/^0+(?=[0-9])/, '');
  const frac = m[3] ?? '';
  if (frac.length > scale) return undefined;
  const significantInt = intDigits === '0' ? 0 : intDigits.length;
  if (significantInt > precision - scale) return undefined;
  const unscaled = BigInt(intDigits + frac.padEnd(scale, '0'));
  return m[1] === '-' ? -unscaled : unscaled;
}

export function parseDoubleCell(cell: string): number | undefined {
  if (!DOUBLE.test(cell)) return undefined;
  const v = Number(cell);
  return Number.isFinite(v) ? v : undefined;
}

export function parseBooleanCell(cell: string): boolean | undefined {
  return cell === 'true' ? true : cell === 'false' ? false : undefined;
}

/** `1230n` at scale 2 → `12.30`. */
export function formatUnscaled(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return neg ? `-${body}` : body;
}

/** Exact comparison of two plain decimal strings (`-1.50` vs `2`). */
export function compareDecimalText(a: string, b: string): number {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const ua = toUnscaled(a, scale);
  const ub = toUnscaled(b, scale);
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function fractionDigits(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function toUnscaled(s: string, scale: number): bigint {
  const m = DECIMAL.exec(s);
  if (!m) throw new Error(`not a plain decimal: ${s}`);
  const v = BigInt(m[2]! + (m[3] ?? '').padEnd(scale, '0'));
  return m[1] === '-' ? -v : v;
}
