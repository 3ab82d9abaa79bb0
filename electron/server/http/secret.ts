/**
 * The per-launch secret every request must carry (architecture.md §4, security-bar L-03): at
 * least 128 random bits, compared in constant time, replaced on sign-out or lock (`rotate`), so a
 * secret that leaked from one session opens nothing in the next.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_BYTES = 32;
/** 128 bits of base64url is 22 characters: the shortest secret accepted from a launcher. */
const MIN_SECRET_CHARS = 22;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface Secret {
  /** The current value, for the launcher to hand over (preload, or the one-time launch URL). */
  reveal(): string;
  /** Constant-time check of a presented value. */
  matches(candidate: string | undefined): boolean;
  /** Replaces the value; the old one stops working at once. Answers the new value. */
  rotate(): string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A new secret, or one the launcher generated (it must be base64url with ≥ 128 bits). Values are
 * compared as SHA-256 digests: timingSafeEqual needs equal lengths, and hashing first means the
 * comparison time does not depend on the presented value's length either.
 */
export const createSecret = (initial?: string): Secret => {
  if (initial !== undefined && (initial.length < MIN_SECRET_CHARS || !BASE64URL.test(initial))) {
    throw new TypeError('createSecret: the secret must be base64url with at least 128 bits');
  }
  let value = initial ?? randomBytes(SECRET_BYTES).toString('base64url');
  let expected = digest(value);
  return {
    reveal: () => value,
    matches: (candidate) => {
      if (candidate === undefined || candidate.length === 0 || candidate.length > 512) return false;
      return timingSafeEqual(digest(candidate), expected);
    },
    rotate: () => {
      value = randomBytes(SECRET_BYTES).toString('base64url');
      expected = digest(value);
      return value;
    },
  };
};
