import type * as YamlLibrary from 'yaml';
import type { Document, Pair } from 'yaml';
import type { SourcePosition } from './diagnostic';
import { parseYamlSubset } from './yaml-subset';

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

/**
 * The yaml library, loaded only when the subset reader gives up: its 70 modules would add some 50 ms to
 * the start of every command that reads contracts.
 */
function yamlLibrary(): typeof YamlLibrary {
  return (loadedYamlLibrary ??= require('yaml') as typeof YamlLibrary);
}
let loadedYamlLibrary: typeof YamlLibrary | undefined;

/** Bytes → YAML tree. Never throws: binary, invalid UTF-8, empty, oversized and malformed input become problems. */
export function parseYamlSource(file: string, bytes: Uint8Array): YamlParseResult {
  const start = { line: 1, col: 1 };
  if (bytes.length > MAX_CONTRACT_BYTES) {
    return fail(start, `file is ${(bytes.length / 1048576).toFixed(1)} MiB; a contract may be at most 1 MiB`, 'split it into one contract per dataset and schema_v');
  }
  const nulByte = bytes.indexOf(0);
  if (nulByte >= 0) {
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, nulByte));
    return fail(positionsIn(before)(before.length), 'file contains NUL bytes; it looks binary, not YAML', 'a contract is a UTF-8 YAML text file');
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

  // Contracts as usually written are read by the subset reader, many times faster; the yaml library reads
  // the rest, and words every problem.
  const subset = parseYamlSubset(text);
  if (subset) return { ok: true, source: yamlSource(file, text, subset.value, subset.root) };

  let docs: Document.Parsed[];
  try {
    docs = yamlLibrary().parseAllDocuments(text, { keepSourceTokens: false, prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (err) {
    return fail(start, `could not parse YAML: ${yamlMessage('', String((err as Error).message))}`);
  }
  if (!Array.isArray(docs)) docs = [docs];
  const pos = positionsIn(text);

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
  if (!yamlLibrary().isMap(doc.contents)) {
    const at = doc.contents ? pos(doc.contents.range[0]) : start;
    return fail(at, 'a contract is a YAML mapping of fields (`kind:`, `domain:`, …); found ' + describeNode(doc.contents));
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    return fail(start, `could not read YAML: ${yamlMessage('', String((err as Error).message))}`, 'avoid deeply nested aliases (`*name`) in contracts');
  }
  return { ok: true, source: yamlSource(file, text, value, sourceNodeOf(doc.contents)) };
}

/** The contract's YAML tree as yaml-source reads it: where each node starts, and how each scalar was written. */
export type SourceNode =
  | { readonly kind: 'map'; readonly start: number; readonly pairs: readonly SourcePair[] }
  | { readonly kind: 'seq'; readonly start: number; readonly items: readonly (SourceNode | null)[] }
  | SourceScalar
  /** An alias, or a pair written inside a list (`[a: 1]`): nothing to walk into. */
  | { readonly kind: 'other'; readonly start?: number };

export interface SourceScalar {
  readonly kind: 'scalar';
  readonly start: number;
  readonly end: number;
  readonly style: 'plain' | 'single' | 'double' | 'block';
  readonly value: unknown;
  /** A plain scalar's text as written. */
  readonly source?: string;
}

export interface SourcePair {
  readonly key: SourceNode | null;
  readonly value: SourceNode | null;
}

const SCALAR_STYLES: Partial<Record<string, SourceScalar['style']>> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
};

/** The yaml library's node as a SourceNode. */
export function sourceNodeOf(node: unknown): SourceNode | null {
  const { isMap, isScalar, isSeq } = yamlLibrary();
  if (isMap(node)) {
    return { kind: 'map', start: node.range![0], pairs: node.items.map((p: Pair<unknown, unknown>) => ({ key: sourceNodeOf(p.key), value: sourceNodeOf(p.value) })) };
  }
  if (isSeq(node)) return { kind: 'seq', start: node.range![0], items: node.items.map(sourceNodeOf) };
  if (isScalar(node)) {
    const style = SCALAR_STYLES[node.type ?? ''] ?? 'block';
    const [start, end] = node.range!;
    return { kind: 'scalar', start, end, style, value: node.value, ...(style === 'plain' && typeof node.source === 'string' ? { source: node.source } : {}) };
  }
  if (node === null || node === undefined) return null;
  const range = (node as { range?: [number, number, number] }).range;
  return range ? { kind: 'other', start: range[0] } : { kind: 'other' };
}

/** A YamlSource over a parsed tree: `value` is the tree as plain data, `root` the top-level mapping. */
function yamlSource(file: string, text: string, value: unknown, root: SourceNode | null): YamlSource {
  const start = { line: 1, col: 1 };
  const pos = positionsIn(text);
  const keyMatches = (pair: SourcePair, key: string | number) => pair.key?.kind === 'scalar' && String(pair.key.value) === String(key);

  const nodeAt = (path: ValuePath): { node: SourceNode | null; parent: SourceNode | null; depth: number } => {
    let node = root;
    let parent: SourceNode | null = null;
    let depth = 0;
    for (const key of path) {
      let next: SourceNode | null = null;
      if (node?.kind === 'map') {
        const pair = node.pairs.find((p) => keyMatches(p, key));
        next = pair?.value ?? null;
        if (pair && !next) return { node: null, parent: pair.key, depth };
      } else if (node?.kind === 'seq' && typeof key === 'number') {
        next = node.items[key] ?? null;
      }
      if (!next) break;
      parent = node;
      node = next;
      depth++;
    }
    return { node, parent, depth };
  };

  const keyNode = (path: ValuePath): SourceNode | null => {
    if (path.length === 0) return null;
    const { node: parent, depth } = nodeAt(path.slice(0, -1));
    if (depth !== path.length - 1 || parent?.kind !== 'map') return null;
    const last = path[path.length - 1]!;
    return parent.pairs.find((p) => keyMatches(p, last))?.key ?? null;
  };
  const startOf = (node: SourceNode | null | undefined): number | undefined => (node ? node.start : undefined);

  return {
    file,
    value,
    locate(path, part = 'value') {
      if (part === 'key') {
        const k = startOf(keyNode(path));
        if (k !== undefined) return pos(k);
      }
      const { node, parent, depth } = nodeAt(path);
      if (depth === path.length && startOf(node) !== undefined) {
        if (part === 'value' || node!.kind !== 'map') return pos(node!.start!);
      }
      if (depth < path.length) {
        const k = startOf(keyNode(path.slice(0, depth + 1)));
        if (k !== undefined) return pos(k);
      }
      if (startOf(node) !== undefined) return pos(node!.start!);
      if (startOf(parent) !== undefined) return pos(parent!.start!);
      return start;
    },
    locateInString(path, offset) {
      const { node, depth } = nodeAt(path);
      if (depth !== path.length || node?.kind !== 'scalar') return this.locate(path);
      const base = node.start;
      const raw = text.slice(base, node.end);
      switch (node.style) {
        case 'plain':
          return pos(base + Math.min(offset, raw.length));
        case 'single':
          return pos(base + 1 + sourceOffsetSingleQuoted(raw.slice(1), offset));
        case 'double':
          return pos(base + 1 + sourceOffsetDoubleQuoted(raw.slice(1), offset));
        default:
          return pos(base);
      }
    },
    scalarText(path) {
      const { node, depth } = nodeAt(path);
      if (depth !== path.length || node?.kind !== 'scalar') return undefined;
      if (node.style === 'plain' && node.source !== undefined) return node.source;
      return typeof node.value === 'string' ? node.value : undefined;
    },
  };
}

/** Offset → line and column in `text` (lines split at `\n`; both 1-based; offsets clamped to the text). */
function positionsIn(text: string): (offset: number) => SourcePosition {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: at - lineStarts[lo]! + 1 };
  };
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
      return positionsIn(t)(t.length);
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
  if (yamlLibrary().isSeq(node)) return 'a list';
  if (yamlLibrary().isScalar(node)) return `the scalar \`${String(node.value).slice(0, 40)}\``;
  return 'something else';
}
