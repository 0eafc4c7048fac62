import { readerViewReplacer } from '../runtime/lambda/handler';
import type { DatasetModule } from '../runtime/dataset-module';
import type { Storage } from '../runtime/storage/storage';
import { viewTargetOfLake } from './aws-target';

/**
 * After a silver publish on an S3 lake, from the command line: replace the dataset's Athena reader views
 * exactly as the ETL Lambda does (DESIGN.md: publishing in AWS ends by replacing them). Local lakes need
 * nothing (`lakec query` reads the control objects itself). Never throws: a failure is reported, and
 * `lakec deploy-sql` re-applies every view from the control objects.
 */
export async function replaceSilverViews(lake: string | undefined, module: DatasetModule, storage: Storage): Promise<{ readonly error?: string }> {
  const target = viewTargetOfLake(lake);
  if (!target) return {};
  try {
    await readerViewReplacer(storage, target.runner)(module);
    return {};
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`lakec: published, but the Athena reader views were not replaced (workgroup ${target.workGroup}): ${message}; run \`lakec deploy-sql\` for the environment\n`);
    return { error: message };
  }
}
