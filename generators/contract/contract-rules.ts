import { daysFromCivil } from '../../runtime/cells/temporal-format';
import type { Classification, ContractBase, Deprecation, Owners } from './contract-base';
import type { DiagnosticSink } from './diagnostic';
import { NAME_PATTERN, SCHEMA_V_PATTERN, schemaVNumber } from './dataset-id';
import { asArray, asObject, asString } from './raw-access';
import type { YamlSource } from './yaml-source';

const REVIEWER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$|^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Identity, owners, classification and deprecation: the rules every contract kind shares. */
export function readContractBase(source: YamlSource, file: string, sink: DiagnosticSink): ContractBase | undefined {
  const raw = asObject(source.value) ?? {};
  const domain = asString(raw.domain);
  const name = asString(raw.name);
  const schemaV = asString(raw.schema_v);

  const o = asObject(raw.owners);
  let owners: Owners | undefined;
  if (o) {
    for (const key of ['owner', 'steward'] as const) {
      const v = asString(o[key]);
      if (v !== undefined && v.trim() === '') sink.error(source.locate(['owners', key]), `\`owners.${key}\` is blank`, 'name the accountable team');
    }
    const reviewers = asArray(o.reviewers)?.filter((r): r is string => typeof r === 'string') ?? [];
    (asArray(o.reviewers) ?? []).forEach((r, i) => {
      if (typeof r === 'string' && !REVIEWER.test(r)) {
        const fixed = `@${r.replace(/^@/, '')}`;
        sink.error(source.locate(['owners', 'reviewers', i]), `reviewer \`${r}\` is not a GitHub user or team`, REVIEWER.test(fixed) ? `write \`${fixed}\`` : 'write a GitHub user `@name` or team `@org/team` (no spaces)');
      }
    });
    const owner = asString(o.owner);
    const steward = asString(o.steward);
    if (owner && steward && reviewers.length > 0) owners = { owner, steward, reviewers };
  }

  const d = asObject(raw.deprecated);
  let deprecated: Deprecation | undefined;
  if (d) {
    const since = asString(d.since);
    const replacedBy = asString(d.replaced_by);
    if (since && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(since)) {
      const [y, m, day] = since.split('-').map(Number);
      if (daysFromCivil(y!, m!, day!) === undefined) sink.error(source.locate(['deprecated', 'since']), `\`${since}\` is not a real date`);
    }
    if (replacedBy && schemaV && SCHEMA_V_PATTERN.test(replacedBy) && SCHEMA_V_PATTERN.test(schemaV) && schemaVNumber(replacedBy) <= schemaVNumber(schemaV)) {
      sink.error(source.locate(['deprecated', 'replaced_by']), `\`${schemaV}\` cannot be replaced by the older or same version \`${replacedBy}\``, `a replacement is a newer schema_v, e.g. v${schemaVNumber(schemaV) + 1}`);
    }
    if (since && replacedBy) deprecated = { since, replacedBy };
  }

  const classification = asString(raw.classification) as Classification | undefined;
  if (!domain || !name || !schemaV || !owners || !classification) return undefined;
  if (!NAME_PATTERN.test(domain) || !NAME_PATTERN.test(name) || !SCHEMA_V_PATTERN.test(schemaV)) return undefined;
  return {
    id: { domain, name, schemaV },
    file,
    description: asString(raw.description) ?? '',
    owners,
    classification,
    ...(deprecated ? { deprecated } : {}),
  };
}
