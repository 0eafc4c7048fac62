import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document, type Node, type Pair } from 'yaml';
import type { SourcePosition } from './diagnostic';

/** A path into a contract, as JSON keys and indexes: ['columns', 2, 'type']. */
export type ValuePath = readonly (string | number)[];

export const MAX_CONTRACT_BYTES = 1024 * 1024;

/** A contract file parsed as YAML, with every value traceable to its line and column. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Where the value at `path` starts (or its key, for `part: 'key'`); the nearest existing parent otherwise. */
  locate(path: ValuePath, part?: 'key' | 'value'): SourcePosition;
  /** Position of the character at `offset` inside the string value at `path` (for errors inside patterns). */
  locateInString(path: ValuePath, offset: number): SourcePosition;
  /** The text of a plain scalar as written (so `0.10` stays `0.10` and big integers stay exact). */
  scalarText(path: ValuePath): string | undefined;
}

export type YamlParseResult =
  | { readonly ok: true; readonly source: YamlSource }
  | { readonly ok: false; readonly problems: readonly { at: SourcePosition; message: string; hint?: string }[] };

/** Bytes → YAML tree. Never throws: binary, invalid UTF-8, empty, oversized and malformed input become problems. */
export function parseYamlSource(file: string, bytes: Uint8Array): YamlParseResult {
  const start = { line: 1, col: 1 };
  if (bytes.length > MAX_CONTRACT_BYTES) {
    return fail(start, `file is ${(bytes.length / 1048576).toFixed(1)} MiB; a contract may be at most 1 MiB`, 'split it into one contract per dataset and schema_v');
  }
  const nulByte = bytes.indexOf(0);
  if (nulByte >= 0) {
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, nulByte));
    return fail(positionOfOffset(before, before.length), 'file contains NUL bytes; it looks binary, not YAML', 'a contract is a UTF-8 YAML text file');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return fail(at, 'file is not valid UTF-8 text', 'contracts are UTF-8 YAML; re-save the file as UTF-8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '' || /^(\s*#[^\n]*\n?)*\s*$/.test(text)) {
    return fail(start, 'file is empty; expected a contract (a YAML mapping starting with `kind:`)');
  }

  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, keepSourceTokens: false, prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (err) {
    return fail(start, `could not parse YAML: ${yamlMessage('', String((err as Error).message))}`);
  }
  if (!Array.isArray(docs)) docs = [docs];
  const pos = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, col: p.col };
  };

  const problems: { at: SourcePosition; message: string; hint?: string }[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) problems.push({ at: pos(e.pos[0]), message: `invalid YAML: ${yamlMessage(e.code, e.message)}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) return fail(start, 'file holds no YAML document; expected a contract');
  if (nonEmpty.length > 1) {
    return fail(pos(nonEmpty[1]!.range[0]), 'file holds more than one YAML document', 'put one contract in each file (remove the `---` separator)');
  }
  const doc = nonEmpty[0]!;
  for (const w of doc.warnings) problems.push({ at: pos(w.pos[0]), message: `invalid YAML: ${yamlMessage(w.code, w.message)}` });
  if (problems.length > 0) return { ok: false, problems };
  if (!isMap(doc.contents)) {
    const at = doc.contents ? pos(doc.contents.range[0]) : start;
    return fail(at, 'a contract is a YAML mapping of fields (`kind:`, `domain:`, …); found ' + describeNode(doc.contents));
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    return fail(start, `could not read YAML: ${yamlMessage('', String((err as Error).message))}`, 'avoid deeply nested aliases (`*name`) in contracts');
  }

  const nodeAt = (path: ValuePath): { node: Node | null; parent: Node | null; depth: number } => {
    let node: Node | null = doc.contents as Node;
    let parent: Node | null = null;
    let depth = 0;
    for (const key of path) {
      let next: Node | null = null;
      if (isMap(node)) {
        const pair: Pair<unknown, unknown> | undefined = node.items.find((p: Pair<unknown, unknown>) => isScalar(p.key) && String(p.key.value) === String(key));
        next = (pair?.value as Node | null | undefined) ?? null;
        if (pair && !next) {
          parent = node;
          return { node: null, parent: pair.key as Node, depth };
        }
      } else if (isSeq(node) && typeof key === 'number') {
        next = (node.items[key] as Node | undefined) ?? null;
      }
      if (!next) break;
      parent = node;
      node = next;
      depth++;
    }
    return { node, parent, depth };
  };

  const keyNode = (path: ValuePath): Node | null => {
    if (path.length === 0) return null;
    const { node: parent, depth } = nodeAt(path.slice(0, -1));
    if (depth !== path.length - 1 || !isMap(parent)) return null;
    const last = path[path.length - 1];
    const pair: Pair | undefined = parent.items.find((p: Pair) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
    return (pair?.key as Node | undefined) ?? null;
  };

  const source: YamlSource = {
    file,
    value,
    locate(path, part = 'value') {
      if (part === 'key') {
        const k = keyNode(path);
        if (k?.range) return pos(k.range[0]);
      }
      const { node, parent, depth } = nodeAt(path);
      if (depth === path.length && node?.range) {
        if (part === 'value' || !isMap(node)) return pos(node.range[0]);
      }
      if (depth < path.length) {
        const k = keyNode(path.slice(0, depth + 1));
        if (k?.range) return pos(k.range[0]);
      }
      if (node?.range) return pos(node.range[0]);
      if (parent?.range) return pos(parent.range[0]);
      return start;
    },
    locateInString(path, offset) {
      const { node, depth } = nodeAt(path);
      if (depth !== path.length || !isScalar(node) || !node.range) return this.locate(path);
      const base = node.range[0];
      const raw = text.slice(base, node.range[1]);
      switch (node.type) {
        case Scalar.PLAIN:
          return pos(base + Math.min(offset, raw.length));
        case Scalar.QUOTE_SINGLE:
          return pos(base + 1 + sourceOffsetSingleQuoted(raw.slice(1), offset));
        case Scalar.QUOTE_DOUBLE:
          return pos(base + 1 + sourceOffsetDoubleQuoted(raw.slice(1), offset));
        default:
          return pos(base);
      }
    },
    scalarText(path) {
      const { node, depth } = nodeAt(path);
      if (depth !== path.length || !isScalar(node)) return undefined;
      if (node.type === Scalar.PLAIN && typeof node.source === 'string') return node.source;
      return typeof node.value === 'string' ? node.value : undefined;
    },
  };
  return { ok: true, source };
}

export function positionOfOffset(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

function fail(at: SourcePosition, message: string, hint?: string): YamlParseResult {
  return { ok: false, problems: [{ at, message, ...(hint ? { hint } : {}) }] };
}

function firstInvalidUtf8(bytes: Uint8Array): SourcePosition {
  // Decode leniently up to the first replacement character to find the line and column.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  // Back off any incomplete trailing sequence the prefix decode tolerated.
  let prefix = lo;
  while (prefix > 0) {
    try {
      const t = decoder.decode(bytes.subarray(0, prefix));
      return positionOfOffset(t, t.length);
    } catch {
      prefix--;
    }
  }
  return { line: 1, col: 1 };
}

function sourceOffsetSingleQuoted(raw: string, offset: number): number {
  let value = 0;
  let i = 0;
  while (i < raw.length && value < offset) {
    i += raw[i] === "'" && raw[i + 1] === "'" ? 2 : 1;
    value++;
  }
  return i;
}

function sourceOffsetDoubleQuoted(raw: string, offset: number): number {
  let value = 0;
  let i = 0;
  while (i < raw.length && value < offset) {
    if (raw[i] === '\\') {
      const c = raw[i + 1];
      i += c === 'x' ? 4 : c === 'u' ? 6 : c === 'U' ? 10 : 2;
    } else {
      i++;
    }
    value++;
  }
  return i;
}

function yamlMessage(code: string, message: string): string {
  if (/call stack/i.test(message)) return 'the document nests too deeply';
  const known: Record<string, string> = {
    DUPLICATE_KEY: 'the same key appears twice in one mapping',
    BAD_INDENT: 'indentation is off',
    MULTILINE_IMPLICIT_KEY: 'a key spans several lines (a missing `:` or wrong indentation?)',
    MISSING_CHAR: 'a closing quote or bracket is missing',
    BLOCK_AS_IMPLICIT_KEY: 'a nested block is used as a key (wrong indentation?)',
    TAB_AS_INDENT: 'tabs are not allowed for indentation; use spaces',
    UNEXPECTED_TOKEN: firstLine(message),
    TAG_RESOLVE_FAILED: 'unknown YAML tag',
  };
  return known[code] ?? firstLine(message);
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function describeNode(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return `the scalar \`${String(node.value).slice(0, 40)}\``;
  return 'something else';
}
