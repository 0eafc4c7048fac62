import type { DatasetModule } from '../dataset-module';
import { LakeKeys } from '../lake-keys';
import { ControlObjectError } from '../publish/control-object';
import { PublishConflictError, readPublished } from '../publish/silver-published';
import type { Storage } from '../storage/storage';
import { parseManifest } from './manifest';
import { publishCompleteRun } from './run-lifecycle';
import { summaryOf, type RunSummary } from './run-summary';

/** A run that cannot be published, with the reason in words. */
export class NotPublishableError extends Error {}

/**
 * `lakec publish DATASET --run-id ID`: publishes a staged run (one written with `--no-publish`). It must be
 * complete: manifest.json with outcome `complete`, and `_SUCCESS`. The same checks as a run's own publish
 * apply: it replaces the runs of its delivery, and is refused if a run published since it was validated
 * shares rows with it.
 */
export async function publishStagedRun(module: DatasetModule, storage: Storage, runId: string, clock: () => Date = () => new Date()): Promise<RunSummary & { already_published: boolean }> {
  const d = module.descriptor;
  const keys = new LakeKeys(d);
  const body = await storage.read(keys.runFile(runId, 'manifest.json'));
  if (!body) {
    const claimed = await storage.read(keys.runFile(runId, '_claim.json'));
    throw new NotPublishableError(claimed ? `run ${runId} never finished (no manifest.json): it stopped before completing; run the delivery again` : `there is no run ${runId} of ${d.key} in ${storage.location}`);
  }
  const manifest = parseManifest(body, runId);
  if (manifest.outcome !== 'complete') throw new NotPublishableError(`run ${runId} ${manifest.outcome === 'halted' ? 'halted' : `was ${manifest.outcome}`}: ${manifest.message ?? 'it is not complete'}; it cannot be published`);
  if ((await storage.read(keys.runFile(runId, '_SUCCESS'))) === undefined) throw new NotPublishableError(`run ${runId} has no _SUCCESS marker: it is not complete`);
  const published = await readPublished(storage, keys.published);
  if (published?.runs.some((r) => r.run_id === runId)) {
    return { ...summaryOf(d, manifest, 'published', { superseded: [], lake: storage.location, message: `run ${runId} is already published` }), already_published: true };
  }
  try {
    const superseded = await publishCompleteRun({ storage, d, keys, manifest, clock });
    return { ...summaryOf(d, manifest, 'published', { superseded, lake: storage.location }), already_published: false };
  } catch (err) {
    if (err instanceof PublishConflictError || err instanceof ControlObjectError) throw new NotPublishableError(err.message);
    throw err;
  }
}
