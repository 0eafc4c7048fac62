import { goldLatestKey, goldRunPath } from '../publish/gold-latest';

/**
 * Every key of one Gold contract's runs (DESIGN.md, lake layout):
 * `gold/{domain}/{name}/schema_v=vN/run_id={RUN}/{period}=YYYY-MM/part-00000.parquet` for the data,
 * `…/_runs/{RUN}/_claim.json`, `manifest.json` and `_SUCCESS` for the run's record, `…/_audit/` for
 * restatements published with --allow-restatement, and `…/_LATEST.json`. Athena skips every path segment
 * starting with `_`, so records never leak into the Gold table.
 */
export class GoldKeys {
  constructor(
    /** `gold/{domain}/{name}/schema_v=vN/`. */
    readonly prefix: string,
    readonly period: string,
  ) {}

  get latest(): string {
    return goldLatestKey(this.prefix);
  }

  /** `gold/…/schema_v=vN/run_id={RUN}` (no trailing slash, as `_LATEST.json`'s partition_path). */
  runPath(runId: string): string {
    return goldRunPath(this.prefix, runId);
  }

  dataFile(runId: string, month: string, part: number): string {
    return `${this.runPath(runId)}/${this.period}=${month}/part-${String(part).padStart(5, '0')}.parquet`;
  }

  /** The month of a data file key of this contract, or undefined. */
  monthOf(key: string): string | undefined {
    const m = new RegExp(`/${escapeRegExp(this.period)}=([0-9]{4}-[0-9]{2})/[^/]+\\.parquet$`).exec(key);
    return m?.[1];
  }

  runFile(runId: string, name: 'manifest.json' | '_SUCCESS' | '_claim.json'): string {
    return `${this.prefix}_runs/${runId}/${name}`;
  }

  /** One audit record per published restatement: `_audit/{switch time}-{RUN}.json`. */
  audit(runId: string, at: string): string {
    return `${this.prefix}_audit/${at.replace(/[-:]/g, '')}-${runId}.json`;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
