import { dataBucketNames } from '../generators/tables/bucket-names';
import { LocalStorage } from '../runtime/storage/local-storage';
import { S3Storage } from '../runtime/storage/s3-storage';
import type { Storage } from '../runtime/storage/storage';
import { UsageError } from './args';

export const DEFAULT_LAKE = 'lake';

/**
 * `--lake DIR` (default ./lake), or `--lake s3://{namePrefix}-{env}`: the environment's buckets,
 * `{namePrefix}-{env}-{bronze|silver|gold|quarantine}` (the one naming rule, bucket-names.ts). An
 * S3-compatible server is reached with LAKEC_S3_ENDPOINT (path-style); LAKEC_S3_RELAXED_CHECKSUMS=1 is for
 * local test servers that do not know S3's checksum headers.
 */
export function openLake(location: string | undefined): Storage {
  const where = location ?? DEFAULT_LAKE;
  if (!where.startsWith('s3://')) return new LocalStorage(where);
  const name = where.slice('s3://'.length).replace(/\/+$/, '');
  const dash = name.lastIndexOf('-');
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name) || dash <= 0) {
    throw new UsageError(`\`${where}\` is not a lake on S3; write s3://{namePrefix}-{environment}, e.g. s3://acme-lake-dev`);
  }
  const endpoint = process.env.LAKEC_S3_ENDPOINT;
  return new S3Storage({
    buckets: dataBucketNames(name.slice(0, dash), name.slice(dash + 1)),
    label: where,
    ...(endpoint ? { endpoint } : {}),
    ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
    relaxedChecksums: process.env.LAKEC_S3_RELAXED_CHECKSUMS === '1',
  });
}

export function requireLocalLake(storage: Storage, what: string): string {
  if (!(storage instanceof LocalStorage)) throw new UsageError(`${what} works on a local lake (a folder); in AWS use Athena`);
  return storage.root;
}
