import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import type { CellType } from '../dataset-module';
import type { ColumnPayload, EncodeJob, FileColumn } from './column-builders';

/**
 * Parquet types of the lake's columns: decimals as DECIMAL(p,s) (INT32/INT64/FIXED_LEN_BYTE_ARRAY as the
 * precision needs), timestamps as TIMESTAMP(MICROS) not adjusted to UTC — the stored wall clock is already
 * UTC (DESIGN.md: times are UTC), and Athena's `timestamp` and DuckDB's TIMESTAMP read it back unchanged —
 * dates as DATE, strings as UTF-8.
 */
export function arrowType(t: CellType): arrow.DataType {
  switch (t.kind) {
    case 'string':
      return new arrow.Utf8();
    case 'int':
      return new arrow.Int32();
    case 'bigint':
      return new arrow.Int64();
    case 'double':
      return new arrow.Float64();
    case 'boolean':
      return new arrow.Bool();
    case 'date':
      return new arrow.DateDay();
    case 'timestamp':
      return new arrow.TimestampMicrosecond();
    case 'decimal':
      return new arrow.Decimal(t.scale, t.precision, 128);
    default: {
      const never: never = t;
      throw new Error(`unknown type ${(never as CellType).kind}`);
    }
  }
}

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

function columnData(col: FileColumn, p: ColumnPayload, rows: number): arrow.Data {
  const type = arrowType(col.type);
  switch (p.kind) {
    case 'repeat-utf8': {
      const bytes = Buffer.from(p.value, 'utf8');
      const data = Buffer.alloc(bytes.length * rows);
      if (bytes.length > 0) data.fill(bytes);
      const offsets = new Int32Array(rows + 1);
      for (let i = 0; i <= rows; i++) offsets[i] = i * bytes.length;
      return arrow.makeData({ type: type as arrow.Utf8, length: rows, nullCount: 0, valueOffsets: offsets, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
    }
    case 'repeat-int32':
      return arrow.makeData({ type: type as arrow.DateDay, length: rows, nullCount: 0, data: new Int32Array(rows).fill(p.value) });
    case 'hex-digest': {
      const hex = new Uint8Array(rows * 64);
      const offsets = new Int32Array(rows + 1);
      const src = p.data;
      let o = 0;
      for (let i = 0; i < rows; i++) {
        offsets[i] = o;
        if (p.validity && !(p.validity[i >> 3]! & (1 << (i & 7)))) continue;
        for (let j = i * 32, end = j + 32; j < end; j++) {
          const b = src[j]!;
          hex[o++] = HEX_DIGITS[b >> 4]!;
          hex[o++] = HEX_DIGITS[b & 15]!;
        }
      }
      offsets[rows] = o;
      return arrow.makeData({ type: type as arrow.Utf8, length: rows, nullCount: p.nullCount, nullBitmap: p.validity, valueOffsets: offsets, data: hex.subarray(0, o) });
    }
    case 'utf8':
      return arrow.makeData({ type: type as arrow.Utf8, length: rows, nullCount: p.nullCount, nullBitmap: p.validity, valueOffsets: p.offsets, data: p.data });
    case 'int32':
      return arrow.makeData({ type: type as arrow.Int32, length: rows, nullCount: p.nullCount, nullBitmap: p.validity, data: p.data });
    case 'int64':
      return arrow.makeData({ type: type as arrow.Int64, length: rows, nullCount: p.nullCount, nullBitmap: p.validity, data: p.data as unknown as BigInt64Array });
    case 'float64':
      return arrow.makeData({ type: type as arrow.Float64, length: rows, nullCount: p.nullCount, nullBitmap: p.validity, data: p.data });
    case 'bool':
      return arrow.makeData({ type: type as arrow.Bool, length: rows, nullCount: p.nullCount, nullBitmap: p.validity, data: p.data });
    case 'decimal':
      return arrow.makeData({ type: type as arrow.Decimal, length: rows, nullCount: p.nullCount, nullBitmap: p.validity, data: p.data });
    default: {
      const never: never = p;
      throw new Error(`unknown payload ${(never as ColumnPayload).kind}`);
    }
  }
}

/** Encodes one file: Snappy, dictionaries only where a column asks for one, statistics where useful. */
export function encodeParquet(job: EncodeJob): Uint8Array {
  const fields = job.columns.map((c) => new arrow.Field(c.name, arrowType(c.type), true));
  const schema = new arrow.Schema(fields);
  const data = job.columns.map((c, i) => columnData(c, job.payload[i]!, job.rows));
  const struct = arrow.makeData({ type: new arrow.Struct(fields), length: job.rows, nullCount: 0, children: data });
  const table = new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
  const ipc = arrow.tableToIPC(table, 'stream');
  const wasmTable = parquet.Table.fromIPCStream(ipc);
  // A WriterProperties is consumed by writeParquet: build a fresh one for every file (reusing one silently
  // writes an uncompressed file).
  let props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.SNAPPY)
    .setDictionaryEnabled(false)
    .setCreatedBy('lakec');
  for (const c of job.columns) {
    if (c.dictionary) props = props.setColumnDictionaryEnabled(c.name, true);
    if (!c.statistics) props = props.setColumnStatisticsEnabled(c.name, parquet.EnabledStatistics.None);
  }
  return parquet.writeParquet(wasmTable, props.build());
}
