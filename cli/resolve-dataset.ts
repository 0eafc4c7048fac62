import type { DatasetModel } from '../generators/contract/dataset-model';
import { closest } from '../generators/contract/diagnostic';
import { parseDatasetRef } from '../generators/contract/dataset-id';
import { datasetsOf, resolveContract, type LakeModel } from '../generators/contract/lake-model';
import { UsageError } from './args';
import { UserError } from './command';

/** DATASET on the command line: `domain.name` (the newest schema_v not deprecated) or `domain.name@vN`. */
export function resolveDataset(model: LakeModel, text: string): DatasetModel {
  const ref = parseDatasetRef(text);
  if (!ref) throw new UsageError(`\`${text}\` is not a dataset; write domain.name or domain.name@vN, e.g. mortgages.transactions`);
  const c = resolveContract(model, ref);
  if (!c) {
    const names = datasetsOf(model).map((x) => `${x.id.domain}.${x.id.name}`);
    const near = closest(`${ref.domain}.${ref.name}`, names);
    const versions = datasetsOf(model).filter((x) => x.id.domain === ref.domain && x.id.name === ref.name).map((x) => x.id.schemaV);
    throw new UserError(
      versions.length
        ? `${ref.domain}.${ref.name} has no schema_v ${ref.schemaV}; it has ${versions.join(', ')}`
        : `no dataset contract ${ref.domain}.${ref.name}${near ? ` (did you mean ${near}?)` : ''}`,
    );
  }
  if (c.kind !== 'dataset') throw new UserError(`${text} is a gold contract; \`lakec gold\` builds it`);
  return c;
}
