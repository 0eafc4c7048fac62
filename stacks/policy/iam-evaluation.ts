import { tfUnescape, type Json } from './terraform-json';

/** One IAM statement read from a synthesized policy document. */
export interface ParsedStatement {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principals: readonly string[];
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly hasCondition: boolean;
  readonly condition: Readonly<Record<string, Readonly<Record<string, Json>>>>;
}

/** Parses a policy attribute (a JSON string); a document that does not parse yields no statements. */
export function parsePolicy(text: Json | undefined): ParsedStatement[] | undefined {
  if (typeof text !== 'string') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((s: Record<string, Json>) => ({
    sid: String(s.Sid ?? ''),
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    principals: principals(s.Principal),
    actions: asList(s.Action),
    notActions: asList(s.NotAction),
    resources: asList(s.Resource),
    hasCondition: !!s.Condition && Object.keys(s.Condition as object).length > 0,
    condition: (s.Condition ?? {}) as Record<string, Record<string, Json>>,
  }));
}

function asList(v: Json | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => tfUnescape(String(x)));
}

/** `*` for an anonymous principal, else each principal value (`AWS:…`, `Service:…`). */
function principals(p: Json | undefined): string[] {
  if (p === undefined || p === null) return [];
  if (p === '*') return ['*'];
  if (typeof p === 'object' && !Array.isArray(p)) {
    return Object.entries(p).flatMap(([kind, v]) => asList(v).map((x) => (x === '*' ? '*' : `${kind}:${x}`)));
  }
  return [String(p)];
}

/** IAM wildcard match: `*` any run, `?` one character. Actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, ignoreCase ? 'is' : 's');
  return re.test(value);
}

export function statementCovers(s: ParsedStatement, action: string, resource: string): boolean {
  const actionHit = s.actions.length ? s.actions.some((a) => wildcardMatch(a, action, true)) : s.notActions.length > 0 && !s.notActions.some((a) => wildcardMatch(a, action, true));
  return actionHit && s.resources.some((r) => wildcardMatch(r, resource));
}

/**
 * Whether identity policies allow an action on a resource, conditions aside: some Allow covers it and
 * no Deny does. Enough to prove what a role can never do (a conditional Allow is counted as an Allow).
 */
export function isAllowed(statements: readonly ParsedStatement[], action: string, resource: string): boolean {
  const allowed = statements.some((s) => s.effect === 'Allow' && statementCovers(s, action, resource));
  const denied = statements.some((s) => s.effect === 'Deny' && !s.hasCondition && statementCovers(s, action, resource));
  return allowed && !denied;
}
