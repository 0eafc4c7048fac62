/**
 * The platform's environments, configured in one typed place. Read by stacks/ (one CDKTF stack each)
 * and by `lakec build` (table locations in the Athena DDL). No cdktf import here: plain data.
 */
export interface RemoteState {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** DynamoDB table for state locking. */
  readonly dynamodbTable: string;
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
  /** E-mail addresses subscribed to alarm topics. */
  readonly alarmSubscribers: readonly string[];
  /** Log retention in days. */
  readonly logRetentionDays: number;
  /** Remote state; without it the stack uses a local backend (offline synth). */
  readonly remoteState?: RemoteState;
}

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
    logRetentionDays: 30,
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
    logRetentionDays: 365,
    remoteState: { bucket: 'acme-lake-terraform-state', key: 'lakec/prod.tfstate', region: 'eu-west-1', dynamodbTable: 'acme-lake-terraform-locks' },
  },
];
