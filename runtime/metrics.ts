/**
 * The metrics every run emits: one namespace shared by the runtime (CloudWatch Embedded Metric Format
 * log lines in Lambda; the run summary and manifest locally) and the alarms in stacks/, which import
 * these names. Every metric has one dimension, `Dataset` = `domain.name@vN`.
 */
export const METRIC_NAMESPACE = 'Lakec';

export const METRIC_DIMENSION = 'Dataset';

export const METRICS = {
  /** Rows read from the delivery (or retried). */
  rowsIn: { name: 'RowsIn', unit: 'Count' },
  rowsSilver: { name: 'RowsSilver', unit: 'Count' },
  rowsQuarantined: { name: 'RowsQuarantined', unit: 'Count' },
  rowsCondemned: { name: 'RowsCondemned', unit: 'Count' },
  /** rows_quarantined / rows_in of the run (0 for an empty run). */
  quarantineRate: { name: 'QuarantineRate', unit: 'None' },
  /** 1 when the quarantine rate is above the contract's max_quarantine_rate, else 0: the alarm's metric. */
  quarantineRateExceeded: { name: 'QuarantineRateExceeded', unit: 'Count' },
  /** 1 for a run that halted (circuit breaker), was rejected or failed, else 0. */
  runFailed: { name: 'RunFailed', unit: 'Count' },
  runHalted: { name: 'RunHalted', unit: 'Count' },
  runSeconds: { name: 'RunSeconds', unit: 'Seconds' },
} as const;

export type MetricKey = keyof typeof METRICS;

export interface MetricValue {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
}

/**
 * One CloudWatch Embedded Metric Format record (a JSON log line CloudWatch turns into metrics, no SDK call):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function embeddedMetricRecord(dataset: string, values: readonly MetricValue[], time: Date, properties: Record<string, string | number | boolean> = {}): string {
  const record: Record<string, unknown> = {
    _aws: {
      Timestamp: time.getTime(),
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[METRIC_DIMENSION]], Metrics: values.map((v) => ({ Name: v.name, Unit: v.unit })) }],
    },
    [METRIC_DIMENSION]: dataset,
    ...properties,
  };
  for (const v of values) record[v.name] = v.value;
  return JSON.stringify(record);
}
