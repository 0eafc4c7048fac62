import { datasetKey, schemaVNumber } from '../contract/dataset-id';
import { compareStrings } from '../contract/diagnostic';
import { goldsOf, type ContractModel, type LakeModel } from '../contract/lake-model';
import { msg, text, type Approval, type Change, type DiffReport, type Message } from './change';
import { compareContracts, layerOf } from './compare-contracts';

export interface DiffInput {
  /** The contracts on the base branch (only those that compile; see `uncompared`). */
  readonly base: LakeModel;
  /** The contracts here. */
  readonly head: LakeModel;
  /** Keys (`domain.name@vN`) of contracts whose files had errors, and where: they are not compared. */
  readonly uncompared?: ReadonlyMap<string, 'base' | 'head'>;
  /** Notes from reading the base (e.g. no specs directory there). */
  readonly notes?: readonly Message[];
}

/**
 * Every change between the contracts at the base ref and here, classified (DESIGN.md, schema evolution), and
 * who must approve. A breaking change to an existing schema_v blocks; the same change as a new schema_v beside
 * the old one does not; removing a schema_v needs `deprecated` on it at the base first.
 */
export function diffModels(input: DiffInput): DiffReport {
  const { base, head } = input;
  const baseByKey = new Map(base.contracts.map((c) => [datasetKey(c.id), c]));
  const headByKey = new Map(head.contracts.map((c) => [datasetKey(c.id), c]));
  const keys = [...new Set([...baseByKey.keys(), ...headByKey.keys()])].sort(compareStrings);
  const changes: Change[] = [];
  const notes: Message[] = [...(input.notes ?? [])];

  for (const key of keys) {
    const b = baseByKey.get(key);
    const h = headByKey.get(key);
    if (input.uncompared?.has(key) && (!b || !h)) {
      const c = (h ?? b)!;
      const side = input.uncompared.get(key) === 'head' ? 'in this branch (see the errors)' : 'on the base branch';
      changes.push({ contract: c.id, layer: layerOf(c), scope: 'not-compared', what: msg`not compared`, impact: 'informational', reason: msg`its contract has errors ${text(side)}, so lakec cannot tell what changed: review it by hand`, blocking: false });
    } else if (b && h) {
      changes.push(...compareContracts(b, h, 'in-place'));
    } else if (h) {
      changes.push(...added(h, base, notes));
    } else if (b) {
      changes.push(removed(b, head));
    }
  }
  markRenamedContracts(changes, base, head);
  return { changes, approvals: approvalsFor(changes, base, head), notes, fixes: fixesFor(changes, base, head), blocked: changes.some((c) => c.blocking) };
}

function versionsOf(model: LakeModel, c: ContractModel): ContractModel[] {
  return model.contracts.filter((x) => x.id.domain === c.id.domain && x.id.name === c.id.name).sort((a, b) => schemaVNumber(a.id.schemaV) - schemaVNumber(b.id.schemaV));
}

function added(h: ContractModel, base: LakeModel, notes: Message[]): Change[] {
  const common = { contract: h.id, layer: layerOf(h), blocking: false } as const;
  const older = versionsOf(base, h);
  if (older.length === 0) {
    const what = h.kind === 'dataset' ? msg`new dataset (${h.columns.length} columns)` : msg`new Gold dataset from ${datasetKey(h.from)}`;
    return [{ ...common, scope: 'added', what, impact: 'compatible', reason: msg`nothing reads it yet` }];
  }
  const predecessor = older.filter((o) => schemaVNumber(o.id.schemaV) < schemaVNumber(h.id.schemaV)).pop() ?? older[older.length - 1]!;
  const list = older.map((o) => o.id.schemaV);
  const out: Change[] = [
    {
      ...common,
      scope: 'added',
      what: msg`new schema_v ${h.id.schemaV} beside ${list.join(', ')}`,
      impact: 'compatible',
      reason: msg`readers of ${predecessor.id.schemaV} are untouched; the differences to it are listed below and do not block`,
    },
    ...compareContracts(predecessor, h, 'new-version'),
  ];
  if (!predecessor.deprecated) {
    notes.push(msg`When readers have moved to ${datasetKey(h.id)}, mark ${predecessor.id.schemaV} deprecated (${`deprecated: { since: YYYY-MM-DD, replaced_by: ${h.id.schemaV} }`}) so that a later pull request may remove it.`);
  }
  return out;
}

