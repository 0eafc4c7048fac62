import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { AlreadyExistsError, bucketRoleOf, NotFoundError, type BucketRole, type NewObjectWriter, type Storage, type Versioned } from './storage';

export interface S3StorageOptions {
  /** The bucket of each layer (stacks/ and bucket-names.ts name them `{prefix}-{env}-{role}`). */
  readonly buckets: Readonly<Record<BucketRole, string>>;
  readonly client?: S3Client;
  /** An S3-compatible server (MinIO, a test server): path-style addressing. */
  readonly endpoint?: string;
  readonly region?: string;
  /**
   * Only for local test servers that do not know S3's newer checksum headers (s3rver): the SDK adds no
   * checksums of its own. Writes still carry lakec's SHA-256, which real S3 needs on object-locked bronze.
   */
  readonly relaxedChecksums?: boolean;
  /** Part size of multipart uploads (bronze copies of large deliveries). */
  readonly partBytes?: number;
  /** How messages name the lake (default: the silver bucket). */
  readonly label?: string;
}

const DEFAULT_PART_BYTES = 16 * 1024 * 1024;

/**
 * A lake on S3. New objects are written with `If-None-Match: *` (a taken key fails, never overwrites),
 * control objects are replaced with `If-Match` on the ETag that was read, and every write carries a
 * SHA-256 checksum (S3 verifies it; object-locked bronze requires one).
 */
export class S3Storage implements Storage {
  readonly client: S3Client;
  private readonly buckets: Readonly<Record<BucketRole, string>>;
  private readonly partBytes: number;
  readonly location: string;

  constructor(options: S3StorageOptions) {
    this.buckets = options.buckets;
    this.location = options.label ?? `s3://${options.buckets.silver}`;
    this.partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
    this.client =
      options.client ??
      new S3Client({
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
        ...(options.relaxedChecksums ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
      });
  }

  localPath(): undefined {
    return undefined;
  }

  private where(key: string): { Bucket: string; Key: string } {
    return { Bucket: this.buckets[bucketRoleOf(key)], Key: key };
  }

  async read(key: string): Promise<Buffer | undefined> {
    return (await this.readVersioned(key))?.body;
  }

  async readVersioned(key: string): Promise<Versioned | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand(this.where(key)));
      const body = Buffer.from(await out.Body!.transformToByteArray());
      return { body, version: out.ETag ?? '' };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand(this.where(key)));
      return out.ContentLength;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async openRead(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand(this.where(key)));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(key);
      throw err;
    }
  }

  async createNew(key: string, body: Uint8Array): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({ ...this.where(key), Body: body, IfNoneMatch: '*', ChecksumAlgorithm: 'SHA256', ChecksumSHA256: sha256Base64(body) }),
      );
    } catch (err) {
      if (isPreconditionFailed(err)) throw new AlreadyExistsError(key);
      throw err;
    }
  }

  async createNewStream(key: string): Promise<NewObjectWriter> {
    return new MultipartWriter(this, this.where(key), this.partBytes);
  }

  async replace(key: string, body: Uint8Array, expected: string | undefined): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          ...this.where(key),
          Body: body,
          ContentType: 'application/json',
          ...(expected === undefined ? { IfNoneMatch: '*' } : { IfMatch: expected }),
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: sha256Base64(body),
        }),
      );
      return true;
    } catch (err) {
      if (isPreconditionFailed(err)) return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.buckets[bucketRoleOf(prefix)], Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.split('/').pop()!.startsWith('.')) out.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async listFolders(prefix: string): Promise<string[]> {
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.buckets[bucketRoleOf(base)], Prefix: base, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.slice(base.length, -1));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.filter((n) => !n.startsWith('.')).sort();
  }
}

/**
 * A new object written in parts: one PutObject when it is small, else a multipart upload whose parts each
 * carry their SHA-256; completed with `If-None-Match: *`. One part is uploaded while the next fills.
 */
class MultipartWriter implements NewObjectWriter {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly storage: S3Storage,
    private readonly where: { Bucket: string; Key: string },
    private readonly partBytes: number,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.buffered.push(Buffer.from(chunk));
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes >= this.partBytes) await this.flushPart();
  }

  async finish(): Promise<void> {
    const client = this.storage.client;
    if (this.uploadId === undefined) {
      const body = Buffer.concat(this.buffered);
      this.buffered = [];
      try {
        await client.send(new PutObjectCommand({ ...this.where, Body: body, IfNoneMatch: '*', ChecksumAlgorithm: 'SHA256', ChecksumSHA256: sha256Base64(body) }));
      } catch (err) {
        if (isPreconditionFailed(err)) throw new AlreadyExistsError(this.where.Key);
        throw err;
      }
      return;
    }
    if (this.bufferedBytes > 0) await this.flushPart();
    await this.inFlight;
    try {
      await client.send(
        new CompleteMultipartUploadCommand({ ...this.where, UploadId: this.uploadId, IfNoneMatch: '*', MultipartUpload: { Parts: this.parts } }),
      );
    } catch (err) {
      await this.abort();
      if (isPreconditionFailed(err)) throw new AlreadyExistsError(this.where.Key);
      throw err;
    }
  }

  async abort(): Promise<void> {
    this.buffered = [];
    if (this.uploadId === undefined) return;
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    await this.inFlight?.catch(() => undefined);
    await this.storage.client.send(new AbortMultipartUploadCommand({ ...this.where, UploadId: uploadId })).catch(() => undefined);
  }

  private async flushPart(): Promise<void> {
    const client = this.storage.client;
    const body = Buffer.concat(this.buffered);
    this.buffered = [];
    this.bufferedBytes = 0;
    if (this.uploadId === undefined) {
      const created = await client.send(new CreateMultipartUploadCommand({ ...this.where, ChecksumAlgorithm: 'SHA256' }));
      this.uploadId = created.UploadId!;
    }
    await this.inFlight;
    const partNumber = this.parts.length + 1;
    const checksum = sha256Base64(body);
    const part: CompletedPart = { PartNumber: partNumber, ChecksumSHA256: checksum };
    this.parts.push(part);
    const where = this.where;
    const uploadId = this.uploadId;
    this.inFlight = (async () => {
      const out = await client.send(new UploadPartCommand({ ...where, UploadId: uploadId, PartNumber: partNumber, Body: body, ChecksumAlgorithm: 'SHA256', ChecksumSHA256: checksum }));
      part.ETag = out.ETag!;
    })();
  }
}

function sha256Base64(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64');
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
}

/** 412 Precondition Failed, or 409 ConditionalRequestConflict (a concurrent conditional write). */
function isPreconditionFailed(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || statusOf(err) === 412 || statusOf(err) === 409;
}

