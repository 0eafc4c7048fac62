import { datasetKey, type DatasetId } from './dataset-id';
import type { DatasetModel } from './dataset-model';
import type { GoldModel } from './gold-model';

export type ContractModel = DatasetModel | GoldModel;

/** Every contract of a specs directory, checked: the one source for every generator and for stacks/. */
export interface LakeModel {
  /** Sorted by key (`domain.name@vN`). */
  readonly contracts: readonly ContractModel[];
}

export function datasetsOf(model: LakeModel): readonly DatasetModel[] {
  return model.contracts.filter((c): c is DatasetModel => c.kind === 'dataset');
}

export function goldsOf(model: LakeModel): readonly GoldModel[] {
  return model.contracts.filter((c): c is GoldModel => c.kind === 'gold');
}

const contractsByKey = new WeakMap<LakeModel, ReadonlyMap<string, ContractModel>>();

/** The contract with this id (models are immutable: the index is built once per model). */
export function findContract(model: LakeModel, id: DatasetId): ContractModel | undefined {
  let byKey = contractsByKey.get(model);
  if (!byKey) contractsByKey.set(model, (byKey = new Map(model.contracts.map((c) => [datasetKey(c.id), c]))));
  return byKey.get(datasetKey(id));
}

/**
 * Resolves `domain.name` (the newest schema_v that is not deprecated) or `domain.name@vN`, as DESIGN.md's
 * CLI says. Returns undefined when nothing matches.
 */
export function resolveContract(model: LakeModel, ref: { domain: string; name: string; schemaV?: string }): ContractModel | undefined {
  const candidates = model.contracts.filter((c) => c.id.domain === ref.domain && c.id.name === ref.name);
  if (ref.schemaV) return candidates.find((c) => c.id.schemaV === ref.schemaV);
  const byVersion = [...candidates].sort((a, b) => Number(b.id.schemaV.slice(1)) - Number(a.id.schemaV.slice(1)));
  return byVersion.find((c) => !c.deprecated) ?? byVersion[0];
}
