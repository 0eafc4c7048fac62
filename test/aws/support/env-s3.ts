import type { AddressInfo } from 'node:net';
import { dataBucketNames } from '../../../generators/tables/bucket-names';
import { tempDir } from '../../gold/support/lake-cli';

/**
 * An S3-compatible server (s3rver) on 127.0.0.1 holding one environment's lake buckets
 * (`{namePrefix}-{env}-{bronze|silver|gold|quarantine}`), and the process environment the CLI reads to
 * reach it (LAKEC_S3_ENDPOINT, relaxed checksums for this test server only, dummy credentials).
 */
export async function startEnvironmentS3(namePrefix: string, env: string): Promise<{ endpoint: string; buckets: ReturnType<typeof dataBucketNames>; stop: () => Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (o: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  const dir = tempDir('lakec-s3rver-env-');
  const buckets = dataBucketNames(namePrefix, env);
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir.dir, configureBuckets: Object.values(buckets).map((name) => ({ name })) });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const saved = { ...process.env };
  Object.assign(process.env, {
    LAKEC_S3_ENDPOINT: endpoint,
    LAKEC_S3_RELAXED_CHECKSUMS: '1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'eu-west-1',
  });
  return {
    endpoint,
    buckets,
    stop: async () => {
      for (const k of ['LAKEC_S3_ENDPOINT', 'LAKEC_S3_RELAXED_CHECKSUMS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await server.close();
      dir.cleanup();
    },
  };
}
