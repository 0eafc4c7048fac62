import type { Storage } from '../storage/storage';

/** Thrown when a control object changed under us too many times in a row, or holds what we cannot read. */
export class ControlObjectError extends Error {}

const MAX_ATTEMPTS = 20;

/**
 * Replaces a control object atomically (DESIGN.md, publishing): read it and its version, compute the
 * next content from what was read, and write it only if it is still that version (S3: If-Match on the
 * ETag, or If-None-Match: * when new; locally: an exclusive revision). A lost race starts again from a
 * fresh read, so one publisher never overwrites another's publish. `next` may throw to refuse (e.g. the
 * fresh state makes the publish invalid), and is asked again after a lost race; returning undefined
 * leaves the object as it is.
 */
export async function updateControlObject<T>(
  storage: Storage,
  key: string,
  parse: (body: Buffer) => T,
  next: (current: T | undefined) => T | undefined | Promise<T | undefined>,
  serialize: (value: T) => string = (v) => `${JSON.stringify(v, null, 2)}\n`,
): Promise<T | undefined> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const read = await storage.readVersioned(key);
    const current = read ? parse(read.body) : undefined;
    const value = await next(current);
    if (value === undefined) return current;
    if (await storage.replace(key, Buffer.from(serialize(value)), read?.version)) return value;
    // Another writer won: back off a little, then start again from what it wrote.
    await new Promise((r) => setTimeout(r, Math.min(200, 5 * attempt * attempt) * Math.random()));
  }
  throw new ControlObjectError(`${key} kept changing while publishing (${MAX_ATTEMPTS} attempts); try again`);
}

/** Parses a control object's JSON and checks its format tag. */
export function parseControlJson<T extends { format: string }>(body: Buffer, format: T['format'], key: string): T {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ControlObjectError(`${key} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== format) {
    throw new ControlObjectError(`${key} is not a ${format} object`);
  }
  return value as T;
}
