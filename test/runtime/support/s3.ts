import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Storage } from '../../../runtime/storage/s3-storage';
import type { BucketRole } from '../../../runtime/storage/storage';
import { tempDir } from './lake';

/** The lake's four buckets, named as the platform names them. */
export const BUCKETS: Readonly<Record<BucketRole, string>> = {
  bronze: 'acme-lake-test-bronze',
  silver: 'acme-lake-test-silver',
  gold: 'acme-lake-test-gold',
  quarantine: 'acme-lake-test-quarantine',
};

export interface LocalS3 {
  readonly endpoint: string;
  readonly client: S3Client;
  storage(partBytes?: number): S3Storage;
  stop(): Promise<void>;
}

/**
 * An S3-compatible server (s3rver) on 127.0.0.1, a free port, with the lake's buckets. s3rver knows no
 * conditional writes, versioning, object lock or the newer checksum headers: the client sends checksums
 * only when required (relaxed for this test server only); conditional requests are checked separately
 * against recorded request shapes (aws-sdk-client-mock).
 */
export async function startS3(): Promise<LocalS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (o: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  const dir = tempDir('lakec-s3rver-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir.dir, configureBuckets: Object.values(BUCKETS).map((name) => ({ name })) });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    storage: (partBytes?: number) => new S3Storage({ buckets: BUCKETS, client, label: 's3://acme-lake-test', ...(partBytes ? { partBytes } : {}) }),
    async stop() {
      client.destroy();
      await server.close();
      dir.cleanup();
    },
  };
}
