/**
 * Amazon States Language pieces the state machines share (the Gold refresh, the Athena backfill): Athena
 * tasks, their retries, statements cut at their `{{name}}` placeholders and joined again with
 * `States.Format`.
 */

export type AslState = Record<string, unknown>;
export interface AslDefinition {
  readonly Comment: string;
  readonly TimeoutSeconds: number;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

export const ATHENA_START_SYNC = 'arn:aws:states:::athena:startQueryExecution.sync';
export const ATHENA_RESULTS = 'arn:aws:states:::athena:getQueryResults';

/** Retries that only wait out throttling and Athena's transient errors; a failed query fails the run. */
export const ATHENA_RETRY = [
  { ErrorEquals: ['Athena.TooManyRequestsException', 'Athena.InternalServerException', 'Athena.ThrottlingException'], IntervalSeconds: 5, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/** A finished query's rows (the header first) into `resultPath`, at most `maxResults` of them. */
export function readResults(queryPath: string, maxResults: number, resultPath: string, next: string, onError: readonly AslState[]): AslState {
  return {
    Type: 'Task',
    Resource: ATHENA_RESULTS,
    Parameters: { 'QueryExecutionId.$': `${queryPath}.QueryExecutionId`, MaxResults: maxResults },
    ResultSelector: { 'rows.$': '$.ResultSet.Rows' },
    ResultPath: resultPath,
    Retry: ATHENA_RETRY,
    Catch: onError,
    Next: next,
  };
}

/** Text inside a `'…'` intrinsic string argument: `'`, `{`, `}` and `\` are escaped. */
export function escapeIntrinsicString(text: string): string {
  return text.replace(/[\\'{}]/g, (c) => `\\${c}`);
}

/** A statement cut at its `{{name}}` placeholders: n+1 SQL pieces around n parameter names. */
export function sqlPieces(text: string): { parts: string[]; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{\{([a-z][a-z0-9_]*)\}\}/g)) {
    parts.push(text.slice(last, m.index));
    params.push(m[1]!);
    last = m.index! + m[0].length;
  }
  parts.push(text.slice(last));
  return { parts, params };
}

/** `States.Format('{}{}…', $.query.parts[0], <value>, $.query.parts[1], …)`. */
export function joinPieces(params: readonly string[], paths: Readonly<Record<string, string>>): string {
  const args: string[] = [];
  params.forEach((p, i) => {
    const path = paths[p];
    if (path === undefined) throw new Error(`no JSONPath for parameter ${p}`);
    args.push(`$.query.parts[${i}]`, path);
  });
  args.push(`$.query.parts[${params.length}]`);
  return `States.Format('${'{}'.repeat(args.length)}', ${args.join(', ')})`;
}
