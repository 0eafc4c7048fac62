import { loadDatasetModule } from '../../cli/dataset-modules';
import { requireModel } from '../../cli/load-model';
import { resolveDataset } from '../../cli/resolve-dataset';
import { runDelivery } from '../../runtime/pipeline/run-delivery';
import { LocalStorage } from '../../runtime/storage/local-storage';

/** `lakec run` on one delivery into a fresh local lake: args SPECS FILE LAKE [--no-dedup]. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const [specs, file, lake, flag] = args;
  const module = loadDatasetModule(resolveDataset(requireModel(specs!), 'mortgages.transactions'));
  const s = await runDelivery({ module, storage: new LocalStorage(lake!), input: { kind: 'file', path: file! }, publish: true, checkDuplicates: flag !== '--no-dedup' });
  if (s.status !== 'published') throw new Error(`run ${s.status}: ${s.message}`);
  return { rows_in: s.rows_in, rows_silver: s.rows_silver, rows_quarantined: s.rows_quarantined, rows_condemned: s.rows_condemned, seconds: s.seconds };
}
