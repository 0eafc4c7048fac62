import { CsvReader, RecordStatus } from '../csv/csv-reader';
import type { DatasetDescriptor } from '../dataset-module';
import { matchHeader, type HeaderMatch } from '../pipeline/header';
import { lineQuoting, type BronzeScan } from './bronze-scan';

/** The SQL engine cannot read this file as the TypeScript engine would (status `failed`, nothing published). */
export class EngineLimit extends Error {}

/** The header record, as runtime/csv/csv-reader.ts reads it: its cells, or why the file is rejected. */
function readHeaderLine(d: DatasetDescriptor, line: Buffer, moreLines: boolean): string[] | string {
  let cells: string[] | string = 'the file is empty: it has no header';
  const reader = new CsvReader({ delimiter: d.source.delimiter, quote: d.source.quote, maxRecordBytes: Number.MAX_SAFE_INTEGER }, (r) => {
    if (r.recordNumber !== 1) return;
    if (r.status === RecordStatus.utf8) cells = 'the header is not valid UTF-8';
    else if (r.status === RecordStatus.quote) cells = 'the header is badly quoted';
    else {
      const rec = r.record;
      const out: string[] = [];
      for (let k = 0; k < rec.cellCount; k++) out.push(Buffer.from(rec.text.slice(rec.starts[k], rec.ends[k]), 'latin1').toString('utf8'));
      cells = out;
    }
  });
  reader.push(line);
  reader.end();
  if (cells === 'the header is badly quoted' && moreLines && lineQuoting(line.toString('latin1'), d.source.delimiter, d.source.quote) === 'open') {
    throw new EngineLimit('the header has a quoted cell that is not closed on its line; the SQL engines read one record per line. Run this delivery with --engine ts');
  }
  return cells;
}


/** What a SQL engine learns of a file as a whole from its scan, before any SQL runs. */
export interface ScanJudgement {
  /** The header's cells, when the contract has a header and the file got that far. */
  readonly header?: string[];
  /** How the header matches the contract, when the file got that far. */
  readonly match?: HeaderMatch;
  /** Why the file is rejected as a whole, if it is. */
  readonly rejection?: string;
}

/**
 * The file as a whole, judged from its scan as the TypeScript engine judges it. Records are judged in file
 * order: the header first, so a header problem is the one reported.
 */
export function judgeScan(d: DatasetDescriptor, scan: BronzeScan, maxRecordBytes: number): ScanJudgement {
  if (scan.gzipError) return { rejection: `the file is not readable gzip: ${scan.gzipError.message}` };
  const tooLong = `the file is not readable CSV: record ${scan.firstTooLong} is longer than ${maxRecordBytes} bytes (an unclosed quote?)`;
  if (scan.firstTooLong === 1 || (scan.firstTooLong !== undefined && !d.source.header)) return { rejection: tooLong };
  if (!d.source.header) return { match: matchHeader(d, undefined) };
  if (scan.contentBytes === 0 || !scan.firstLine) return { rejection: 'the file is empty: it has no header' };
  const header = readHeaderLine(d, scan.firstLine, scan.lines > 1);
  if (typeof header === 'string') return { rejection: header };
  const match = matchHeader(d, header);
  const rejection = match.rejection ?? (scan.firstTooLong !== undefined ? tooLong : undefined);
  return { header, match, ...(rejection ? { rejection } : {}) };
}
