import type { RunSummary } from '../runtime/pipeline/run-summary';

/** The run summary as a readable table (stdout without --json). */
export function formatRunSummary(s: RunSummary, title: string): string {
  const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
  const rows: [string, string][] = [
    ['rows in', String(s.rows_in)],
    ['silver', String(s.rows_silver)],
    [
      'quarantined',
      `${s.rows_quarantined}  (rate ${pct(s.quarantine_rate)}; max_quarantine_rate ${pct(s.max_quarantine_rate)}${s.quarantine_rate_exceeded ? ' — EXCEEDED, alarm raised' : ''})`,
    ],
    ['condemned', `${s.rows_condemned}${s.rows_condemned ? `  (${s.condemned_duplicates} duplicate, ${s.condemned_max_attempts} at max_attempts)` : ''}`],
  ];
  const errors = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  if (errors.length) rows.push(['errors', errors.map(([k, n]) => `${k} ${n}`).join(', ')]);
  if (s.drift.missing_columns.length) rows.push(['drift', `missing optional columns (read as null): ${s.drift.missing_columns.join(', ')}`]);
  if (s.drift.extra_columns.length) rows.push([s.drift.missing_columns.length ? '' : 'drift', `extra columns (not loaded): ${s.drift.extra_columns.join(', ')}`]);
  rows.push(['delivery', `${s.delivery.file_name}, ${s.delivery.bytes} bytes, sha256 ${s.delivery.sha256.slice(0, 12)}…`]);
  rows.push(['bronze', s.delivery.bronze_key]);
  if (s.partitions.length) rows.push(['partitions', s.partitions.map((p) => `${p.partition} (${p.rows})`).join(', ')]);
  if (s.superseded.length) rows.push(['replaced', `earlier run${s.superseded.length > 1 ? 's' : ''} of this delivery: ${s.superseded.join(', ')}`]);
  if (s.retry_of?.length) rows.push(['retried', `rows of run${s.retry_of.length > 1 ? 's' : ''} ${s.retry_of.join(', ')}`]);
  rows.push(['time', `${s.seconds} s, ${s.rows_per_second.toLocaleString('en-US')} rows/s, ${s.mb_per_second} MB/s`]);
  rows.push(['lake', s.lake]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`${title}: ${s.status.toUpperCase()} (run ${s.run_id})`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
  if (s.message) lines.push('', `  ${s.message}`);
  return `${lines.join('\n')}\n`;
}
