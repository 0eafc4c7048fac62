import type { DatasetId } from '../contract/dataset-id';

/**
 * What a change means for readers and producers (DESIGN.md, schema evolution):
 * - breaking: something that worked before stops working or means something else — a row accepted before
 *   is rejected or reads differently, or a reader loses a column, table or meaning;
 * - compatible: everything that worked before still works the same, and more is possible;
 * - informational: no effect on data (descriptions, owners, thresholds of alarms).
 */
export type Impact = 'breaking' | 'compatible' | 'informational';

export const IMPACTS: readonly Impact[] = ['breaking', 'compatible', 'informational'];

/**
 * Where a change was found:
 * - in-place: the same schema_v at base and here — a breaking change here blocks the merge;
 * - new-version: a new schema_v, compared with the newest version at base (not blocking: readers of the
 *   old version are untouched);
 * - added / removed: a whole contract (schema_v).
 */
export type ChangeScope = 'in-place' | 'new-version' | 'added' | 'removed' | 'not-compared';

export interface Change {
  /** The contract the change is in (the head version; the base version for a removal). */
  readonly contract: DatasetId;
  readonly layer: 'silver' | 'gold';
  readonly scope: ChangeScope;
  /** For scope new-version: the base version it is compared with. */
  readonly comparedWith?: string;
  /** What changed, in a few words, e.g. "column `currency` removed". */
  readonly what: Message;
  readonly impact: Impact;
  /** Why it has that impact, in plain words (and what to do, where it blocks). */
  readonly reason: Message;
  /** A breaking change to an existing schema_v, or a removal without deprecation: the merge is blocked. */
  readonly blocking: boolean;
}

/** Who must approve changes to one contract, read from its owners (and from Gold contracts that read it). */
export interface Approval {
  readonly contract: DatasetId;
  readonly layer: 'silver' | 'gold';
  /** Roles and who holds them, e.g. { role: 'steward', who: 'mortgages-analysts' }. */
  readonly approvers: readonly { readonly role: string; readonly who: string }[];
  /** GitHub users and teams that review the file (CODEOWNERS). */
  readonly reviewers: readonly string[];
  /** Why these approvers are asked, e.g. "reads mortgages.transactions@v1, which changes". */
  readonly because?: Message;
}

export interface DiffReport {
  readonly changes: readonly Change[];
  readonly approvals: readonly Approval[];
  /** Things the reader should know that are not changes (e.g. base contracts that could not be compared). */
  readonly notes: readonly Message[];
  /** For each blocked contract, what to do instead. */
  readonly fixes: readonly Message[];
  readonly blocked: boolean;
}

/**
 * Text with code parts (names and contract values), kept apart so that each renderer quotes them its own
 * way: backticks in a terminal, escaped code spans in markdown. Contract text is never pasted as markup.
 */
export type MessagePart = string | { readonly code: string };
export type Message = readonly MessagePart[];

/** msg`column ${name} removed`: every interpolated string is a code part; numbers are text; a Message is spliced in. */
export function msg(strings: TemplateStringsArray, ...values: readonly (string | number | Message)[]): Message {
  const out: MessagePart[] = [];
  strings.forEach((s, i) => {
    if (s) out.push(s);
    if (i < values.length) {
      const v = values[i]!;
      if (typeof v === 'string') out.push({ code: v });
      else if (typeof v === 'number') out.push(String(v));
      else out.push(...v);
    }
  });
  return out;
}

/** Plain text to splice into msg`…` (an interpolated string would become code). */
export function text(s: string): Message {
  return [s];
}

/** A list of code parts joined with commas: `a`, `b`, `c`. */
export function codeList(items: readonly string[]): Message {
  return items.flatMap((item, i): MessagePart[] => (i === 0 ? [{ code: item }] : [', ', { code: item }]));
}

/** Plain text with code parts in backticks (terminal and JSON). */
export function messageText(m: Message): string {
  return m.map((p) => (typeof p === 'string' ? p : `\`${p.code}\``)).join('');
}
