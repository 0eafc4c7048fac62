import { isAscii, isUtf8 } from 'node:buffer';
import type { CsvRecord } from '../dataset-module';

/** How a record came out of the reader. */
export const enum RecordStatus {
  ok = 0,
  /** Not valid UTF-8: its cells cannot be read as text. */
  utf8 = 1,
  /** Badly quoted (text after a closing quote, a quote inside an unquoted cell, or a quote never closed). */
  quote = 2,
}

export interface CsvReaderOptions {
  /** One ASCII character. */
  readonly delimiter: string;
  readonly quote: string;
  /** A record longer than this makes the file unreadable (an unclosed quote would otherwise swallow it all). */
  readonly maxRecordBytes: number;
  /** Skip a UTF-8 byte order mark at the start (default: yes, as for a file). */
  readonly skipBom?: boolean;
}

export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Thrown when a record exceeds maxRecordBytes: the file cannot be read safely. */
export class RecordTooLargeError extends Error {
  constructor(readonly recordNumber: number, readonly limit: number) {
    super(`record ${recordNumber} is longer than ${limit} bytes (an unclosed quote?)`);
  }
}

/** Receives each record; `reader.record` and friends are valid only during the call. */
export type RecordHandler = (reader: CsvReader) => void;

const LF = 10;
const CR = 13;

/**
 * A streaming RFC 4180 reader over bytes: records end at LF or CRLF, a quoted cell may hold delimiters,
 * newlines and doubled quotes, a UTF-8 BOM at the start of the file is skipped. It splits on bytes and
 * decodes nothing: a record's text is its bytes as latin1 characters, so a chunk of ASCII costs one copy.
 * Only complete records are handed over; the unfinished tail of a chunk waits for the next one, so memory
 * is bounded by the chunk size and the longest record, never the file.
 */
export class CsvReader {
  /** The current record (see CsvRecord); cells in file order. */
  readonly record: CsvRecord = { text: '', bytes: new Uint8Array(0), starts: new Int32Array(64), ends: new Int32Array(64), cellCount: 0, ascii: true };
  /** 1-based number of the current record in the file (the header is record 1). */
  recordNumber = 0;
  status: RecordStatus = RecordStatus.ok;

  private readonly delimiter: number;
  private readonly quote: number;
  private readonly maxRecordBytes: number;
  /** 1 for the bytes the unquoted scan must stop at: the delimiter, the quote and LF. */
  private readonly special = new Uint8Array(256);
  private carry: Buffer | undefined;
  private atStart = true;
  private stopped = false;
  /** Bytes of the record being handed over (for rawRecord), in `data`. */
  private data: Buffer = Buffer.alloc(0);
  private recStart = 0;
  private recEnd = 0;

  constructor(options: CsvReaderOptions, private readonly onRecord: RecordHandler) {
    if (options.delimiter.length !== 1 || options.delimiter.charCodeAt(0) > 127) throw new Error(`unsupported delimiter ${JSON.stringify(options.delimiter)}`);
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quote.charCodeAt(0);
    this.maxRecordBytes = options.maxRecordBytes;
    this.atStart = options.skipBom !== false;
    this.special[this.delimiter] = 1;
    this.special[this.quote] = 1;
    this.special[LF] = 1;
  }

  /** Stops handing over records (a halted run); the rest of the input is ignored. */
  stop(): void {
    this.stopped = true;
    this.carry = undefined;
  }

  /** The current record exactly as delivered, without its line end, as latin1 characters (bytes). */
  rawRecord(): string {
    return this.data.toString('latin1', this.recStart, this.recEnd);
  }

  /** The current record's bytes in lowercase hex. */
  rawRecordHex(): string {
    return this.data.toString('hex', this.recStart, this.recEnd);
  }

