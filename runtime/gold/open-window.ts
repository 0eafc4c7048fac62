/**
 * Months as numbers and the restatement window (DESIGN.md, restatements): a run may change the last
 * `openMonths` months — counting the latest month either run reports — without --allow-restatement; a
 * change to an older (closed) month needs it.
 */
export function monthIndex(month: string): number {
  const m = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new Error(`not a YYYY-MM month: ${JSON.stringify(month)}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthAt(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The first open month: `openMonths` months ending with `latest`. */
export function openFrom(latest: string, openMonths: number): string {
  return monthAt(monthIndex(latest) - Math.max(1, openMonths) + 1);
}

/** The months of `changed` before the open window that ends with `latest`. */
export function closedMonths(changed: readonly string[], latest: string, openMonths: number): string[] {
  const first = monthIndex(openFrom(latest, openMonths));
  return changed.filter((m) => monthIndex(m) < first);
}

/** The later of two months (either may be missing). */
export function laterMonth(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
