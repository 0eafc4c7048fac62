/**
 * The platform's environments, configured in one typed place. Read by stacks/ (one CDKTF stack each)
 * and by `lakec build` (table locations in the Athena DDL). No cdktf import here: plain data.
 */

/** How concurrent `plan`/`apply` runs are kept apart on the S3 state. */
export type StateLocking =
  /** S3-native lock file (`use_lockfile`; Terraform ≥ 1.10, OpenTofu ≥ 1.10). */
  | { readonly kind: 'lockfile' }
  /** A DynamoDB table with a `LockID` string hash key (older Terraform; deprecated upstream). */
  | { readonly kind: 'dynamodb'; readonly table: string };

export interface RemoteState {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly locking: StateLocking;
  /** KMS key (ARN or alias) for the state object; SSE-S3 when absent. */
  readonly kmsKeyId?: string;
}

export type LambdaArchitecture = 'x86_64' | 'arm64';

/** The ETL compute: one function per dataset contract, all from the same bundle. */
export interface EtlLambdaConfig {
  /** Lambda runtime identifier; DESIGN.md: nodejs22.x by default. */
  readonly runtime: string;
  readonly architecture: LambdaArchitecture;
  readonly memoryMb: number;
  /** At most 900 (Lambda's limit). */
  readonly timeoutSeconds: number;
  /**
   * Reserved concurrency per dataset function. 1 runs a dataset's deliveries one after the other
   * (publishes never race); it is taken from the account's concurrency, so N datasets reserve N.
   */
  readonly reservedConcurrency: number;
  /** Retries of a failed asynchronous invocation before the event goes to the dead-letter queue (0–2). */
  readonly maxRetryAttempts: number;
}

export interface EnvironmentConfig {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Prefix of every resource name: buckets are `{namePrefix}-{name}-{bucket}`. */
  readonly namePrefix: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Object-lock retention of bronze objects (governance mode), in days. */
  readonly bronzeRetentionDays: number;
  /** Athena workgroup cut-off per query, in bytes scanned. */
  readonly bytesScannedCutoff: number;
  /** E-mail addresses subscribed to every alarm topic (platform and each domain). */
  readonly alarmSubscribers: readonly string[];
  /** Extra subscribers of one domain's alarm topic, by domain name. */
  readonly domainAlarmSubscribers?: Readonly<Record<string, readonly string[]>>;
  /** Log retention in days (CloudWatch Logs accepts only its own list of values; at least 365 here). */
  readonly logRetentionDays: number;
  /** Days before Athena query results (a cache, not lake data) expire. */
  readonly athenaResultsRetentionDays: number;
  /** Principals (IAM ARNs) that may assume the finance read-only role. */
  readonly financePrincipals: readonly string[];
  /** Waiting period before a scheduled KMS key deletion takes effect (7–30). */
  readonly kmsDeletionWindowDays: number;
  readonly etlLambda: EtlLambdaConfig;
  /** Remote state; without it the stack uses a local backend (offline synth and plan). */
  readonly remoteState?: RemoteState;
}

const ETL_LAMBDA: EtlLambdaConfig = {
  runtime: 'nodejs22.x',
  architecture: 'x86_64',
  memoryMb: 2048,
  timeoutSeconds: 900,
  reservedConcurrency: 1,
  maxRetryAttempts: 2,
};

export const ENVIRONMENTS: readonly EnvironmentConfig[] = [
  {
    name: 'dev',
    account: '111111111111',
    region: 'eu-west-1',
    namePrefix: 'acme-lake',
    tags: { project: 'lakec', environment: 'dev', 'cost-center': 'data-platform' },
    bronzeRetentionDays: 30,
    bytesScannedCutoff: 10 * 1024 ** 3,
    alarmSubscribers: ['data-platform-dev@example.com'],
    logRetentionDays: 365,
    athenaResultsRetentionDays: 7,
    financePrincipals: ['arn:aws:iam::111111111111:root'],
    kmsDeletionWindowDays: 7,
    etlLambda: ETL_LAMBDA,
    // CI deploys dev too: its state must outlive the runner (LAKEC_LOCAL_STATE=1 for a local state file).
    remoteState: {
      bucket: 'acme-lake-terraform-state-dev',
      key: 'lakec/dev.tfstate',
      region: 'eu-west-1',
      locking: { kind: 'lockfile' },
    },
  },
  {
    name: 'prod',
    account: '222222222222',
    region: 'eu-west-1',
    namePrefix: 'acme-lake',
    tags: { project: 'lakec', environment: 'prod', 'cost-center': 'data-platform' },
    bronzeRetentionDays: 2555,
    bytesScannedCutoff: 100 * 1024 ** 3,
    alarmSubscribers: ['data-platform-oncall@example.com'],
    domainAlarmSubscribers: { finance: ['finance-controllers@example.com'] },
    logRetentionDays: 400,
    athenaResultsRetentionDays: 30,
    financePrincipals: ['arn:aws:iam::222222222222:root'],
    kmsDeletionWindowDays: 30,
    etlLambda: ETL_LAMBDA,
    remoteState: {
      bucket: 'acme-lake-terraform-state',
      key: 'lakec/prod.tfstate',
      region: 'eu-west-1',
      locking: { kind: 'lockfile' },
    },
  },
];

