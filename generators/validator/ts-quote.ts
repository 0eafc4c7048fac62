/**
 * The one place contract text reaches generated TypeScript: string literals, bigint/number literals and
 * line comments. Nothing from a contract is concatenated into code any other way.
 */

/** A double-quoted string literal; line and paragraph separators escaped too. */
export function tsString(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Contract text inside a `//` comment: one line, whatever the text holds. */
export function tsComment(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
}

/** A number literal for a value that is exact as a double. */
export function tsNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return Object.is(value, -0) ? '0' : String(value);
}

export function tsBigint(value: bigint): string {
  return `${value}n`;
}

/**
 * Plain data (JSON values) as a TypeScript expression: objects and arrays that fit on one line of about
 * 120 characters are printed on one line, larger ones one entry a line.
 */
export function tsData(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  const flat = safe(JSON.stringify(value));
  if (value === null || typeof value !== 'object' || flat.length + indent <= 120) return flat;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${pad}  ${tsData(v, indent + 2)},`).join('\n')}\n${pad}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${pad}  ${safe(JSON.stringify(k))}: ${tsData(v, indent + 2)},`).join('\n')}\n${pad}}`;
}

function safe(json: string): string {
  return json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
