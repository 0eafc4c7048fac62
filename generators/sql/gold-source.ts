import type { DatasetModel } from '../contract/dataset-model';
import type { GoldModel } from '../contract/gold-model';
import { findContract, type LakeModel } from '../contract/lake-model';

/** The source dataset of a Gold contract (the model is checked: it exists and is a dataset). */
export function goldSource(model: LakeModel, gold: GoldModel): DatasetModel {
  const source = findContract(model, gold.from);
  if (source?.kind !== 'dataset') throw new Error(`${gold.from.domain}.${gold.from.name}@${gold.from.schemaV} is not a dataset contract`);
  return source;
}