/** CloudWatch Logs' allowed retention values (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * Everything wrong with a list of environments, as plain sentences (empty when fine). Checked before
 * any stack is built, so a typo in this file fails `cdktf synth` with a message instead of a bad plan.
 */
export function environmentProblems(envs: readonly EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  const seenNames = new Set<string>();
  const seenTargets = new Map<string, string>();
  for (const e of envs) {
    const where = `environment \`${e.name}\``;
    if (!/^[a-z][a-z0-9]{0,9}$/.test(e.name)) problems.push(`${where}: the name must be 1–10 lowercase letters or digits, starting with a letter`);
    if (seenNames.has(e.name)) problems.push(`${where}: defined twice`);
    seenNames.add(e.name);
    if (!/^[0-9]{12}$/.test(e.account)) problems.push(`${where}: account must be 12 digits, not \`${e.account}\``);
    if (!/^[a-z]{2}(-[a-z]+)+-[0-9]$/.test(e.region)) problems.push(`${where}: \`${e.region}\` is not an AWS region name`);
    if (!/^[a-z][a-z0-9-]{1,23}[a-z0-9]$/.test(e.namePrefix)) problems.push(`${where}: namePrefix must be 3–25 lowercase letters, digits or hyphens`);
    // The Glue catalog's encryption settings and the trail are one per account and region.
    const target = `${e.account}/${e.region}`;
    const other = seenTargets.get(target);
    if (other) problems.push(`${where}: shares account ${e.account} and region ${e.region} with \`${other}\`; the Glue catalog settings exist once per account and region`);
    seenTargets.set(target, e.name);
    if (!Number.isInteger(e.bronzeRetentionDays) || e.bronzeRetentionDays < 1) problems.push(`${where}: bronzeRetentionDays must be a whole number of days ≥ 1`);
    if (!Number.isInteger(e.bytesScannedCutoff) || e.bytesScannedCutoff < 10 * 1024 ** 2) problems.push(`${where}: bytesScannedCutoff must be at least 10 MB (Athena's minimum)`);
    if (!LOG_RETENTION_DAYS.includes(e.logRetentionDays) || e.logRetentionDays < 365) {
      problems.push(`${where}: logRetentionDays must be one of CloudWatch's values and at least 365 (${LOG_RETENTION_DAYS.filter((d) => d >= 365).join(', ')})`);
    }
    if (!Number.isInteger(e.athenaResultsRetentionDays) || e.athenaResultsRetentionDays < 1) problems.push(`${where}: athenaResultsRetentionDays must be ≥ 1`);
    if (!Number.isInteger(e.kmsDeletionWindowDays) || e.kmsDeletionWindowDays < 7 || e.kmsDeletionWindowDays > 30) problems.push(`${where}: kmsDeletionWindowDays must be 7–30`);
    for (const p of e.financePrincipals) {
      if (!/^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[A-Za-z0-9+=,.@_/:-]+$/.test(p)) problems.push(`${where}: finance principal \`${p}\` is not an IAM ARN`);
    }
    if (e.financePrincipals.length === 0) problems.push(`${where}: financePrincipals is empty; nobody could assume the finance role`);
    const subscribers = [...e.alarmSubscribers, ...Object.values(e.domainAlarmSubscribers ?? {}).flat()];
    for (const s of subscribers) if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)) problems.push(`${where}: alarm subscriber \`${s}\` is not an e-mail address`);
    const l = e.etlLambda;
    if (!/^nodejs[0-9]+\.x$/.test(l.runtime)) problems.push(`${where}: etlLambda.runtime must be a Node.js runtime such as nodejs22.x`);
    if (!Number.isInteger(l.memoryMb) || l.memoryMb < 128 || l.memoryMb > 10240) problems.push(`${where}: etlLambda.memoryMb must be 128–10240`);
    if (!Number.isInteger(l.timeoutSeconds) || l.timeoutSeconds < 1 || l.timeoutSeconds > 900) problems.push(`${where}: etlLambda.timeoutSeconds must be 1–900`);
    if (!Number.isInteger(l.reservedConcurrency) || l.reservedConcurrency < 1) problems.push(`${where}: etlLambda.reservedConcurrency must be ≥ 1`);
    if (!Number.isInteger(l.maxRetryAttempts) || l.maxRetryAttempts < 0 || l.maxRetryAttempts > 2) problems.push(`${where}: etlLambda.maxRetryAttempts must be 0–2`);
    const rs = e.remoteState;
    if (rs) {
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(rs.bucket)) problems.push(`${where}: remoteState.bucket \`${rs.bucket}\` is not a bucket name`);
      if (rs.key.length === 0 || rs.key.startsWith('/')) problems.push(`${where}: remoteState.key must be a relative object key`);
      if (rs.locking.kind === 'dynamodb' && !/^[A-Za-z0-9_.-]{3,255}$/.test(rs.locking.table)) problems.push(`${where}: remoteState.locking.table is not a DynamoDB table name`);
    }
  }
  return problems;
}
