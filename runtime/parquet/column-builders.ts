import type { CellType } from '../dataset-module';

/**
 * Columnar buffers for one Parquet file, filled row by row on the main thread and handed to the encoder
 * (a worker thread) as transferable typed arrays: no per-row objects, and strings are copied as bytes.
 */
export type ColumnPayload =
  | { readonly kind: 'utf8'; readonly offsets: Int32Array; readonly data: Uint8Array; readonly validity?: Uint8Array; readonly nullCount: number }
  | { readonly kind: 'repeat-utf8'; readonly value: string }
  /** 32-byte digests, written as 64 lowercase hex characters. */
  | { readonly kind: 'hex-digest'; readonly data: Uint8Array; readonly validity?: Uint8Array; readonly nullCount: number }
  | { readonly kind: 'repeat-int32'; readonly value: number }
  | { readonly kind: 'int32'; readonly data: Int32Array; readonly validity?: Uint8Array; readonly nullCount: number }
  /** Two little-endian 32-bit words per value. */
  | { readonly kind: 'int64'; readonly data: Int32Array; readonly validity?: Uint8Array; readonly nullCount: number }
  | { readonly kind: 'float64'; readonly data: Float64Array; readonly validity?: Uint8Array; readonly nullCount: number }
  | { readonly kind: 'bool'; readonly data: Uint8Array; readonly validity?: Uint8Array; readonly nullCount: number }
  /** Four little-endian 32-bit words (a 128-bit two's complement integer) per value. */
  | { readonly kind: 'decimal'; readonly data: Uint32Array; readonly validity?: Uint8Array; readonly nullCount: number };

export interface FileColumn {
  readonly name: string;
  readonly type: CellType;
  /** Few distinct values: Parquet dictionary-encodes the column. */
  readonly dictionary: boolean;
  /** Min/max statistics are useful (not for hashes, raw records, file names). */
  readonly statistics: boolean;
}

/** One Parquet file to encode. */
export interface EncodeJob {
  readonly columns: readonly FileColumn[];
  readonly rows: number;
  readonly payload: readonly ColumnPayload[];
}

export function transferables(job: EncodeJob): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const p of job.payload) {
    if (p.kind === 'repeat-utf8' || p.kind === 'repeat-int32') continue;
    out.push(p.data.buffer as ArrayBuffer);
    if (p.kind === 'utf8') out.push(p.offsets.buffer as ArrayBuffer);
    if (p.validity) out.push(p.validity.buffer as ArrayBuffer);
  }
  return out;
}

const TWO_32 = 4294967296;

/** A column being filled. `length` counts rows. */
export abstract class ColumnBuilder {
  length = 0;
  protected validity: Uint8Array | undefined;
  protected nullCount = 0;

  protected constructor(protected capacity: number) {}

  /** The column's data, handed over: the builder is not used after this (its buffers are transferred). */
  abstract payload(): ColumnPayload;

  /** Appends a null. */
  pushNull(): void {
    this.reserve();
    if (!this.validity) {
      this.validity = new Uint8Array((this.capacity + 7) >>> 3).fill(0xff);
    }
    this.validity[this.length >>> 3]! &= ~(1 << (this.length & 7));
    this.nullCount++;
    this.onNull();
    this.length++;
  }

  protected onNull(): void {}

  /** Makes room for one more row. */
  protected reserve(): void {
    if (this.length < this.capacity) return;
    this.capacity *= 2;
    this.resize(this.capacity);
    if (this.validity) {
      const v = new Uint8Array((this.capacity + 7) >>> 3).fill(0xff);
      v.set(this.validity);
      this.validity = v;
    }
  }

  protected abstract resize(capacity: number): void;

  protected validityPayload(): { validity?: Uint8Array; nullCount: number } {
    return this.validity ? { validity: this.validity.subarray(0, (this.length + 7) >>> 3), nullCount: this.nullCount } : { nullCount: 0 };
  }
}

/** UTF-8 strings: bytes copied in as they come (from a record's bytes, or a latin1 byte string). */
export class StringBuilder extends ColumnBuilder {
  private offsets: Int32Array;
  private data: Uint8Array;
  private used = 0;

  constructor(capacity = 1024) {
    super(capacity);
    this.offsets = new Int32Array(capacity + 1);
    this.data = new Uint8Array(capacity * 16);
  }

