/**
 * DPoP server nonces (RFC 9449 §8/§9), computed exactly as oidc-provider 9 computes them
 * (lib/helpers/challenge.js: HKDF-SHA256 over the secret, a 60 s time step and the info "DPoP";
 * the two previous and two next steps are accepted). The in-process resource server uses the
 * provider's own `nonceSecret`, so a nonce a client learnt at /token is also good at the API on the
 * same origin: a DPoP client keeps one nonce per origin, as openid-client does.
 */
import { hkdfSync, timingSafeEqual } from 'node:crypto';

const STEP_SECONDS = 60;

export class DPoPNonces {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    if (secret.byteLength !== 32) throw new TypeError('DPoP nonce secret must be 32 bytes');
    this.#secret = Buffer.from(secret);
  }

  #compute(step: number): string {
    const salt = Buffer.alloc(8);
    salt.writeBigUInt64BE(BigInt(step));
    return Buffer.from(hkdfSync('sha256', this.#secret, salt, 'DPoP', 32)).toString('base64url');
  }

  #step(): number {
    return Math.floor(Date.now() / 1000 / STEP_SECONDS);
  }

  /** The nonce to hand out now (oidc-provider hands out the next step's value). */
  next(): string {
    return this.#compute(this.#step() + 1);
  }

  check(nonce: string): boolean {
    const step = this.#step();
    const given = Buffer.from(nonce);
    let matched = false;
    for (let s = step - 2; s <= step + 2; s += 1) {
      const expected = Buffer.from(this.#compute(s));
      if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
    }
    return matched;
  }
}