function removed(b: ContractModel, head: LakeModel): Change {
  const common = { contract: b.id, layer: layerOf(b), scope: 'removed' } as const;
  const table = `${b.kind === 'dataset' ? 'silver' : 'gold'}_${b.id.domain}.${b.id.name}_${b.id.schemaV}`;
  const remaining = versionsOf(head, b).map((c) => c.id.schemaV);
  const what = remaining.length ? msg`schema_v ${b.id.schemaV} removed (${remaining.join(', ')} remain)` : msg`dataset removed (its last schema_v, ${b.id.schemaV})`;
  if (b.deprecated) {
    return {
      ...common,
      what,
      impact: 'breaking',
      reason: msg`readers of ${table} lose it; allowed because it is deprecated on the base branch since ${b.deprecated.since} (replaced by ${b.deprecated.replacedBy})`,
      blocking: false,
    };
  }
  return {
    ...common,
    what,
    impact: 'breaking',
    reason: msg`readers of ${table} lose it. A schema_v is removed in two steps: first merge ${`deprecated: { since: YYYY-MM-DD, replaced_by: vN }`} on it, then remove it in a later pull request. A rename is a removal plus an addition`,
    blocking: true,
  };
}

/** A dataset removed and another added with the same columns (or measures) looks like a rename: say so on the removal. */
function markRenamedContracts(changes: Change[], base: LakeModel, head: LakeModel): void {
  const shape = (c: ContractModel): string =>
    c.kind === 'dataset' ? `d:${c.columns.map((x) => `${x.name}:${JSON.stringify(x.type)}`).join(',')}` : `g:${c.measures.map((m) => `${m.name}=${m.text}`).join(',')}`;
  const newDatasets = head.contracts.filter((c) => versionsOf(base, c).length === 0);
  changes.forEach((change, i) => {
    if (change.scope !== 'removed') return;
    const gone = base.contracts.find((c) => datasetKey(c.id) === datasetKey(change.contract))!;
    const fresh = newDatasets.find((c) => c.kind === gone.kind && shape(c) === shape(gone));
    if (fresh) {
      changes[i] = { ...change, reason: [...change.reason, ...msg`. It looks renamed to ${datasetKey(fresh.id)}: a rename is a removal plus an addition, and just as breaking`] };
    }
  });
}

/** The way out of each block: a new schema_v beside the old one, or deprecation before removal. */
function fixesFor(changes: readonly Change[], base: LakeModel, head: LakeModel): Message[] {
  const fixes: Message[] = [];
  const seen = new Set<string>();
  for (const change of changes.filter((c) => c.blocking)) {
    const key = datasetKey(change.contract);
    if (seen.has(key)) continue;
    seen.add(key);
    const b = base.contracts.find((c) => datasetKey(c.id) === key)!;
    if (change.scope === 'removed') {
      fixes.push(msg`Keep ${b.file} (${key}) as it is on the base branch and add ${`deprecated: { since: YYYY-MM-DD, replaced_by: vN }`} to it; remove it in a later pull request, once that is merged.`);
      continue;
    }
    const all = [...versionsOf(base, b), ...versionsOf(head, b)].map((c) => schemaVNumber(c.id.schemaV));
    const next = `v${Math.max(...all) + 1}`;
    const file = b.file.replace(/(?:\.v[0-9]+)?(\.ya?ml)$/, `.${next}$1`);
    fixes.push(
      msg`Publish the change to ${key} as a new schema_v: restore ${b.file} as it is on the base branch, copy it to ${file}, set ${`schema_v: ${next}`} there and make the change in the copy. Readers move to ${next} when they are ready; deprecate ${b.id.schemaV} later.`,
    );
  }
  return fixes;
}

function approvalFor(c: ContractModel, because?: Message): Approval {
  const approvers =
    c.kind === 'dataset'
      ? [
          { role: 'steward', who: c.owners.steward },
          { role: 'platform (owner)', who: c.owners.owner },
        ]
      : [
          { role: 'owner', who: c.owners.owner },
          { role: 'steward', who: c.owners.steward },
        ];
  return { contract: c.id, layer: layerOf(c), approvers, reviewers: c.owners.reviewers, ...(because ? { because } : {}) };
}

/**
 * Silver: the steward and the platform team (the contract's owner); Gold: the finance owner and steward.
 * A change that is not just informational to a silver version that Gold contracts read also needs their owners.
 */
function approvalsFor(changes: readonly Change[], base: LakeModel, head: LakeModel): Approval[] {
  const byKey = new Map<string, Approval>();
  for (const change of changes) {
    const key = datasetKey(change.contract);
    const model = head.contracts.find((c) => datasetKey(c.id) === key) ?? base.contracts.find((c) => datasetKey(c.id) === key);
    if (!model) continue;
    if (!byKey.has(key)) byKey.set(key, approvalFor(model));
    if (model.kind === 'dataset' && change.impact !== 'informational' && change.scope !== 'added' && change.scope !== 'new-version') {
      for (const gold of [...goldsOf(head), ...goldsOf(base)]) {
        const goldKey = datasetKey(gold.id);
        if (datasetKey(gold.from) === key && !byKey.get(goldKey)?.because) byKey.set(goldKey, approvalFor(gold, msg`reads ${key}, which changes`));
      }
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, v]) => v);
}
