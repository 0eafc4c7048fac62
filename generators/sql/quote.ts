/**
 * The one place identifiers and string literals are quoted for ANSI SQL dialects (Trino/Athena DML and
 * views, DuckDB). Contract text never reaches SQL any other way.
 */
export function sqlIdentifier(name: string): string {
  if (name.length === 0) throw new Error('empty SQL identifier');
  if (name.includes('\u0000')) throw new Error('NUL in SQL identifier');
  return `"${doubled(name, '"')}"`;
}

/** `'…'` with quotes doubled. Control characters are rejected: generated SQL stays one statement per line-safe text. */
export function sqlString(value: string): string {
  return `'${sqlStringBody(value)}'`;
}

/** The inside of a string literal (quotes doubled), for a literal printed in parts — e.g. around a parameter placeholder. */
export function sqlStringBody(value: string): string {
  if (value.includes('\u0000')) throw new Error('NUL in SQL string literal');
  return doubled(value, "'");
}

/** Every `quote` in `text` doubled; most text has none, and is returned as it is without a copy. */
function doubled(text: string, quote: string): string {
  return text.includes(quote) ? text.replaceAll(quote, quote + quote) : text;
}

/** `db.table`, both parts quoted. */
export function sqlQualified(database: string, table: string): string {
  return `${sqlIdentifier(database)}.${sqlIdentifier(table)}`;
}
