/**
 * The one place contract text reaches generated TypeScript: string literals, bigint/number literals and
 * line comments. Nothing from a contract is concatenated into code any other way.
 */

/** A double-quoted string literal; line and paragraph separators escaped too. */
export function tsString(value: string): string {
  return safe(JSON.stringify(value));
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
  return printData(value, indent, new Map()).text;
}

const LINE = 120;

/**
 * A value as tsData prints it at `indent`, and its one-line JSON when that is at most LINE characters.
 * `keys` holds each object key already quoted (`"name":`): data such as a descriptor repeats a few keys many times.
 */
function printData(value: unknown, indent: number, keys: Map<string, string>): { readonly text: string; readonly flat?: string } {
  if (value === null || typeof value !== 'object') {
    const json = safe(JSON.stringify(value));
    return { text: json, flat: json.length <= LINE ? json : undefined };
  }
  const isArray = Array.isArray(value);
  const entries: { readonly key: string; readonly data: ReturnType<typeof printData> }[] = [];
  if (isArray) {
    for (const v of value) entries.push({ key: '', data: printData(v, indent + 2, keys) });
  } else {
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      let key = keys.get(k);
      if (key === undefined) keys.set(k, (key = `${tsString(k)}:`));
      entries.push({ key, data: printData(v, indent + 2, keys) });
    }
  }
  // One line only if every entry has one (a long entry makes its container long): each entry's JSON is built once.
  let flat: string | undefined;
  if (entries.every((e) => e.data.flat !== undefined) && entries.reduce((n, e) => n + e.key.length + e.data.flat!.length + 1, 1) <= LINE) {
    const inner = entries.map((e) => e.key + e.data.flat!).join(',');
    flat = isArray ? `[${inner}]` : `{${inner}}`;
  }
  if (flat !== undefined && flat.length + indent <= LINE) return { text: flat, flat };
  const pad = ' '.repeat(indent);
  const lines = entries.map((e) => `${pad}  ${e.key ? `${e.key} ` : ''}${e.data.text},`).join('\n');
  return { text: isArray ? `[\n${lines}\n${pad}]` : `{\n${lines}\n${pad}}`, flat };
}

/** JSON text as TypeScript: line and paragraph separators escaped (rare, so the text is searched before it is copied). */
function safe(json: string): string {
  return json.includes('\u2028') || json.includes('\u2029') ? json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029') : json;
}
