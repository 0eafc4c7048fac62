import { CsvReader, RecordStatus } from '../csv/csv-reader';
import type { DatasetDescriptor } from '../dataset-module';
import { opensQuote } from './bronze-scan';

/** The file as a whole cannot be taken in (status `rejected`, as the TypeScript engine decides). */
export class RejectedFile extends Error {}

/** The SQL engine cannot read this file as the TypeScript engine would (status `failed`, nothing published). */
export class EngineLimit extends Error {}

/** The header record, as runtime/csv/csv-reader.ts reads it: its cells, or why the file is rejected. */
export function readHeaderLine(d: DatasetDescriptor, line: Buffer, moreLines: boolean): string[] | string {
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
  if (cells === 'the header is badly quoted' && moreLines && opensQuote(line.toString('latin1'), d.source.delimiter, d.source.quote)) {
    throw new EngineLimit('the header has a quoted cell that is not closed on its line; the SQL engines read one record per line. Run this delivery with --engine ts');
  }
  return cells;
}

