/**
 * Run ids (DESIGN.md): `YYYYMMDDTHHMMSSZ` in UTC, with a suffix where needed for uniqueness or to say
 * what the run was (`_RETRY`, `_BACKFILL`, `_2`). A writer never reuses one: it claims the id with an
 * exclusive create and takes the next suffix when the id is taken.
 */
/** The one run id pattern: also what generated SQL accepts as a run id literal. Suffixes are upper case. */
export const RUN_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z(?:_[A-Z0-9]+)*$/;

export function isRunId(text: string): boolean {
  return RUN_ID_PATTERN.test(text);
}

/** `20240131T120000Z` for a time (UTC). */
export function runIdAt(time: Date): string {
  return time.toISOString().replace(/\.[0-9]{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** The ids to try in turn for a run starting at `time`: `…Z[_SUFFIX]`, then `_2`, `_3`, … */
export function* runIdCandidates(time: Date, suffix?: string): Generator<string> {
  const base = `${runIdAt(time)}${suffix ? `_${suffix}` : ''}`;
  yield base;
  for (let n = 2; ; n++) yield `${base}_${n}`;
}

/** The UTC date of a time, `YYYY-MM-DD` (a delivery's ingest_date). */
export function utcDate(time: Date): string {
  return time.toISOString().slice(0, 10);
}
