import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage } from '../storage/storage';

const DOWNLOADS_AT_ONCE = 4;

/**
 * Local paths DuckDB can read for lake keys: on a local lake the files themselves; on S3 copies in a
 * temporary folder (DuckDB has no S3 access here), under the same keys so that partition values in the
 * paths stay what they are in the lake.
 */
export async function localPathsOf(storage: Storage, keys: readonly string[], stagingDir: string): Promise<string[]> {
  const out: string[] = new Array<string>(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const i = next++;
      const key = keys[i]!;
      const local = storage.localPath(key);
      if (local !== undefined) {
        out[i] = local;
        continue;
      }
      if (key.startsWith('/') || key.split('/').some((s) => s === '' || s === '.' || s === '..')) throw new Error(`unsafe lake key: ${key}`);
      const path = join(stagingDir, ...key.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await pipeline(await storage.openRead(key), createWriteStream(path, { flags: 'wx' }));
      out[i] = path;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DOWNLOADS_AT_ONCE, keys.length) }, worker));
  return out;
}
