import type { DatasetDescriptor } from '../dataset-module';
import { LakeKeys } from '../lake-keys';
import type { Storage } from '../storage/storage';

/** `YYYY-MM`. */
export const MONTH = /^[0-9]{4}-(?:0[1-9]|1[0-2])$/;

/**
 * The deliveries a backfill re-runs (`lakec backfill DATASET --from … --to …`): every object in the
 * dataset's bronze prefix whose ingest date falls in the months given (both included), in the order they
 * arrived — ingest date, then bronze run id, then file name — so that duplicates and unique values are
 * decided as they were first.
 */
export async function backfillDeliveries(storage: Storage, d: DatasetDescriptor, from: string, to: string): Promise<string[]> {
  if (!MONTH.test(from) || !MONTH.test(to)) throw new Error(`months are YYYY-MM: ${from}, ${to}`);
  if (from > to) throw new Error(`--from ${from} is after --to ${to}`);
  const keys = new LakeKeys(d);
  const found: { key: string; ingestDate: string; runId: string; fileName: string }[] = [];
  for (const key of await storage.list(d.tables.bronze.prefix)) {
    const parsed = keys.parseBronze(key);
    if (!parsed) continue;
    const month = parsed.ingestDate.slice(0, 7);
    if (month < from || month > to) continue;
    found.push({ key, ...parsed });
  }
  const order = (a: (typeof found)[number], b: (typeof found)[number]) =>
    a.ingestDate !== b.ingestDate ? (a.ingestDate < b.ingestDate ? -1 : 1) : a.runId !== b.runId ? (a.runId < b.runId ? -1 : 1) : a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0;
  return found.sort(order).map((f) => f.key);
}