  /** Whether the current record's bytes are valid UTF-8 (always so for status ok). */
  rawRecordIsUtf8(): boolean {
    return isUtf8(this.data.subarray(this.recStart, this.recEnd));
  }

  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    let data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    if (this.atStart) {
      if (data.length < 3 && data.every((b, i) => b === [0xef, 0xbb, 0xbf][i])) {
        this.carry = data;
        return;
      }
      this.atStart = false;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    }
    const used = this.scan(data, false);
    if (!this.stopped && used < data.length) {
      if (data.length - used > this.maxRecordBytes) throw new RecordTooLargeError(this.recordNumber + 1, this.maxRecordBytes);
      // Copy the tail, so the chunk it came from can be freed.
      this.carry = Buffer.from(data.subarray(used));
    }
  }

  /** The end of the input: the last record may lack its line end, or a quote may be left open. */
  end(): void {
    if (this.stopped) return;
    const data = this.carry;
    this.carry = undefined;
    if (!data || data.length === 0) return;
    if (this.atStart && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
      if (data.length > 3) this.scan(data.subarray(3), true);
      return;
    }
    this.scan(data, true);
  }

  /** Hands over every complete record of `data` (all of it when `final`); returns the bytes used. */
  private scan(data: Buffer, final: boolean): number {
    const n = data.length;
    const ascii = isAscii(data);
    // Records that end at or before the last line feed are valid UTF-8 when this prefix is: a line feed
    // never falls inside a multi-byte character. Otherwise each record is checked on its own.
    let validUpTo = 0;
    if (!ascii) {
      const lastLf = data.lastIndexOf(LF);
      if (lastLf >= 0 && isUtf8(data.subarray(0, lastLf + 1))) validUpTo = lastLf + 1;
    }
    const text = data.toString('latin1', 0, n);
    const rec = this.record;
    this.data = data;
    const delimiter = this.delimiter;
    const quote = this.quote;
    const special = this.special;
    let pos = 0;
    // The fast path: a line holding no quote is split at its delimiters by the string's own search (one
    // native call a cell, not a step a byte). `lf`, `quoteAt` and `delimAt` are the next line feed, quote
    // and delimiter at or after where they were last looked for (-1: none left in the chunk).
    const delimChar = String.fromCharCode(delimiter);
    const quoteChar = String.fromCharCode(quote);
    let lf = -2;
    let quoteAt = -2;
    let delimAt = -2;
    while (pos < n) {
      if (this.stopped) return n;
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (quoteAt !== -1 && quoteAt < pos) quoteAt = text.indexOf(quoteChar, pos);
      if (lf >= 0 && (quoteAt === -1 || quoteAt > lf)) {
        let starts = rec.starts;
        let ends = rec.ends;
        let cells = 0;
        let cellStart = pos;
        for (;;) {
          if (delimAt !== -1 && delimAt < cellStart) delimAt = text.indexOf(delimChar, cellStart);
          if (delimAt === -1 || delimAt > lf) break;
          if (cells === starts.length) ({ starts, ends } = this.grow());
          starts[cells] = cellStart;
          ends[cells++] = delimAt;
          cellStart = delimAt + 1;
        }
        const recordEnd = lf > pos && data[lf - 1] === CR ? lf - 1 : lf;
        if (cells === starts.length) ({ starts, ends } = this.grow());
        starts[cells] = cellStart;
        ends[cells++] = recordEnd;
        this.hand(pos, recordEnd, cells, text, data, ascii, validUpTo, RecordStatus.ok, false);
        pos = lf + 1;
        if (final && pos >= n) return n;
        continue;
      }
      let starts = rec.starts;
      let ends = rec.ends;
      let cells = 0;
      let cellStart = pos;
      let i = pos;
      let status = RecordStatus.ok;
      let unescape = false;
      let recordEnd = -1;
      let next = -1;
      // Unquoted cells: one pass over the bytes, one table lookup for the bytes that mean nothing here.
      for (;;) {
        while (i < n && special[data[i]!] === 0) i++;
        if (i >= n) {
          if (!final) return pos;
          recordEnd = n;
          next = n;
          break;
        }
        const c = data[i]!;
        if (c === delimiter) {
          if (cells === starts.length) ({ starts, ends } = this.grow());
          starts[cells] = cellStart;
          ends[cells++] = i;
          cellStart = ++i;
          continue;
        }
        if (c === LF) {
          recordEnd = i > pos && data[i - 1] === CR ? i - 1 : i;
          next = i + 1;
          break;
        }
        if (c !== quote) {
          i++;
          continue;
        }
        if (i !== cellStart) {
          // A quote inside an unquoted cell: the record ends at the next line feed.
          status = RecordStatus.quote;
          const lf = data.indexOf(LF, i);
          if (lf < 0 && !final) return pos;
          recordEnd = lf < 0 ? n : lf > pos && data[lf - 1] === CR ? lf - 1 : lf;
          next = lf < 0 ? n : lf + 1;
          break;
        }
        // A quoted cell: find its closing quote (doubled quotes inside stand for one).
        let j = i + 1;
        let close = -1;
        for (;;) {
          const q = data.indexOf(quote, j);
          if (q < 0 || q + 1 >= n) {
            if (!final) return pos;
            if (q >= 0 && q + 1 >= n) close = q;
            break;
          }
          if (data[q + 1] === quote) {
            unescape = true;
            j = q + 2;
            continue;
          }
          close = q;
          break;
        }
        if (close < 0) {
          // Never closed before the end of the input.
          status = RecordStatus.quote;
          recordEnd = n;
          next = n;
          break;
        }
        if (cells === starts.length) ({ starts, ends } = this.grow());
        starts[cells] = i + 1;
        ends[cells++] = close;
        i = close + 1;
        const after = i < n ? data[i]! : -1;
        if (after === delimiter) {
          cellStart = ++i;
          // The cell after a delimiter starts fresh; mark that the last cell was already stored.
          if (i >= n && !final) return pos;
          continue;
        }
        if (after === LF || after === -1 || (after === CR && (i + 1 >= n ? final : data[i + 1] === LF))) {
          if (after === -1 && !final) return pos;
          recordEnd = i;
          next = after === -1 ? n : after === LF ? i + 1 : i + 2;
          cellStart = -1;
          break;
        }
        if (after === CR && i + 1 >= n && !final) return pos;
        // Text after a closing quote.
        status = RecordStatus.quote;
        const lf = data.indexOf(LF, i);
        if (lf < 0 && !final) return pos;
        recordEnd = lf < 0 ? n : lf > pos && data[lf - 1] === CR ? lf - 1 : lf;
        next = lf < 0 ? n : lf + 1;
        break;
      }
      if (status === RecordStatus.ok && cellStart >= 0) {
        if (cells === starts.length) ({ starts, ends } = this.grow());
        let cellEnd = recordEnd;
        // A lone CR at the very end of the input ends the record like CRLF.
        if (final && next === n && recordEnd === n && recordEnd > cellStart && data[recordEnd - 1] === CR) cellEnd = recordEnd - 1;
        starts[cells] = cellStart;
        ends[cells++] = cellEnd;
        if (cellEnd !== recordEnd) recordEnd = cellEnd;
      }
      this.hand(pos, recordEnd, cells, text, data, ascii, validUpTo, status, unescape);
      pos = next;
      if (final && pos >= n) return n;
    }
    return pos;
  }

  /** Hands over the record `data[start, end)` whose `cells` are in record.starts/ends. */
  private hand(start: number, end: number, cells: number, text: string, data: Buffer, ascii: boolean, validUpTo: number, status: RecordStatus, unescape: boolean): void {
    const rec = this.record;
    this.recordNumber++;
    this.recStart = start;
    this.recEnd = end;
    rec.cellCount = cells;
    rec.text = text;
    rec.bytes = data;
    rec.ascii = ascii;
    if (status === RecordStatus.ok && !ascii && end > validUpTo && !isUtf8(data.subarray(start, end))) status = RecordStatus.utf8;
    if (status === RecordStatus.ok && unescape) this.unescapeCells(text);
    this.status = status;
    this.onRecord(this);
  }

  /** Rebuilds the current record's text with doubled quotes undone (rare: only records that have them). */
  private unescapeCells(text: string): void {
    const rec = this.record;
    const q = String.fromCharCode(this.quote);
    const parts: string[] = [];
    let offset = 0;
    for (let k = 0; k < rec.cellCount; k++) {
      const cell = text.slice(rec.starts[k], rec.ends[k]).split(q + q).join(q);
      parts.push(cell);
      rec.starts[k] = offset;
      offset += cell.length;
      rec.ends[k] = offset;
    }
    rec.text = parts.join('');
    rec.bytes = Buffer.from(rec.text, 'latin1');
  }

  private grow(): { starts: Int32Array; ends: Int32Array } {
    const rec = this.record;
    const starts = new Int32Array(rec.starts.length * 2);
    const ends = new Int32Array(rec.ends.length * 2);
    starts.set(rec.starts);
    ends.set(rec.ends);
    rec.starts = starts;
    rec.ends = ends;
    return { starts, ends };
  }
}
