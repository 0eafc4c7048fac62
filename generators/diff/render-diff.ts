import { datasetKey } from '../contract/dataset-id';
import { renderTemplate } from '../text-template';
import { IMPACTS, messageText, type Change, type DiffReport, type Impact, type Message } from './change';
import { markdownCode, markdownCodeBlock, markdownMessage, markdownText } from './markdown';

export type DiffFormat = 'text' | 'markdown' | 'json';
export const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'markdown', 'json'];

export type DiffStatus = 'ok' | 'blocked' | 'errors';

/** Everything `lakec diff` prints: what was compared and the report, or the errors that stopped it. */
export interface DiffDocument {
  readonly base: { readonly ref: string; readonly commit: string };
  /** Diagnostics (formatted `file:line:col: …`) of the contracts here, when they do not compile. */
  readonly errors: readonly string[];
  readonly report?: DiffReport;
}

export function diffStatus(doc: DiffDocument): DiffStatus {
  if (doc.errors.length > 0 || !doc.report) return 'errors';
  return doc.report.blocked ? 'blocked' : 'ok';
}

/** The marker the workflow looks for to update its comment instead of adding another. */
export const COMMENT_MARKER = '<!-- lakec-diff -->';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function counts(changes: readonly Change[]): Record<Impact, number> {
  const out: Record<Impact, number> = { breaking: 0, compatible: 0, informational: 0 };
  for (const c of changes) out[c.impact]++;
  return out;
}

function headline(doc: DiffDocument): string {
  const status = diffStatus(doc);
  if (status === 'errors') return `contracts have ${plural(doc.errors.length, 'error')}: fix them first (lakec check)`;
  const report = doc.report!;
  if (status === 'blocked') {
    const blocking = report.changes.filter((c) => c.blocking);
    const contracts = new Set(blocking.map((c) => datasetKey(c.contract))).size;
    return `blocked: ${plural(blocking.length, 'breaking change')} to ${contracts === 1 ? 'an existing schema_v' : `${contracts} existing schema_v`}`;
  }
  if (report.changes.length === 0) return 'no contract changes';
  const c = counts(report.changes);
  const allowed = c.breaking > 0 ? '; the breaking ones come as a new schema_v or remove a deprecated one' : '';
  return `no breaking change to an existing schema_v (${plural(report.changes.length, 'change')}: ${IMPACTS.filter((i) => c[i] > 0).map((i) => `${c[i]} ${i}`).join(', ')}${allowed})`;
}

function where(change: Change): string {
  switch (change.scope) {
    case 'in-place':
      return 'in place';
    case 'new-version':
      return `new version, compared with ${change.comparedWith}`;
    case 'added':
      return 'added';
    case 'removed':
      return 'removed';
    case 'not-compared':
      return 'not compared';
    default: {
      const never: never = change.scope;
      return never;
    }
  }
}

function verdict(change: Change): { icon: string; word: string } {
  if (change.blocking) return { icon: '❌', word: 'BLOCKS' };
  switch (change.impact) {
    case 'breaking':
      return { icon: '⚠️', word: 'allowed' };
    case 'compatible':
      return { icon: '✅', word: 'ok' };
    case 'informational':
      return { icon: 'ℹ️', word: 'info' };
    default: {
      const never: never = change.impact;
      return never;
    }
  }
}

export function renderDiff(doc: DiffDocument, format: DiffFormat): string {
  switch (format) {
    case 'text':
      return renderText(doc);
    case 'markdown':
      return renderMarkdown(doc);
    case 'json':
      return `${JSON.stringify(diffJson(doc), null, 2)}\n`;
    default: {
      const never: never = format;
      return never;
    }
  }
}

function diffJson(doc: DiffDocument): unknown {
  const report = doc.report;
  return {
    status: diffStatus(doc),
    base: doc.base,
    summary: report ? { blocking: report.changes.filter((c) => c.blocking).length, ...counts(report.changes) } : undefined,
    changes: (report?.changes ?? []).map((c) => ({
      contract: datasetKey(c.contract),
      layer: c.layer,
      scope: c.scope,
      ...(c.comparedWith ? { comparedWith: c.comparedWith } : {}),
      what: messageText(c.what),
      impact: c.impact,
      blocking: c.blocking,
      reason: messageText(c.reason),
    })),
    approvals: (report?.approvals ?? []).map((a) => ({
      contract: datasetKey(a.contract),
      layer: a.layer,
      approvers: a.approvers,
      reviewers: a.reviewers,
      ...(a.because ? { because: messageText(a.because) } : {}),
    })),
    fixes: (report?.fixes ?? []).map(messageText),
    notes: (report?.notes ?? []).map(messageText),
    errors: doc.errors,
  };
}

function renderText(doc: DiffDocument): string {
  const lines = [`lakec diff: ${doc.base.ref} (${doc.base.commit}) → working tree`, `${diffStatus(doc) === 'ok' ? 'OK' : 'FAILED'}: ${headline(doc)}`];
  for (const e of doc.errors) lines.push(`  ${e.replace(/\n/g, '\n  ')}`);
  const report = doc.report;
  if (report) {
    for (const c of report.changes) {
      const v = verdict(c);
      lines.push('', `  ${v.word.padEnd(7)} ${c.impact.padEnd(13)} ${datasetKey(c.contract)} (${where(c)}): ${messageText(c.what)}`, `          ${messageText(c.reason)}`);
    }
    if (report.fixes.length) lines.push('', 'How to fix:', ...report.fixes.map((f) => `  - ${messageText(f)}`));
    if (report.approvals.length) {
      lines.push('', 'Who must approve:');
      for (const a of report.approvals) {
        const who = a.approvers.map((x) => `${x.role} ${x.who}`).join(', ');
        lines.push(`  ${datasetKey(a.contract)} (${a.layer}): ${who}; reviewers ${a.reviewers.join(' ')}${a.because ? ` — ${messageText(a.because)}` : ''}`);
      }
    }
    if (report.notes.length) lines.push('', 'Notes:', ...report.notes.map((n) => `  - ${messageText(n)}`));
  }
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(doc: DiffDocument): string {
  const report = doc.report;
  const status = diffStatus(doc);
  const context = {
    marker: COMMENT_MARKER,
    icon: status === 'ok' ? '✅' : '❌',
    headline: markdownText(headline(doc)),
    base: markdownCode(doc.base.ref),
    commit: markdownCode(doc.base.commit),
    errors: doc.errors.length ? markdownCodeBlock(doc.errors) : '',
    changes: (report?.changes ?? []).map((c) => {
      const v = verdict(c);
      return {
        icon: v.icon,
        verdict: v.word,
        contract: markdownCode(datasetKey(c.contract)),
        where: markdownText(where(c)),
        what: markdownMessage(c.what),
        impact: c.impact,
        reason: markdownMessage(c.reason),
      };
    }),
    fixes: (report?.fixes ?? []).map(markdownMessage),
    approvals: (report?.approvals ?? []).map((a) => ({
      contract: markdownCode(datasetKey(a.contract)),
      layer: a.layer === 'silver' ? 'Silver' : 'Gold',
      approvers: a.approvers.map((x) => `${markdownText(x.role)} ${markdownCode(x.who)}`).join(', '),
      reviewers: a.reviewers.map((r) => markdownCode(r)).join(' '),
      because: a.because ? markdownMessage(a.because) : '',
    })),
    notes: (report?.notes ?? []).map((n: Message) => markdownMessage(n)),
  };
  return renderTemplate('diff/pr-comment.md.hbs', 'text', context);
}
