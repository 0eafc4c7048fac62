import type { Readable } from 'node:stream';

/**
 * Where a lake lives: a local folder (the default) or S3. Keys are the same in both (DESIGN.md, lake
 * layout): `bronze/…`, `silver/…`, `quarantine/…`, `condemned/…`, `gold/…`. Nothing already written is
 * overwritten, except control objects, which change only by a conditional `replace`.
 */
export interface Storage {
  /** The folder, or `s3://…`, for messages. */
  readonly location: string;
  /** A whole object (manifests, small files), or undefined when there is none. */
  read(key: string): Promise<Buffer | undefined>;
  /** A control object with its version (S3: the ETag; locally: its revision), or undefined. */
  readVersioned(key: string): Promise<Versioned | undefined>;
  /** Streams an object (deliveries larger than memory). */
  openRead(key: string): Promise<Readable>;
  /** Size in bytes, or undefined when there is no such object. */
  size(key: string): Promise<number | undefined>;
  /** Writes a new object, whole or not at all; AlreadyExistsError when the key is taken. */
  createNew(key: string, body: Uint8Array): Promise<void>;
  /** A new object written in pieces (the bronze copy); nothing is visible until `finish`. */
  createNewStream(key: string): Promise<NewObjectWriter>;
  /**
   * Replaces a control object if it is still at version `expected` (undefined: if there is none yet).
   * Returns false when another writer got there first: read it again and retry.
   */
  replace(key: string, body: Uint8Array, expected: string | undefined): Promise<boolean>;
  /** Every key under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** The names of the "folders" directly under a prefix (ending in `/`), sorted. */
  listFolders(prefix: string): Promise<string[]>;
  /** The file behind a key, for a local lake (DuckDB reads it directly); undefined on S3. */
  localPath(key: string): string | undefined;
}

export interface Versioned {
  readonly body: Buffer;
  readonly version: string;
}

export interface NewObjectWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the object visible; AlreadyExistsError when the key was taken meanwhile. */
  finish(): Promise<void>;
  /** Discards what was written. */
  abort(): Promise<void>;
}

export class AlreadyExistsError extends Error {
  constructor(readonly key: string) {
    super(`${key} already exists`);
  }
}

export class NotFoundError extends Error {
  constructor(readonly key: string) {
    super(`${key} does not exist`);
  }
}

/** The lake's layers by the first segment of a key, and the bucket each lives in on S3. */
export type BucketRole = 'bronze' | 'silver' | 'gold' | 'quarantine';

export function bucketRoleOf(key: string): BucketRole {
  const first = key.slice(0, key.indexOf('/'));
  switch (first) {
    case 'bronze':
    case 'silver':
    case 'gold':
    case 'quarantine':
      return first;
    case 'condemned':
      return 'quarantine';
    default:
      throw new Error(`not a lake key: ${key}`);
  }
}
