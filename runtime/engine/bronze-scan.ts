import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const LF = 10;
const CR = 13;

/**
 * Bytes that may stand in as the "delimiter" when DuckDB reads a delivery one line per row: one that never
 * occurs in the file, so no line is ever cut. Control characters a CSV delivery practically never holds.
 */
const LINE_DELIMITER_CANDIDATES = [0x1f, 0x1e, 0x1d, 0x1c, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b];

/**
 * What the SQL engine must know about a delivery before DuckDB reads it, found in the one pass that also
 * copies it to bronze and hashes it: how its lines end, whether every line is UTF-8, the longest line, the
 * header line, and a byte that never occurs. The records are the lines as runtime/csv/csv-reader.ts cuts
 * them when no quoted cell holds a line break (which the SQL finds and refuses): at LF or CRLF, a UTF-8 BOM
 * at the start skipped.
 */
export interface BronzeScan {
  /** Bytes as delivered (compressed, for a .gz file) and their SHA-256. */
  readonly bytes: number;
  readonly sha256: string;
  /** Bytes of CSV after decompression and the BOM. */
  readonly contentBytes: number;
  /** The content began with a UTF-8 byte order mark (removed). */
  readonly bom: boolean;
  /** Lines (records): the last one counts when it has bytes but no line end. */
  readonly lines: number;
  /**
   * `none`: no carriage return at all; `crlf`: each one directly before a line feed (the line end CRLF);
   * `lone`: some carriage return is data (DuckDB's CSV reader would end a line there).
   */
  readonly carriageReturns: 'none' | 'crlf' | 'lone';
  /** Every line is valid UTF-8. */
  readonly utf8: boolean;
  /** The longest line in bytes (without its line end), and the first line over `maxRecordBytes`, if any. */
  readonly maxLineBytes: number;
  readonly firstTooLong?: number;
  /** The first line's bytes (the header), without its line end. */
  readonly firstLine: Buffer | undefined;
  /** Whether the content ends with a line feed. */
  readonly endsWithLineFeed: boolean;
  /** A byte that occurs nowhere in the content, or undefined. */
  readonly absentByte: number | undefined;
  /** A gzip stream that could not be read (the raw bytes were still all read). */
  readonly gzipError?: Error;
}

export interface ScanOptions {
  readonly gzip: boolean;
  readonly maxRecordBytes: number;
  /** Each raw chunk as read (the bronze copy), in order. */
  readonly onRaw?: (chunk: Buffer) => Promise<void>;
  /** Each chunk of CSV content (decompressed, BOM removed), in order. */
  readonly onContent?: (chunk: Buffer) => Promise<void>;
  readonly onProgress?: (bytesRead: number) => void;
}

/** Reads a delivery once: raw bytes to `onRaw` and the hash, content to the line scan (and `onContent`). */
export async function scanDelivery(input: Readable, o: ScanOptions): Promise<BronzeScan> {
  const sha = createHash('sha256');
  const lines = new LineScan(o.maxRecordBytes);
  let bytes = 0;
  const content = async (chunk: Buffer) => {
    const c = lines.push(chunk);
    if (c.length && o.onContent) await o.onContent(c);
  };
  let gzipError: Error | undefined;
  if (!o.gzip) {
    for await (const chunk of input) {
      const b = chunk as Buffer;
      sha.update(b);
      bytes += b.length;
      o.onProgress?.(bytes);
      if (o.onRaw) await o.onRaw(b);
      await content(b);
    }
  } else {
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    gunzip.on('error', (err) => (gzipError ??= err));
    const feed = (async () => {
      for await (const chunk of input) {
        const b = chunk as Buffer;
        sha.update(b);
        bytes += b.length;
        o.onProgress?.(bytes);
        if (o.onRaw) await o.onRaw(b);
        if (gzipError) continue;
        if (!gunzip.write(b)) await Promise.race([once(gunzip, 'drain'), once(gunzip, 'close')]);
      }
      if (!gzipError) gunzip.end();
    })();
    try {
      for await (const out of gunzip) if (!gzipError) await content(out as Buffer);
    } catch (err) {
      gzipError ??= err instanceof Error ? err : new Error(String(err));
    }
    await feed;
  }
  const last = lines.end();
  if (last.length && o.onContent) await o.onContent(last);
  return { ...lines.result(), bytes, sha256: sha.digest('hex'), ...(gzipError ? { gzipError } : {}) };
}

