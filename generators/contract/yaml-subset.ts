import type { SourceNode, SourcePair, SourceScalar } from './yaml-source';

/**
 * A fast reader for the YAML contracts are usually written in: block mappings and lists, one-line flow
 * lists and mappings, one-line plain and quoted scalars, comments. It gives exactly what the yaml library
 * gives for such text — the same values (YAML 1.2 core schema) and the same node positions — and gives up
 * (undefined) on anything else: anchors, tags, block or multi-line scalars, a key without a value,
 * duplicate keys, tabs, `\r`, documents markers, and every syntax error. parseYamlSource then asks the
 * yaml library, which also words the diagnostics. test/contract/yaml-subset.test.ts holds the two readers
 * to the same answers, on every contract in the repository and on mutations of them.
 */
export function parseYamlSubset(text: string): { readonly value: Record<string, unknown>; readonly root: SourceNode } | undefined {
  if (UNUSUAL_CHARACTER.test(text)) return undefined;
  try {
    return new SubsetReader(text).document();
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

/** Characters whose YAML meaning the reader leaves to the library: tabs, `\r`, other controls, BOM, line separators, surrogates. */
const UNUSUAL_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ud800-\udfff\ufeff\u2028\u2029]/;
const GIVE_UP = Symbol('not in the subset');
const MAX_DEPTH = 64;

/** A key the reader accepts: plain, one word, and a string in the core schema (not null or a boolean). */
const KEY = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NOT_STRING_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const QUESTION = 63;

class SubsetReader {
  /** The reading position: at the start of a line between block entries, inside a line otherwise. */
  private i = 0;
  /** How many collections the position is inside (deeper than MAX_DEPTH is left to the library). */
  private depth = 0;

  constructor(private readonly text: string) {}

  document(): { value: Record<string, unknown>; root: SourceNode } {
    if (this.nextLineIndent() !== 0) giveUp();
    const { value, node } = this.blockMap(0);
    if (this.nextLineIndent() !== -1) giveUp();
    return { value, root: node };
  }

  /**
   * Skips blank and comment lines from the start of a line; the indent of the next line with content
   * (the position stays at that line's start), or -1 at the end of the text.
   */
  private nextLineIndent(): number {
    const t = this.text;
    for (;;) {
      let j = this.i;
      while (t.charCodeAt(j) === SPACE) j++;
      if (j >= t.length) return -1;
      const c = t.charCodeAt(j);
      if (c !== NEWLINE && c !== HASH) return j - this.i;
      const end = t.indexOf('\n', j);
      if (end < 0) {
        this.i = t.length;
        return -1;
      }
      this.i = end + 1;
    }
  }

  /** A block mapping whose keys start in column `indent`; the position is at its first key. */
  private blockMap(indent: number): { value: Record<string, unknown>; node: SourceNode } {
    if (++this.depth > MAX_DEPTH) giveUp();
    const value: Record<string, unknown> = {};
    const pairs: SourcePair[] = [];
    const start = this.i;
    for (;;) {
      const key = this.key();
      if (Object.prototype.hasOwnProperty.call(value, key.value as string)) giveUp();
      const entry = this.blockValue(indent);
      value[key.value as string] = entry.value;
      pairs.push({ key, value: entry.node });
      const next = this.nextLineIndent();
      if (next < indent) break;
      if (next > indent) giveUp();
      this.i += indent;
    }
    this.depth--;
    return { value, node: { kind: 'map', start, pairs } };
  }

  /** `key:` followed by a space or the end of the line. */
  private key(): SourceScalar {
    const t = this.text;
    KEY.lastIndex = this.i;
    const m = KEY.exec(t);
    if (!m) giveUp();
    const start = this.i;
    const end = start + m[0].length;
    const after = t.charCodeAt(end + 1);
    if (t.charCodeAt(end) !== COLON || !(after === SPACE || after === NEWLINE || end + 1 >= t.length) || NOT_STRING_KEYS.has(m[0])) giveUp();
    this.i = end + 1;
    return { kind: 'scalar', start, end, style: 'plain', value: m[0], source: m[0] };
  }

  /** What follows `key:` in a mapping whose keys are in column `indent`: on the same line, or a block below. */
  private blockValue(indent: number): Parsed {
    this.skipSpaces();
    if (!this.atLineEnd()) return this.inlineValue();
    this.endLine();
    const next = this.nextLineIndent();
    if (next > indent || (next === indent && this.dashAt(this.i + next))) {
      this.i += next;
      return this.dashAt(this.i) ? this.blockSeq(next) : this.blockMap(next);
    }
    return giveUp(); // a key without a value: the library says what it is
  }

  /** A block list whose dashes are in column `indent`; the position is at its first dash. */
  private blockSeq(indent: number): Parsed {
    if (++this.depth > MAX_DEPTH) giveUp();
    const t = this.text;
    const value: unknown[] = [];
    const items: SourceNode[] = [];
    const start = this.i;
    for (;;) {
      this.i++; // the dash
      const contentStart = this.i;
      this.skipSpaces();
      if (this.i === contentStart || this.atLineEnd()) giveUp();
      KEY.lastIndex = this.i;
      const m = KEY.exec(t);
      const item = m && t.charCodeAt(this.i + m[0].length) === COLON ? this.blockMap(this.i - lineStartOf(t, this.i)) : this.inlineValue();
      value.push(item.value);
      items.push(item.node);
      const next = this.nextLineIndent();
      if (next < indent) break;
      if (next > indent || !this.dashAt(this.i + next)) {
        if (next === indent) break; // the mapping's next key (a list written level with its key)
        giveUp();
      }
      this.i += next;
    }
    this.depth--;
    return { value, node: { kind: 'seq', start, items } };
  }

  private dashAt(j: number): boolean {
    const t = this.text;
    const after = t.charCodeAt(j + 1);
    return t.charCodeAt(j) === DASH && (after === SPACE || after === NEWLINE || j + 1 >= t.length);
  }

  /** A value that starts and ends on this line, then the rest of the line (spaces, a comment). */
  private inlineValue(): Parsed {
    const c = this.text[this.i];
    let parsed: Parsed;
    if (c === '[' || c === '{') parsed = this.flowCollection();
    else if (c === '"' || c === "'") parsed = this.quoted();
    else return this.plain(false);
    const before = this.i;
    this.skipSpaces();
    if (this.text.charCodeAt(this.i) === HASH && this.i > before) this.skipComment();
    if (!this.atLineEnd()) giveUp();
    this.endLine();
    return parsed;
  }

  /** A `[…]` or `{…}` closed on the same line. */
  private flowCollection(): Parsed {
    if (++this.depth > MAX_DEPTH) giveUp();
    const t = this.text;
    const start = this.i;
    const isMap = t[this.i] === '{';
    const close = isMap ? '}' : ']';
    this.i++;
    this.skipSpaces();
    const listValue: unknown[] = [];
    const items: SourceNode[] = [];
    const mapValue: Record<string, unknown> = {};
    const pairs: SourcePair[] = [];
    if (t[this.i] === close) {
      this.i++;
    } else {
      for (;;) {
        if (isMap) {
          const key = this.key();
          if (Object.prototype.hasOwnProperty.call(mapValue, key.value as string)) giveUp();
          this.skipSpaces();
          const entry = this.flowItem();
          mapValue[key.value as string] = entry.value;
          pairs.push({ key, value: entry.node });
        } else {
          const item = this.flowItem();
          listValue.push(item.value);
          items.push(item.node);
        }
        this.skipSpaces();
        const c = t[this.i];
        this.i++;
        if (c === close) break;
        if (c !== ',') giveUp();
        this.skipSpaces();
      }
    }
    this.depth--;
    return isMap ? { value: mapValue, node: { kind: 'map', start, pairs } } : { value: listValue, node: { kind: 'seq', start, items } };
  }

  private flowItem(): Parsed {
    const c = this.text[this.i];
    if (c === '[' || c === '{') return this.flowCollection();
    if (c === '"' || c === "'") return this.quoted();
    return this.plain(true);
  }

  /** A one-line plain scalar; in a flow collection it ends at `,`, `]` or `}`. */
  private plain(inFlow: boolean): Parsed {
    const t = this.text;
    const start = this.i;
    const first = t.charCodeAt(start);
    const second = t.charCodeAt(start + 1);
    if (PLAIN_CANNOT_START.includes(t[start] ?? '\n')) giveUp();
    if ((first === DASH || first === COLON || first === QUESTION) && (second === SPACE || second === NEWLINE || Number.isNaN(second) || (inFlow && FLOW_INDICATORS.includes(t[start + 1]!)))) giveUp();
    let end = start; // just after the last non-space character
    let j = start;
    for (; j < t.length; j++) {
      const c = t.charCodeAt(j);
      if (c === NEWLINE) break;
      if (c === SPACE) continue;
      if (c === HASH && t.charCodeAt(j - 1) === SPACE) break;
      if (c === COLON) {
        const after = t.charCodeAt(j + 1);
        if (after === SPACE || after === NEWLINE || j + 1 >= t.length || (inFlow && FLOW_INDICATORS.includes(t[j + 1]!))) giveUp();
      }
      if (inFlow && FLOW_INDICATORS.includes(t[j]!)) break;
      end = j + 1;
    }
    this.i = end;
    if (!inFlow) {
      this.i = j;
      if (t.charCodeAt(j) === HASH) this.skipComment();
      this.endLine();
    }
    const source = t.slice(start, end);
    const value = coreScalar(source);
    return { value, node: { kind: 'scalar', start, end, style: 'plain', value, source } };
  }

  /** A `'…'` or `"…"` scalar closed on the same line. */
  private quoted(): Parsed {
    const t = this.text;
    const start = this.i;
    const quote = t[start];
    let value = '';
    let j = start + 1;
    for (;;) {
      const c = t[j];
      if (c === undefined || c === '\n') giveUp();
      if (c === quote) {
        if (quote === "'" && t[j + 1] === "'") {
          value += "'";
          j += 2;
          continue;
        }
        j++;
        break;
      }
      if (c === '\\' && quote === '"') {
        const escape = t[j + 1];
        const simple = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
        if (simple !== undefined) {
          value += simple;
          j += 2;
          continue;
        }
        const digits = escape === 'x' ? 2 : escape === 'u' ? 4 : 0;
        const hex = t.slice(j + 2, j + 2 + digits);
        if (digits === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) giveUp();
        const code = parseInt(hex, 16);
        if (code >= 0xd800 && code <= 0xdfff) giveUp();
        value += String.fromCharCode(code);
        j += 2 + digits;
        continue;
      }
      value += c;
      j++;
    }
    this.i = j;
    return { value, node: { kind: 'scalar', start, end: j, style: quote === '"' ? 'double' : 'single', value } };
  }

  private skipSpaces(): void {
    while (this.text.charCodeAt(this.i) === SPACE) this.i++;
  }

  private skipComment(): void {
    const end = this.text.indexOf('\n', this.i);
    this.i = end < 0 ? this.text.length : end;
  }

  /** At a newline, the end of the text, or a comment after a space. */
  private atLineEnd(): boolean {
    const c = this.text.charCodeAt(this.i);
    if (c === HASH && this.text.charCodeAt(this.i - 1) === SPACE) {
      this.skipComment();
      return true;
    }
    return c === NEWLINE || this.i >= this.text.length;
  }

  /** Past the newline ending this line. */
  private endLine(): void {
    if (this.i < this.text.length) this.i++;
  }
}

interface Parsed {
  readonly value: unknown;
  readonly node: SourceNode;
}

function giveUp(): never {
  throw GIVE_UP;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Characters a plain scalar cannot start with (YAML's indicators); `-`, `?` and `:` are checked apart. */
const PLAIN_CANNOT_START = ',[]{}#&*!|>\'"%@`\n';
const FLOW_INDICATORS = ',[]{}';

/** Double-quoted escapes read as one character (YAML 1.2, the ones JSON also has, and `\0`). */
const SIMPLE_ESCAPES: Partial<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0' };

/** A plain scalar's value in the YAML 1.2 core schema, tested in the yaml library's order. */
function coreScalar(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}
