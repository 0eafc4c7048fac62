/** The metric namespace the runtime writes and the alarms read (one place; runtime/metrics.ts once it lands). */
export const LAKE_METRIC_NAMESPACE = 'Lakec';
