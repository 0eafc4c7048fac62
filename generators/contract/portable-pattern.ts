/**
 * Regex patterns in contracts use a small grammar that JavaScript, RE2 (DuckDB) and Joni/Java (Trino)
 * read the same way (DESIGN.md): literals, escaped metacharacters, explicit classes and ranges, groups,
 * alternation and quantifiers. A pattern always matches the whole cell. The parser returns one canonical
 * spelling that every engine's printer wraps in its own full-match form.
 */
export interface PortablePattern {
  /** As written in the contract. */
  readonly source: string;
  /** Canonical, engine-neutral body: `.` spelt `[^\n]`, groups non-capturing, controls as `\xHH`. */
  readonly canonical: string;
}

export type PatternParseResult =
  | { readonly ok: true; readonly pattern: PortablePattern }
  | { readonly ok: false; readonly offset: number; readonly message: string; readonly hint?: string };

const META = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}']);
const ESCAPABLE = new Set([...META, '-', '/']);
const MAX_REPEAT = 1000;

class PatternError extends Error {
  constructor(readonly offset: number, message: string, readonly hint?: string) {
    super(message);
  }
}

const UNPORTABLE_ESCAPES: Record<string, string> = {
  d: 'write `[0-9]` instead of `\\d`',
  D: 'write `[^0-9]` instead of `\\D`',
  w: 'write `[A-Za-z0-9_]` instead of `\\w`',
  W: 'write `[^A-Za-z0-9_]` instead of `\\W`',
  s: 'write the characters you mean, e.g. `[ \\t]`, instead of `\\s` (engines disagree on it)',
  S: 'write the characters you mean instead of `\\S` (engines disagree on it)',
  b: 'word boundaries are not portable; the pattern already matches the whole cell',
  B: 'word boundaries are not portable',
  p: 'Unicode property classes are not portable; list the characters or ranges',
  P: 'Unicode property classes are not portable; list the characters or ranges',
  A: 'anchors are implied: a pattern always matches the whole cell',
  z: 'anchors are implied: a pattern always matches the whole cell',
  Z: 'anchors are implied: a pattern always matches the whole cell',
  u: 'write the character itself (patterns are UTF-8)',
  x: 'write the character itself (patterns are UTF-8)',
};

