import type { CellType } from '../dataset-module';

/**
 * Columnar buffers for one Parquet file, filled row by row on the main thread and handed to the encoder
 * (a worker thread) as transferable typed arrays: no per-row objects, and strings are copied as bytes.
 */
export type ColumnPayload =
  | { readonly kind: 'utf8'; readonly offsets: Int32Array; readonly data: Uint8Array; readonly validity?: Uint8Array; readonly nullCount: number }
  | { readonly kind: 'repeat-utf8'; readonly value: string }
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

  /** Called when the chunk of input the pending values came from is done (strings keep it alive). */
  commit(): void {}

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
    return this.validity ? { validity: this.validity.slice(0, (this.length + 7) >>> 3), nullCount: this.nullCount } : { nullCount: 0 };
  }
}

/** UTF-8 strings, pushed as byte strings (latin1: one character a byte). */
export class StringBuilder extends ColumnBuilder {
  private offsets: Int32Array;
  private data: Buffer;
  private used = 0;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(capacity = 1024) {
    super(capacity);
    this.offsets = new Int32Array(capacity + 1);
    this.data = Buffer.allocUnsafe(capacity * 16);
  }

  pushBytes(bytes: string): void {
    this.reserve();
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offsets[++this.length] = this.used + this.pendingBytes;
  }

  /** A decoded (UTF-16) string. */
  pushText(text: string): void {
    this.pushBytes(/^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1'));
  }

  protected override onNull(): void {
    this.offsets[this.length + 1] = this.used + this.pendingBytes;
  }

  override commit(): void {
    if (this.pending.length === 0) return;
    const need = this.used + this.pendingBytes;
    if (need > this.data.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.data.length * 2));
      this.data.copy(next, 0, 0, this.used);
      this.data = next;
    }
    this.used += this.data.write(this.pending.length === 1 ? this.pending[0]! : this.pending.join(''), this.used, 'latin1');
    this.pending = [];
    this.pendingBytes = 0;
  }

  protected resize(capacity: number): void {
    const o = new Int32Array(capacity + 1);
    o.set(this.offsets);
    this.offsets = o;
  }

  payload(): ColumnPayload {
    this.commit();
    return {
      kind: 'utf8',
      offsets: this.offsets.slice(0, this.length + 1),
      data: new Uint8Array(this.data.buffer.slice(this.data.byteOffset, this.data.byteOffset + this.used)),
      ...this.validityPayload(),
    };
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
    return { kind: 'int32', data: this.data.slice(0, this.length), ...this.validityPayload() };
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
    return { kind: 'float64', data: this.data.slice(0, this.length), ...this.validityPayload() };
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
    return { kind: 'bool', data: this.data.slice(0, (this.length + 7) >>> 3), ...this.validityPayload() };
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
    return { kind: 'int64', data: this.data.slice(0, this.length * 2), ...this.validityPayload() };
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
    return { kind: 'decimal', data: this.data.slice(0, this.length * 4), ...this.validityPayload() };
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
