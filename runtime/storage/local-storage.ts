import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { AlreadyExistsError, NotFoundError, type NewObjectWriter, type Storage, type Versioned } from './storage';

/**
 * A lake in a local folder. New objects are written to a hidden temporary file, flushed to disk and
 * hard-linked into place — link() fails when the name exists, so creation is exclusive and a reader never
 * sees half a file. Control objects keep a revision log beside them (`.{name}.revisions/0000000007`,
 * each revision created exclusively): the revision number is the version a conditional replace checks,
 * and a publisher killed between writing a revision and renaming the pointer leaves a revision the next
 * writer rolls forward.
 */
export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  localPath(key: string): string {
    if (key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '.')) throw new Error(`unsafe lake key: ${key}`);
    return join(this.root, ...key.split('/'));
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.localPath(key));
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const st = await stat(this.localPath(key));
      return st.isFile() ? st.size : undefined;
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  async openRead(key: string): Promise<Readable> {
    const path = this.localPath(key);
    if ((await this.size(key)) === undefined) throw new NotFoundError(key);
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }

  async createNew(key: string, body: Uint8Array): Promise<void> {
    const path = this.localPath(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = tempName(path);
    await writeDurably(tmp, body);
    await commitExclusive(tmp, path, key);
  }

  async createNewStream(key: string): Promise<NewObjectWriter> {
    const path = this.localPath(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = tempName(path);
    const handle = await open(tmp, 'wx');
    let done = false;
    return {
      write: async (chunk) => {
        let off = 0;
        while (off < chunk.length) off += (await handle.write(chunk, off, chunk.length - off)).bytesWritten;
      },
      finish: async () => {
        done = true;
        await handle.sync();
        await handle.close();
        await commitExclusive(tmp, path, key);
      },
      abort: async () => {
        if (done) return;
        done = true;
        await handle.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
      },
    };
  }

  async readVersioned(key: string): Promise<Versioned | undefined> {
    const path = this.localPath(key);
    const latest = await this.latestRevision(path);
    if (latest === undefined) {
      const body = await this.read(key);
      return body ? { body, version: '0' } : undefined;
    }
    const body = await readFile(revisionPath(path, latest));
    // Roll the pointer forward if a publisher stopped between its revision and the rename.
    const pointer = await this.read(key);
    if (!pointer || !pointer.equals(body)) {
      try {
        const tmp = tempName(path);
        await writeDurably(tmp, body);
        if ((await this.latestRevision(path)) === latest) await rename(tmp, path);
        else await unlink(tmp);
      } catch {
        // A read-only lake: readers still get the committed revision.
      }
    }
    return { body, version: String(latest) };
  }

  async replace(key: string, body: Uint8Array, expected: string | undefined): Promise<boolean> {
    const path = this.localPath(key);
    const next = expected === undefined ? 1 : Number(expected) + 1;
    if (!Number.isSafeInteger(next) || next < 1) throw new Error(`bad version ${expected} for ${key}`);
    await mkdir(join(dirname(path), `.${basename(path)}.revisions`), { recursive: true });
    const tmp = tempName(path);
    await writeDurably(tmp, body);
    try {
      await link(tmp, revisionPath(path, next));
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      if (isCode(err, 'EEXIST')) return false;
      throw err;
    }
    await rename(tmp, path);
    syncDir(dirname(path));
    return true;
  }

  async list(prefix: string): Promise<string[]> {
    const dir = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
    const out: string[] = [];
    const walk = async (key: string) => {
      let entries;
      try {
        entries = await readdir(this.localPath(key), { withFileTypes: true });
      } catch (err) {
        if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return;
        throw err;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        if (e.isDirectory()) await walk(`${key}/${e.name}`);
        else if (e.isFile()) out.push(`${key}/${e.name}`);
      }
    };
    await walk(dir);
    return out.sort();
  }

  async listFolders(prefix: string): Promise<string[]> {
    const dir = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
    try {
      const entries = await readdir(this.localPath(dir), { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return [];
      throw err;
    }
  }

  private async latestRevision(path: string): Promise<number | undefined> {
    let names: string[];
    try {
      names = await readdir(join(dirname(path), `.${basename(path)}.revisions`));
    } catch (err) {
      if (isCode(err, 'ENOENT')) return undefined;
      throw err;
    }
    let max: number | undefined;
    for (const n of names) {
      const m = /^([0-9]{10})\.json$/.exec(n);
      if (m && (max === undefined || Number(m[1]) > max)) max = Number(m[1]);
    }
    return max;
  }
}

function revisionPath(path: string, n: number): string {
  return join(dirname(path), `.${basename(path)}.revisions`, `${String(n).padStart(10, '0')}.json`);
}

/** A hidden name in the same folder: Athena, DuckDB globs and `list` skip names starting with `.`. */
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function writeDurably(path: string, body: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    let off = 0;
    while (off < body.length) off += (await handle.write(body, off, body.length - off)).bytesWritten;
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Links the finished temporary file into place (exclusive), then removes the temporary name. */
async function commitExclusive(tmp: string, path: string, key: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (isCode(err, 'EEXIST')) throw new AlreadyExistsError(key);
    throw err;
  }
  await unlink(tmp);
  syncDir(dirname(path));
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every file system lets a directory be synced; the data itself already is.
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === code;
}