  /** The bytes `bytes[s..e)` (a cell of a record). */
  pushRange(bytes: Uint8Array, s: number, e: number): void {
    this.reserve();
    const n = e - s;
    if (this.used + n > this.data.length) this.growData(this.used + n);
    const data = this.data;
    let p = this.used;
    if (n > 64) {
      data.set(bytes.subarray(s, e), p);
      p += n;
    } else {
      for (let j = s; j < e; j++) data[p++] = bytes[j]!;
    }
    this.used = p;
    this.offsets[++this.length] = p;
  }

  /** A byte string (latin1: one character a byte). */
  pushBytes(bytes: string): void {
    this.reserve();
    const n = bytes.length;
    if (this.used + n > this.data.length) this.growData(this.used + n);
    const data = this.data;
    let p = this.used;
    for (let j = 0; j < n; j++) data[p++] = bytes.charCodeAt(j);
    this.used = p;
    this.offsets[++this.length] = p;
  }

  /** A decoded (UTF-16) string. */
  pushText(text: string): void {
    this.pushBytes(/^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1'));
  }

  protected override onNull(): void {
    this.offsets[this.length + 1] = this.used;
  }

  private growData(need: number): void {
    const next = new Uint8Array(Math.max(need, this.data.length * 2));
    next.set(this.data.subarray(0, this.used));
    this.data = next;
  }

  protected resize(capacity: number): void {
    const o = new Int32Array(capacity + 1);
    o.set(this.offsets);
    this.offsets = o;
  }

  payload(): ColumnPayload {
    return { kind: 'utf8', offsets: this.offsets.subarray(0, this.length + 1), data: this.data.subarray(0, this.used), ...this.validityPayload() };
  }
}

/** SHA-256 digests (32 bytes each), written as lowercase hex text. */
export class DigestBuilder extends ColumnBuilder {
  private data: Uint8Array;
  private words: Int32Array;
  constructor(capacity = 1024) {
    super(capacity);
    this.data = new Uint8Array(capacity * 32);
    this.words = new Int32Array(this.data.buffer);
  }
  /** The 32 bytes at `at` in `digests`. */
  pushAt(digests: Uint8Array, at: number): void {
    this.reserve();
    const data = this.data;
    let p = this.length++ * 32;
    for (let j = at; j < at + 32; j++) data[p++] = digests[j]!;
  }
  /** The digest at word `at` of `words` (eight 32-bit words, a view of a chunk's digests). */
  pushWords(words: Int32Array, at: number): void {
    this.reserve();
    const w = this.words;
    const p = this.length++ * 8;
    w[p] = words[at]!;
    w[p + 1] = words[at + 1]!;
    w[p + 2] = words[at + 2]!;
    w[p + 3] = words[at + 3]!;
    w[p + 4] = words[at + 4]!;
    w[p + 5] = words[at + 5]!;
    w[p + 6] = words[at + 6]!;
    w[p + 7] = words[at + 7]!;
  }
  protected resize(capacity: number): void {
    const d = new Uint8Array(capacity * 32);
    d.set(this.data);
    this.data = d;
    this.words = new Int32Array(d.buffer);
  }
  payload(): ColumnPayload {
    return { kind: 'hex-digest', data: this.data.subarray(0, this.length * 32), ...this.validityPayload() };
  }
}

/** int and date (days) columns. */
export class Int32Builder extends ColumnBuilder {
  private data: Int32Array;
  constructor(capacity = 1024) {
    super(capacity);
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    this.reserve();
    this.data[this.length++] = v;
  }
  protected resize(capacity: number): void {
    const d = new Int32Array(capacity);
    d.set(this.data);
    this.data = d;
  }
  payload(): ColumnPayload {
    return { kind: 'int32', data: this.data.subarray(0, this.length), ...this.validityPayload() };
  }
}

export class Float64Builder extends ColumnBuilder {
  private data: Float64Array;
  constructor(capacity = 1024) {
    super(capacity);
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    this.reserve();
    this.data[this.length++] = v;
  }
  protected resize(capacity: number): void {
    const d = new Float64Array(capacity);
    d.set(this.data);
    this.data = d;
  }
  payload(): ColumnPayload {
    return { kind: 'float64', data: this.data.subarray(0, this.length), ...this.validityPayload() };
  }
}

export class BoolBuilder extends ColumnBuilder {
  private data: Uint8Array;
  constructor(capacity = 1024) {
    super(capacity);
    this.data = new Uint8Array((capacity + 7) >>> 3);
  }
  push(v: boolean): void {
    this.reserve();
    if (v) this.data[this.length >>> 3]! |= 1 << (this.length & 7);
    this.length++;
  }
  protected resize(capacity: number): void {
    const d = new Uint8Array((capacity + 7) >>> 3);
    d.set(this.data);
    this.data = d;
  }
  payload(): ColumnPayload {
    return { kind: 'bool', data: this.data.subarray(0, (this.length + 7) >>> 3), ...this.validityPayload() };
  }
}

/** bigint columns, and timestamps (microseconds). Values as exact doubles, or bigints beyond 2^53. */
export class Int64Builder extends ColumnBuilder {
  private data: Int32Array;
  constructor(capacity = 1024) {
    super(capacity);
    this.data = new Int32Array(capacity * 2);
  }
  /** An integer that is exact as a double. */
  push(v: number): void {
    this.reserve();
    const hi = Math.floor(v / TWO_32);
    const at = this.length++ * 2;
    this.data[at] = (v - hi * TWO_32) | 0;
    this.data[at + 1] = hi;
  }
  /** UTC epoch milliseconds stored as microseconds, exactly (ms × 1000 may pass 2^53). */
  pushMillisAsMicros(ms: number): void {
    this.reserve();
    const hi = Math.floor(ms / TWO_32);
    const lo = ms - hi * TWO_32;
    const loMicros = lo * 1000;
    const carry = Math.floor(loMicros / TWO_32);
    const at = this.length++ * 2;
    this.data[at] = (loMicros - carry * TWO_32) | 0;
    this.data[at + 1] = (hi * 1000 + carry) | 0;
  }
  pushBig(v: bigint): void {
    this.reserve();
    const at = this.length++ * 2;
    this.data[at] = Number(BigInt.asIntN(32, v));
    this.data[at + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  protected resize(capacity: number): void {
    const d = new Int32Array(capacity * 2);
    d.set(this.data);
    this.data = d;
  }
  payload(): ColumnPayload {
    return { kind: 'int64', data: this.data.subarray(0, this.length * 2), ...this.validityPayload() };
  }
}

/** decimal(p,s) columns: unscaled values as exact doubles, or bigints. */
export class DecimalBuilder extends ColumnBuilder {
  private data: Uint32Array;
  constructor(capacity = 1024) {
    super(capacity);
    this.data = new Uint32Array(capacity * 4);
  }
  push(v: number): void {
    this.reserve();
    const hi = Math.floor(v / TWO_32);
    const at = this.length++ * 4;
    const sign = v < 0 ? 0xffffffff : 0;
    this.data[at] = v - hi * TWO_32;
    this.data[at + 1] = hi >>> 0;
    this.data[at + 2] = sign;
    this.data[at + 3] = sign;
  }
  pushBig(v: bigint): void {
    this.reserve();
    const at = this.length++ * 4;
    for (let w = 0; w < 4; w++) this.data[at + w] = Number(BigInt.asUintN(32, v >> BigInt(32 * w)));
  }
  protected resize(capacity: number): void {
    const d = new Uint32Array(capacity * 4);
    d.set(this.data);
    this.data = d;
  }
  payload(): ColumnPayload {
    return { kind: 'decimal', data: this.data.subarray(0, this.length * 4), ...this.validityPayload() };
  }
}

/** One value on every row (the run id, the ingest date, the source file). */
export class RepeatBuilder extends ColumnBuilder {
  constructor(private readonly value: { readonly kind: 'utf8'; readonly text: string } | { readonly kind: 'int32'; readonly value: number }) {
    super(Number.MAX_SAFE_INTEGER);
  }
  push(): void {
    this.length++;
  }
  protected resize(): void {}
  payload(): ColumnPayload {
    return this.value.kind === 'utf8' ? { kind: 'repeat-utf8', value: this.value.text } : { kind: 'repeat-int32', value: this.value.value };
  }
}

/** The builder a column of this type needs. */
export function builderFor(type: CellType, capacity: number): ColumnBuilder {
  switch (type.kind) {
    case 'string':
      return new StringBuilder(capacity);
    case 'int':
    case 'date':
      return new Int32Builder(capacity);
    case 'bigint':
    case 'timestamp':
      return new Int64Builder(capacity);
    case 'double':
      return new Float64Builder(capacity);
    case 'boolean':
      return new BoolBuilder(capacity);
    case 'decimal':
      return new DecimalBuilder(capacity);
    default: {
      const never: never = type;
      throw new Error(`unknown type ${(never as CellType).kind}`);
    }
  }
}