export function parsePortablePattern(source: string): PatternParseResult {
  try {
    const p = new Parser(source);
    return { ok: true, pattern: { source, canonical: p.parse() } };
  } catch (err) {
    if (err instanceof PatternError) {
      return { ok: false, offset: err.offset, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    }
    throw err;
  }
}

class Parser {
  private i = 0;
  private end: number;
  private readonly chars: string[];
  private readonly offsets: number[];

  constructor(source: string) {
    // Work in code points so that astral characters are single literals.
    this.chars = [];
    this.offsets = [];
    let off = 0;
    for (const ch of source) {
      this.chars.push(ch);
      this.offsets.push(off);
      off += ch.length;
    }
    this.offsets.push(off);
    this.end = this.chars.length;
  }

  parse(): string {
    if (this.chars[0] === '^') this.i = 1;
    if (this.end > this.i && this.chars[this.end - 1] === '$' && !this.isEscaped(this.end - 1)) this.end--;
    const body = this.alternation();
    if (this.i < this.end) {
      const c = this.chars[this.i]!;
      if (c === ')') throw this.err('unbalanced `)`', 'remove it or escape it as `\\)`');
      throw this.err(`unexpected \`${c}\``);
    }
    return body;
  }

  private isEscaped(index: number): boolean {
    let n = 0;
    for (let k = index - 1; k >= 0 && this.chars[k] === '\\'; k--) n++;
    return n % 2 === 1;
  }

  private err(message: string, hint?: string, at = this.i): PatternError {
    return new PatternError(this.offsets[Math.min(at, this.offsets.length - 1)]!, message, hint);
  }

  private peek(): string | undefined {
    return this.i < this.end ? this.chars[this.i] : undefined;
  }

  private alternation(): string {
    const branches = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches.join('|');
  }

  private sequence(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') return out;
      const atomStart = this.i;
      const atom = this.atom();
      out += atom + this.quantifier(atomStart);
    }
  }

  private atom(): string {
    const c = this.chars[this.i]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.i++;
        return '[^\\n]';
      case '\\':
        return escapeLiteral(this.escape(false));
      case '^':
        throw this.err('`^` is only allowed at the start of a pattern', 'escape it as `\\^` to match a caret');
      case '$':
        throw this.err('`$` is only allowed at the end of a pattern', 'escape it as `\\$` to match a dollar sign');
      case '*':
      case '+':
      case '?':
        throw this.err(`\`${c}\` has nothing to repeat`, `escape it as \`\\${c}\` to match it literally`);
      case '{':
        throw this.err('`{` has nothing to repeat', 'escape it as `\\{` to match it literally');
      case ']':
      case '}':
        throw this.err(`unescaped \`${c}\``, `escape it as \`\\${c}\``);
      default:
        this.i++;
        return escapeLiteral(c);
    }
  }

  private group(): string {
    const open = this.i;
    this.i++;
    if (this.peek() === '?') {
      if (this.chars[this.i + 1] === ':') {
        this.i += 2;
      } else {
        const next = this.chars[this.i + 1] ?? '';
        const what = next === '=' || next === '!' ? 'look-ahead is' : next === '<' ? 'look-behind and named groups are' : 'inline flags are';
        throw this.err(`${what} not portable`, 'use plain groups `( … )`; matching is always case-sensitive and whole-cell');
      }
    }
    const inner = this.alternation();
    if (this.peek() !== ')') throw this.err('unclosed group `(`', 'add the missing `)`', open);
    this.i++;
    return `(?:${inner})`;
  }

  private charClass(): string {
    const open = this.i;
    this.i++;
    let out = '[';
    if (this.peek() === '^') {
      out += '^';
      this.i++;
    }
    let first = true;
    let items = 0;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw this.err('unclosed character class `[`', 'add the missing `]`', open);
      if (c === ']' && !first) break;
      if (c === ']' && first) throw this.err('empty character class', 'escape a literal `]` as `\\]`');
      if (c === '[') {
        if (this.chars[this.i + 1] === ':') throw this.err('POSIX classes like `[:alpha:]` are not portable', 'list the ranges, e.g. `[A-Za-z]`');
        throw this.err('unescaped `[` inside a character class', 'escape it as `\\[`');
      }
      const lo = this.classChar();
      if (this.peek() === '-' && this.chars[this.i + 1] !== ']' && this.i + 1 < this.end) {
        const dash = this.i;
        this.i++;
        const hi = this.classChar();
        if (lo.codePointAt(0)! > hi.codePointAt(0)!) throw this.err(`range \`${lo}-${hi}\` is backwards`, `write \`${hi}-${lo}\``, dash);
        out += `${escapeClassChar(lo)}-${escapeClassChar(hi)}`;
      } else {
        out += escapeClassChar(lo);
      }
      first = false;
      items++;
    }
    this.i++;
    if (items === 0) throw this.err('empty character class', undefined, open);
    return out + ']';
  }

  private classChar(): string {
    const c = this.chars[this.i]!;
    if (c === '\\') return this.escape(true);
    this.i++;
    return c;
  }

  /** Reads `\x` at the cursor and returns the literal character it stands for. */
  private escape(inClass: boolean): string {
    const at = this.i;
    const c = this.chars[this.i + 1];
    if (c === undefined || this.i + 1 >= this.chars.length) throw this.err('pattern ends with a lone `\\`', 'escape a backslash as `\\\\`', at);
    this.i += 2;
    if (c === 'n') return '\n';
    if (c === 't') return '\t';
    if (c === 'r') return '\r';
    if (ESCAPABLE.has(c)) return c;
    if (/[0-9]/.test(c)) throw this.err('back-references are not portable', undefined, at);
    const hint = UNPORTABLE_ESCAPES[c];
    throw this.err(`\`\\${c}\` is not portable${inClass ? ' inside a class' : ''}`, hint ?? `escape only metacharacters (\`\\.\`, \`\\(\` …); write \`${c}\` itself`, at);
  }

  private quantifier(atomStart: number): string {
    const c = this.peek();
    let q = '';
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      q = c;
    } else if (c === '{') {
      const open = this.i;
      const rest = this.chars.slice(this.i, this.end).join('');
      const m = /^\{([0-9]{1,4})(,([0-9]{0,4}))?\}/.exec(rest);
      if (!m) throw this.err('malformed repetition `{`', 'write `{n}`, `{n,}` or `{n,m}`, or escape it as `\\{`');
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : m[3] === '' ? undefined : Number(m[3]);
      if (hi !== undefined && hi < lo) throw this.err(`repetition \`${m[0]}\` has its bounds backwards`, undefined, open);
      if (lo > MAX_REPEAT || (hi ?? 0) > MAX_REPEAT) throw this.err(`repetition \`${m[0]}\` exceeds ${MAX_REPEAT}`, 'RE2 (DuckDB) limits counted repetition to 1000', open);
      this.i += [...m[0]].length;
      q = m[0];
    } else {
      return '';
    }
    const next = this.peek();
    if (next === '?' || next === '+') {
      throw this.err(`\`${q}${next}\`: lazy and possessive quantifiers are not portable`, `the pattern matches the whole cell anyway; write \`${q}\``);
    }
    if (next === '*' || next === '{' || (next === '+' && q === '')) {
      throw this.err('a quantifier cannot follow another quantifier', 'wrap the part in a group: `(?:…)`');
    }
    if (atomStart === this.i) throw this.err('nothing to repeat');
    return q;
  }
}

function escapeLiteral(c: string): string {
  if (META.has(c)) return `\\${c}`;
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return c;
}

function escapeClassChar(c: string): string {
  if (c === ']' || c === '\\' || c === '[' || c === '-' || c === '^') return `\\${c}`;
  // Other metacharacters are literal inside a class in every engine; only control characters need spelling.
  return META.has(c) ? c : escapeLiteral(c);
}
