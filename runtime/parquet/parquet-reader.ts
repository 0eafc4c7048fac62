import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';

/** Reads a Parquet file (all of it, or some columns) into an Arrow table. */
export function readParquetTable(bytes: Uint8Array, columns?: readonly string[]): arrow.Table {
  const wasmTable = parquet.readParquet(bytes, { ...(columns ? { columns: [...columns] } : {}), batchSize: 65536 });
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

/**
 * The canonical text of every value of a column as the runtime fingerprints `unique` values: strings as
 * their UTF-8 bytes (latin1 characters), whole numbers and unscaled decimals in decimal digits, dates as
 * days and timestamps as epoch milliseconds, booleans as 1/0, doubles as JavaScript prints them; null
 * as null. Reads the Arrow buffers directly, so it agrees exactly with the values written.
 */
export function* canonicalValues(vector: arrow.Vector): Generator<string | null> {
  for (const data of vector.data) {
    const valid = (i: number) => data.nullCount === 0 || data.getValid(i);
    const t = data.type;
    if (arrow.DataType.isUtf8(t)) {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = Buffer.from(data.values.buffer, data.values.byteOffset, data.values.byteLength);
      for (let i = 0; i < data.length; i++) yield valid(i) ? bytes.toString('latin1', offsets[i]!, offsets[i + 1]!) : null;
    } else if (arrow.DataType.isDecimal(t)) {
      const words = data.values as Uint32Array;
      const width = t.bitWidth / 32;
      for (let i = 0; i < data.length; i++) {
        if (!valid(i)) {
          yield null;
          continue;
        }
        let v = 0n;
        for (let w = width - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * width + w]!);
        yield String(BigInt.asIntN(t.bitWidth, v));
      }
    } else if (arrow.DataType.isTimestamp(t)) {
      const values = data.values as unknown as BigInt64Array;
      const perMs = t.unit === arrow.TimeUnit.MICROSECOND ? 1000n : t.unit === arrow.TimeUnit.NANOSECOND ? 1000000n : t.unit === arrow.TimeUnit.SECOND ? -1000n : 1n;
      for (let i = 0; i < data.length; i++) {
        if (!valid(i)) yield null;
        else yield String(perMs < 0n ? values[i]! * -perMs : values[i]! / perMs);
      }
    } else if (arrow.DataType.isDate(t)) {
      const values = data.values as Int32Array | BigInt64Array;
      const millis = t.unit === arrow.DateUnit.MILLISECOND;
      for (let i = 0; i < data.length; i++) {
        if (!valid(i)) yield null;
        else yield millis ? String(Number(values[i]!) / 86400000) : String(values[i]);
      }
    } else if (arrow.DataType.isBool(t)) {
      for (let i = 0; i < data.length; i++) yield valid(i) ? (data.values[(data.offset + i) >> 3]! & (1 << ((data.offset + i) & 7)) ? '1' : '0') : null;
    } else if (arrow.DataType.isInt(t) || arrow.DataType.isFloat(t)) {
      const values = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < data.length; i++) yield valid(i) ? String(values[i]) : null;
    } else {
      throw new Error(`unexpected column type ${String(t)}`);
    }
  }
}
