import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';

export interface AthenaRunnerOptions {
  readonly client: AthenaClient;
  /** Every query runs in this workgroup (stacks/: `{namePrefix}-{env}-platform`, `…-gold-refresh`, `…-finance`). */
  readonly workGroup: string;
  /**
   * Where results go. Leave it out for the platform's workgroups: they enforce their own (encrypted)
   * location, and Athena ignores a client's. Set it only for a workgroup without a result location.
   */
  readonly outputLocation?: string;
  /** The data catalog of unqualified names (default AwsDataCatalog). */
  readonly catalog?: string;
  /** First wait between polls, doubled after each poll up to `pollMaxMs`. */
  readonly pollInitialMs?: number;
  readonly pollMaxMs?: number;
  /** A query still running after this long is stopped (StopQueryExecution) and reported as timed out. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** A query Athena failed or cancelled (or one that ran out of time): Athena's own words. */
export class AthenaQueryError extends Error {
  constructor(
    message: string,
    readonly queryExecutionId: string,
    readonly state: string,
    readonly stateChangeReason?: string,
    readonly errorType?: number,
    readonly errorCategory?: number,
  ) {
    super(message);
  }
}

export interface AthenaColumn {
  readonly name: string;
  /** Athena's type name (`varchar`, `bigint`, `decimal`…). */
  readonly type: string;
}

export interface AthenaResult {
  readonly queryExecutionId: string;
  readonly columns: readonly AthenaColumn[];
  /** Every row of every page, as Athena returns them: text, or null for SQL NULL. */
  readonly rows: readonly (readonly (string | null)[])[];
  readonly dataScannedBytes?: number;
}

const PAGE_SIZE = 1000;

/**
 * Athena from code (CI/CD, the Lambda, lakec deploy-sql): StartQueryExecution in the workgroup, then
 * GetQueryExecution until the query ends — waiting 250 ms, 500 ms, 1 s … at most 5 s between polls — then
 * GetQueryResults page by page. A failed or cancelled query throws with Athena's own error message and
 * state change reason, so what the CI log shows is what the Athena console would.
 */
export class AthenaRunner {
  private readonly o: AthenaRunnerOptions;

  constructor(options: AthenaRunnerOptions) {
    this.o = options;
  }

  get workGroup(): string {
    return this.o.workGroup;
  }

  /** Starts a query; `database` sets the context unqualified names resolve in. Returns its execution id. */
  async start(sql: string, options: { readonly database?: string; readonly clientRequestToken?: string } = {}): Promise<string> {
    const input: StartQueryExecutionCommandInput = {
      QueryString: sql,
      WorkGroup: this.o.workGroup,
      ...(options.database ? { QueryExecutionContext: { Catalog: this.o.catalog ?? 'AwsDataCatalog', Database: options.database } } : {}),
      ...(this.o.outputLocation ? { ResultConfiguration: { OutputLocation: this.o.outputLocation } } : {}),
      ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
    };
    const out = await this.o.client.send(new StartQueryExecutionCommand(input));
    if (!out.QueryExecutionId) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
    return out.QueryExecutionId;
  }

  /** Polls until the query succeeds; throws AthenaQueryError when it fails, is cancelled or runs out of time. */
  async wait(queryExecutionId: string): Promise<QueryExecution> {
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = this.o.now ?? Date.now;
    const deadline = now() + (this.o.timeoutMs ?? 30 * 60 * 1000);
    let delay = this.o.pollInitialMs ?? 250;
    for (;;) {
      const out = await this.o.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
      const execution = out.QueryExecution;
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return execution!;
      if (state === 'FAILED' || state === 'CANCELLED') throw failure(queryExecutionId, execution!);
      if (now() >= deadline) {
        await this.o.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId })).catch(() => undefined);
        throw new AthenaQueryError(`Athena query ${queryExecutionId} was still ${state ?? 'unknown'} after ${Math.round((this.o.timeoutMs ?? 1_800_000) / 1000)} s; it was stopped`, queryExecutionId, 'TIMED_OUT');
      }
      await sleep(delay);
      delay = Math.min(delay * 2, this.o.pollMaxMs ?? 5000);
    }
  }

  /** Every result row, page by page; the header row Athena puts first in a SELECT's first page is left out. */
  async results(queryExecutionId: string, execution?: QueryExecution): Promise<Omit<AthenaResult, 'queryExecutionId' | 'dataScannedBytes'>> {
    let columns: AthenaColumn[] = [];
    const rows: (string | null)[][] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.o.client.send(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, MaxResults: PAGE_SIZE, ...(token ? { NextToken: token } : {}) }));
      if (first) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => ({ name: c.Name ?? c.Label ?? '', type: c.Type ?? '' }));
      const pageRows = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
      if (first && execution?.StatementType === 'DML' && pageRows.length && columns.length && pageRows[0]!.every((v, i) => v === columns[i]?.name)) pageRows.shift();
      rows.push(...pageRows);
      token = page.NextToken;
      first = false;
    } while (token);
    return { columns, rows };
  }

  /** A query and its rows. */
  async run(sql: string, options: { readonly database?: string } = {}): Promise<AthenaResult> {
    const id = await this.start(sql, options);
    const execution = await this.wait(id);
    const { columns, rows } = await this.results(id, execution);
    const scanned = execution.Statistics?.DataScannedInBytes;
    return { queryExecutionId: id, columns, rows, ...(scanned !== undefined ? { dataScannedBytes: scanned } : {}) };
  }

  /** A statement whose rows do not matter (DDL: CREATE OR REPLACE VIEW …): started and awaited. */
  async execute(sql: string, options: { readonly database?: string } = {}): Promise<string> {
    const id = await this.start(sql, options);
    await this.wait(id);
    return id;
  }
}

function failure(id: string, execution: QueryExecution): AthenaQueryError {
  const status = execution.Status ?? {};
  const state = status.State ?? 'FAILED';
  const reason = status.StateChangeReason;
  const athena = status.AthenaError;
  const words = [reason, athena?.ErrorMessage && athena.ErrorMessage !== reason ? athena.ErrorMessage : undefined].filter(Boolean).join(' — ');
  return new AthenaQueryError(`Athena query ${id} ${state}: ${words || 'no reason given'}`, id, state, reason, athena?.ErrorType, athena?.ErrorCategory);
}
