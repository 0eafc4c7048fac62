/**
 * Quoting for Hive DDL as Athena reads it (CREATE EXTERNAL TABLE): the one place DDL identifiers and
 * string literals are made. Hive string literals take backslash escapes; identifiers take backticks.
 */
export function hiveIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a valid Glue name: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `'…'` with backslash, quote, newline, return and tab escaped; other control characters are refused. */
export function hiveString(value: string): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) throw new Error(`control character in DDL string ${JSON.stringify(value)}`);
  return `'${value.replace(/[\\'\n\r\t]/g, (c) => ESCAPES[c]!)}'`;
}