/** The line structure of CSV content pushed in chunks. */
class LineScan {
  private atStart = true;
  private bom = false;
  private pendingBom: Buffer | undefined;
  /** Bytes after the last line feed seen (an unfinished line). */
  private tail: Buffer = Buffer.alloc(0);
  private lines = 0;
  private contentBytes = 0;
  private cr: 'none' | 'crlf' | 'lone' = 'none';
  private utf8 = true;
  private maxLineBytes = 0;
  private firstTooLong: number | undefined;
  private firstLine: Buffer | undefined;
  private lastByte = -1;
  private readonly candidates = new Set(LINE_DELIMITER_CANDIDATES);

  constructor(private readonly maxRecordBytes: number) {}

  /** Takes raw content; returns it without a leading BOM (what DuckDB reads as lines). */
  push(chunk: Buffer): Buffer {
    let data = chunk;
    if (this.atStart) {
      data = this.pendingBom ? Buffer.concat([this.pendingBom, data]) : data;
      this.pendingBom = undefined;
      if (data.length < 3 && [0xef, 0xbb, 0xbf].slice(0, data.length).every((b, i) => data[i] === b)) {
        this.pendingBom = data;
        return Buffer.alloc(0);
      }
      this.atStart = false;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        data = data.subarray(3);
        this.bom = true;
      }
    }
    if (data.length === 0) return data;
    this.contentBytes += data.length;
    this.lastByte = data[data.length - 1]!;
    for (const c of this.candidates) if (data.indexOf(c) >= 0) this.candidates.delete(c);
    const lastLf = data.lastIndexOf(LF);
    if (lastLf < 0) {
      this.tail = this.tail.length ? Buffer.concat([this.tail, data]) : Buffer.from(data);
      if (this.tail.length > this.maxRecordBytes && this.firstTooLong === undefined) this.firstTooLong = this.lines + 1;
      if (this.tail.length > this.maxRecordBytes + 2) this.tail = this.tail.subarray(this.tail.length - 2);
      return data;
    }
    // Complete lines: the tail and this chunk up to its last line feed.
    const complete = this.tail.length ? Buffer.concat([this.tail, data.subarray(0, lastLf + 1)]) : data.subarray(0, lastLf + 1);
    this.lines += this.scanComplete(complete);
    this.tail = Buffer.from(data.subarray(lastLf + 1));
    return data;
  }

  /** The end of the content: a last line without a line end. */
  end(): Buffer {
    let out = Buffer.alloc(0);
    if (this.atStart && this.pendingBom) {
      // Fewer than three bytes that began like a BOM: content after all.
      const p = this.pendingBom;
      this.pendingBom = undefined;
      this.atStart = false;
      out = Buffer.from(p);
      this.contentBytes += p.length;
      this.lastByte = p[p.length - 1]!;
      for (const c of this.candidates) if (p.indexOf(c) >= 0) this.candidates.delete(c);
      this.tail = Buffer.concat([this.tail, p]);
    }
    if (this.tail.length) {
      const line = this.tail;
      this.noteLine(line, this.lines + 1);
      // A carriage return at the very end is not followed by a line feed: DuckDB would read a line end there.
      if (line.indexOf(CR) >= 0) this.cr = 'lone';
      if (!isUtf8(line)) this.utf8 = false;
      this.lines++;
    }
    return out;
  }

  result(): Omit<BronzeScan, 'bytes' | 'sha256' | 'gzipError'> {
    const absent = [...this.candidates][0];
    return {
      contentBytes: this.contentBytes,
      bom: this.bom,
      lines: this.lines,
      carriageReturns: this.cr,
      utf8: this.utf8,
      maxLineBytes: this.maxLineBytes,
      ...(this.firstTooLong !== undefined ? { firstTooLong: this.firstTooLong } : {}),
      firstLine: this.firstLine,
      endsWithLineFeed: this.lastByte === LF,
      absentByte: absent,
    };
  }

  /** Lines that each end in a line feed; returns how many. */
  private scanComplete(b: Buffer): number {
    if (this.utf8 && !isUtf8(b)) this.utf8 = false;
    let n = 0;
    let start = 0;
    for (let lf = b.indexOf(LF); lf >= 0; lf = b.indexOf(LF, start)) {
      const end = lf > start && b[lf - 1] === CR ? lf - 1 : lf;
      n++;
      if (end - start > this.maxLineBytes || this.lines + n === 1) this.noteLine(b.subarray(start, end), this.lines + n);
      start = lf + 1;
    }
    if (this.cr !== 'lone') {
      for (let at = b.indexOf(CR); at >= 0; at = b.indexOf(CR, at + 1)) {
        if (b[at + 1] !== LF) {
          this.cr = 'lone';
          break;
        }
        this.cr = 'crlf';
      }
    }
    return n;
  }

  private noteLine(line: Buffer, number: number): void {
    if (number === 1) this.firstLine = Buffer.from(line.subarray(0, Math.min(line.length, this.maxRecordBytes + 1)));
    if (line.length > this.maxLineBytes) this.maxLineBytes = line.length;
    if (line.length > this.maxRecordBytes && this.firstTooLong === undefined) this.firstTooLong = number;
  }
}

