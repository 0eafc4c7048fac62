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

/** Every error to `next`, the error kept at `$.error` (the run's failure state reads it there). */
export function catchAllTo(next: string): AslState[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];
}

/** An Athena statement as a step runs it: its SQL with `{{name}}` placeholders, the parameters it declares, where. */
export interface AthenaStatement {
  readonly sql: string;
  readonly params: readonly string[];
  readonly workGroup: string;
  readonly database: string;
}

export interface AthenaStepOptions {
  /** JSONPath of each parameter's value in the state. */
  readonly paths: Readonly<Record<string, string>>;
  readonly next: string;
  /** Where the query's id goes (default: discarded). */
  readonly resultPath?: string | null;
  readonly resultSelector?: Record<string, string>;
  /** Where any error goes (default: nowhere, the error fails the enclosing state). */
  readonly onError?: readonly AslState[];
}

/** The state an Athena step starts at: its Prepare pass when the statement takes parameters. */
export function athenaStepEntry(state: string, s: Pick<AthenaStatement, 'params'>): string {
  return s.params.length ? `Prepare${state}` : state;
}

/**
 * An Athena step named `state`. A statement with parameters is preceded by a Pass state holding its SQL cut
 * at the placeholders (plain JSON strings), and the task joins the pieces and the values with
 * `States.Format('{}{}…')`: the SQL never sits inside an intrinsic's string literal, so nothing in it
 * (quotes, braces, the backslashes of `\A…\z` patterns) needs the intrinsic escapes.
 */
export function athenaStep(state: string, s: AthenaStatement, o: AthenaStepOptions): Record<string, AslState> {
  const pieces = sqlPieces(s.sql);
  const declared = new Set(s.params);
  for (const p of pieces.params) if (!declared.has(p)) throw new Error(`{{${p}}} in ${state}'s SQL is not one of its parameters`);
  const task: AslState = {
    Type: 'Task',
    Resource: ATHENA_START_SYNC,
    Parameters: {
      ...(pieces.params.length ? { 'QueryString.$': joinPieces(pieces.params, o.paths) } : { QueryString: s.sql }),
      WorkGroup: s.workGroup,
      QueryExecutionContext: { Database: s.database },
    },
    ResultSelector: o.resultSelector ?? { 'QueryExecutionId.$': '$.QueryExecution.QueryExecutionId' },
    ResultPath: o.resultPath ?? null,
    Retry: ATHENA_RETRY,
    ...(o.onError ? { Catch: o.onError } : {}),
    Next: o.next,
  };
  if (!pieces.params.length) return { [state]: task };
  return { [`Prepare${state}`]: { Type: 'Pass', Result: { parts: pieces.parts }, ResultPath: '$.query', Next: state }, [state]: task };
}

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
