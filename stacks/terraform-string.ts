import { Token } from 'cdktf';

/**
 * The one escaping function for text that reaches Terraform from a contract (descriptions, names,
 * SQL, JSON documents built from them). Terraform evaluates `${…}` and `%{…}` inside every string of a
 * `.tf.json` file, and cdktf passes plain strings through untouched, so a description such as
 * `${file("~/.aws/credentials")}` would become an interpolation. Doubling the introducer makes it a
 * literal: `$${` reads back as `${`, `%%{` as `%{`.
 *
 * Apply it to literal text only, never to a string holding a cdktf token (a resource attribute such
 * as a key ARN): the token's own `${…}` marker must stay intact. Strings that hold tokens are built
 * from configuration and attributes only, never from contract text. (Contract text that imitates a
 * token marker comes out as `$${…}` after cdktf resolves it: a literal again.)
 */
export function tfLiteral(text: string): string {
  // A function replacement: in a replacement string `$$` would itself mean one `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * A JSON document (policy, state machine definition, event pattern) as the string Terraform receives:
 * every literal string and key escaped with `tfLiteral`, strings that are cdktf tokens left for cdktf
 * to resolve.
 */
export function tfJson(value: unknown): string {
  return JSON.stringify(escapeDeep(value));
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === 'string') return Token.isUnresolved(value) ? value : tfLiteral(value);
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [tfLiteral(k), escapeDeep(v)]));
  }
  return value;
}

/** A map of literal strings (Glue parameters, tags built from contracts), escaped value by value. */
export function tfLiteralMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [tfLiteral(k), tfLiteral(v)]));
}