/**
 * The lines of CSV content, numbered, for the exact (slower) path: `record,"line",raw_hex` per line in a CSV
 * DuckDB reads without ambiguity — the line quoted (so a carriage return inside is data), or for a line that
 * is not UTF-8 an empty line and its bytes in hex. Lines before `first` (the header) are left out.
 *
 * The SQL sees the text of UTF-8 lines; a line that is not UTF-8 is judged here as runtime/csv/csv-reader.ts
 * judges it: its hex keeps a carriage return ending the input only when the record is badly quoted, and a
 * quoted cell left open on it is reported (`openRecord`), like the SQL's own check of the other lines.
 */
export class NumberedLines {
  private tail: Buffer = Buffer.alloc(0);
  private record = 0;
  /** The first line that is not UTF-8 and leaves a quoted cell open. */
  openRecord: number | undefined;

  constructor(
    private readonly write: (text: Buffer) => Promise<void>,
    private readonly first: number,
    private readonly delimiter: string,
    private readonly quote: string,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf < 0) {
      this.tail = Buffer.concat([this.tail, chunk]);
      return;
    }
    const complete = this.tail.length ? Buffer.concat([this.tail, chunk.subarray(0, lastLf + 1)]) : chunk.subarray(0, lastLf + 1);
    this.tail = Buffer.from(chunk.subarray(lastLf + 1));
    const out: Buffer[] = [];
    let start = 0;
    for (let lf = complete.indexOf(LF); lf >= 0; lf = complete.indexOf(LF, start)) {
      const end = lf > start && complete[lf - 1] === CR ? lf - 1 : lf;
      this.line(complete.subarray(start, end), false, out);
      start = lf + 1;
    }
    if (out.length) await this.write(Buffer.concat(out));
  }

  async end(): Promise<void> {
    if (!this.tail.length) return;
    const out: Buffer[] = [];
    this.line(this.tail, true, out);
    this.tail = Buffer.alloc(0);
    await this.write(Buffer.concat(out));
  }

  /** `final`: the last line, without a line end (it may end in a carriage return). */
  private line(bytes: Buffer, final: boolean, out: Buffer[]): void {
    this.record++;
    if (this.record < this.first) return;
    if (isUtf8(bytes)) {
      out.push(Buffer.from(`${this.record},"`), quoteDoubled(bytes), Buffer.from('",\n'));
      return;
    }
    const text = bytes.toString('latin1');
    const quoting = lineQuoting(text, this.delimiter, this.quote);
    if (quoting === 'open' && !final) this.openRecord ??= this.record;
    // A well-quoted record ends before a carriage return that ends the input; a badly quoted one keeps it.
    const keepCr = quoting !== 'ok';
    const raw = final && !keepCr && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
    out.push(Buffer.from(`${this.record},,${raw.toString('hex')}\n`));
  }
}

/**
 * How a line (latin1 text, a carriage return ending it aside) is quoted: `open` when it ends inside a quoted
 * cell (the TypeScript reader would go on reading the next line as part of the cell); `bad` for a quote
 * inside an unquoted cell or text after a closing quote; `ok` otherwise.
 */
export function lineQuoting(text: string, delimiter: string, quote: string): 'ok' | 'open' | 'bad' {
  const t = text.endsWith('\r') ? text.slice(0, -1) : text;
  let i = 0;
  for (;;) {
    if (t[i] !== quote) {
      const next = t.indexOf(delimiter, i);
      const q = t.indexOf(quote, i);
      if (q >= 0 && (next < 0 || q < next)) return 'bad';
      if (next < 0) return 'ok';
      i = next + 1;
      continue;
    }
    let j = i + 1;
    for (;;) {
      const q = t.indexOf(quote, j);
      if (q < 0) return 'open';
      if (t[q + 1] === quote) {
        j = q + 2;
        continue;
      }
      if (q + 1 === t.length) return 'ok';
      if (t[q + 1] !== delimiter) return 'bad';
      i = q + 2;
      break;
    }
  }
}

function quoteDoubled(b: Buffer): Buffer {
  if (b.indexOf(0x22) < 0) return b;
  return Buffer.from(b.toString('latin1').replace(/"/g, '""'), 'latin1');
}
