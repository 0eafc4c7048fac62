import type { Message } from './change';

/**
 * The one quoting of text for GitHub-flavoured markdown (the PR comment). Text is escaped so that no
 * character of a contract starts emphasis, a link, HTML or a table cell; line breaks become spaces.
 */
export function markdownText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

/**
 * A code span that shows `value` literally, also inside a table: the fence is longer than any run of
 * backticks in the value, `|` is escaped (GFM splits cells before it parses code spans), and line breaks
 * become spaces.
 */
export function markdownCode(value: string): string {
  const body = value.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${body === '' ? ' ' : body}${pad}${fence}`;
}

export function markdownMessage(m: Message): string {
  return m.map((p) => (typeof p === 'string' ? markdownText(p) : markdownCode(p.code))).join('');
}

/** A fenced code block showing `lines` literally: the fence is longer than any run of backticks inside. */
export function markdownCodeBlock(lines: readonly string[]): string {
  const body = lines.join('\n');
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${body}\n${fence}`;
}
