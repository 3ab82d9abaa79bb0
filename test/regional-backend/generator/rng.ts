/**
 * Seeded randomness and deterministic ids for the synthetic data generator.
 *
 * Everything the generator produces is a pure function of (seed, scale, workspace, now). Math.random
 * and crypto.randomUUID are never used: the same inputs must give byte-identical datasets, so a
 * failing test or a demo screenshot can be reproduced from its seed.
 */

/** 32-bit FNV-1a: turns labels into seed material. Not for security. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: a bijection on 32-bit integers with good avalanche. */
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Seed material from a list of labels and numbers (order matters). */
export function seedOf(parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) h = fmix32(hashString(`${String(part)}\u0000`, h));
  return h;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter): 128-bit state, passes PractRand, and is fast in
 * V8 because it stays in 32-bit integer arithmetic. Period ≥ 2^32 per stream is far beyond our needs.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = fmix32(seed ^ 0x9e3779b9);
    this.b = fmix32(seed ^ 0x243f6a88);
    this.c = fmix32(seed ^ 0xb7e15162);
    this.d = 1;
    // Warm-up so that nearby seeds diverge before the first value is used.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** An independent generator whose sequence depends only on the labels, not on draw order. */
  static keyed(...parts: ReadonlyArray<string | number>): Rng {
    return new Rng(seedOf(parts));
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('Rng.weighted: empty list');
    return last[0];
  }

  /** k distinct items in random order (k is clamped to the list length). */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex32 = (n: number): string =>
  (HEX[(n >>> 24) & 0xff] ?? '') +
  (HEX[(n >>> 16) & 0xff] ?? '') +
  (HEX[(n >>> 8) & 0xff] ?? '') +
  (HEX[n & 0xff] ?? '');

/**
 * Deterministic UUIDs per (seed, workspace, kind, index). The first 32 bits are a bijection of the
 * index within a kind, so two records of one kind can never collide; the other 96 bits make
 * collisions across kinds vanishingly unlikely. Ids are a function of the index, not of draw order,
 * so the audit stream can name the patient, call or review item number n without keeping a list.
 * Version and variant bits are set so `z.uuid()` (RFC 9562 v4) accepts them.
 */
export class IdSpace {
  private readonly base: number;
  private readonly kinds = new Map<string, readonly [number, number, number, number]>();

  constructor(seed: number, workspaceId: string) {
    this.base = seedOf(['ids', seed, workspaceId]);
  }

  uuid(kind: string, index: number): string {
    let keys = this.kinds.get(kind);
    if (!keys) {
      const k = hashString(kind, this.base);
      keys = [fmix32(k), fmix32(k ^ 0x68e31da4), fmix32(k ^ 0xb5297a4d), fmix32(k ^ 0x1b56c4e9)];
      this.kinds.set(kind, keys);
    }
    const l0 = fmix32((index + keys[0]) >>> 0);
    const l1 = fmix32(l0 ^ keys[1]);
    const l2 = fmix32(l1 ^ keys[2]);
    const l3 = fmix32(l2 ^ keys[3]);
    const h = hex32(l0) + hex32(l1) + hex32(l2) + hex32(l3);
    const variant = '89ab'[parseInt(h.charAt(16), 16) & 3] ?? '8';
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A 32-hex-digit token (call SIDs, request ids), same determinism as `uuid`. */
  hex(kind: string, index: number): string {
    return this.uuid(kind, index).replace(/-/g, '');
  }
}
