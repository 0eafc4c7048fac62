/**
 * A set of 96-bit fingerprints (three 32-bit words) in one flat Int32Array with linear probing: 12 bytes a
 * key at a load factor of at most 3/4, where a JavaScript Set of 64-character hex strings would take ten
 * times that. Used for the exact-duplicate check (the first 96 bits of `_row_hash`) and for `unique` columns
 * (valueFingerprint): with 10 million keys, the chance that two different keys share a fingerprint is
 * about 10^-15.
 */
export class FingerprintSet {
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < initialCapacity) cap <<= 1;
    this.slots = new Int32Array(cap * 3);
    this.mask = cap - 1;
  }

  /**
   * Where the key is (a slot index ≥ 0), or where it would go (-1 - slot): one probe for "is it there?"
   * followed, when the caller decides to keep it, by insertAt without probing again.
   */
  find(a: number, b: number, c: number): number {
    if ((a | b | c) === 0) a = 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    const slots = this.slots;
    for (;;) {
      const at = i * 3;
      const x = slots[at]!;
      const y = slots[at + 1]!;
      const z = slots[at + 2]!;
      if ((x | y | z) === 0) return -1 - i;
      if (x === a && y === b && z === c) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Inserts a key at the free slot `find` returned (-1 - slot), with no other insert in between. */
  insertAt(found: number, a: number, b: number, c: number): void {
    if ((a | b | c) === 0) a = 1;
    const at = (-1 - found) * 3;
    this.slots[at] = a;
    this.slots[at + 1] = b;
    this.slots[at + 2] = c;
    if (++this.size * 4 > (this.mask + 1) * 3) this.grow();
  }

  /** Adds the key; false when it was already there. */
  add(a: number, b: number, c: number): boolean {
    if ((a | b | c) === 0) a = 1; // all-zero marks an empty slot
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    const slots = this.slots;
    for (;;) {
      const at = i * 3;
      const x = slots[at]!;
      const y = slots[at + 1]!;
      const z = slots[at + 2]!;
      if ((x | y | z) === 0) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = c;
        if (++this.size * 4 > (this.mask + 1) * 3) this.grow();
        return true;
      }
      if (x === a && y === b && z === c) return false;
      i = (i + 1) & this.mask;
    }
  }

  has(a: number, b: number, c: number): boolean {
    if ((a | b | c) === 0) a = 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    const slots = this.slots;
    for (;;) {
      const at = i * 3;
      const x = slots[at]!;
      const y = slots[at + 1]!;
      const z = slots[at + 2]!;
      if ((x | y | z) === 0) return false;
      if (x === a && y === b && z === c) return true;
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Loads the home slots of keys `from`..`to` of `keys` (three words each) and returns a value depending on
   * them, so that the memory of a small group of lookups is fetched at once (their misses overlap) before
   * the lookups themselves run one by one.
   */
  touch(keys: Int32Array, from: number, to: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let sum = 0;
    for (let k = from; k < to; k++) sum ^= slots[((keys[k * 3]! ^ Math.imul(keys[k * 3 + 1]!, 0x9e3779b1)) & mask) * 3]!;
    return sum;
  }

  forEach(visit: (a: number, b: number, c: number) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += 3) {
      if ((slots[at]! | slots[at + 1]! | slots[at + 2]!) !== 0) visit(slots[at]!, slots[at + 1]!, slots[at + 2]!);
    }
  }

  /** Bytes held (for the run summary). */
  get bytes(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.size = 0;
    for (let at = 0; at < old.length; at += 3) {
      if ((old[at]! | old[at + 1]! | old[at + 2]!) !== 0) this.add(old[at]!, old[at + 1]!, old[at + 2]!);
    }
  }
}

/**
 * A 96-bit fingerprint of a value's canonical text (for `unique` columns): three independently seeded
 * 32-bit multiplicative hashes over the characters, each finished with murmur3's avalanche.
 */
export function valueFingerprint(text: string, out: Int32Array): void {
  let h1 = 0x811c9dc5 ^ text.length;
  let h2 = 0x9747b28c;
  let h3 = 0x2545f491;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 13;
    h3 = Math.imul(h3 + c, 0x27d4eb2f);
    h3 = (h3 << 7) | (h3 >>> 25);
  }
  out[0] = fmix(h1 ^ h3);
  out[1] = fmix(h2 + h1);
  out[2] = fmix(h3 ^ Math.imul(h2, 0x85ebca6b));
}

/** valueFingerprint of the bytes `bytes[s..e)` (a cell: its bytes are the characters of its latin1 text). */
export function valueFingerprintOfBytes(bytes: Uint8Array, s: number, e: number, out: Int32Array): void {
  let h1 = 0x811c9dc5 ^ (e - s);
  let h2 = 0x9747b28c;
  let h3 = 0x2545f491;
  for (let i = s; i < e; i++) {
    const c = bytes[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 13;
    h3 = Math.imul(h3 + c, 0x27d4eb2f);
    h3 = (h3 << 7) | (h3 >>> 25);
  }
  out[0] = fmix(h1 ^ h3);
  out[1] = fmix(h2 + h1);
  out[2] = fmix(h3 ^ Math.imul(h2, 0x85ebca6b));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
