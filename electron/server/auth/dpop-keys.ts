/**
 * DPoP key pairs (RFC 9449, security-bar O-40). A public client's refresh token is bound to the
 * key that proved possession when it was issued, so the private key must live as long as the
 * refresh token: it is kept in the OS keychain beside it, as a private JWK (P-256, ES256), and
 * imported back as a non-extractable CryptoKey. Nothing else ever sees the private half.
 */
import { webcrypto } from 'node:crypto';
import { z } from 'zod';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

const b64u = z.string().regex(/^[A-Za-z0-9_-]+$/);
const privateJwk = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64u, y: b64u, d: b64u });

/** A key pair as openid-client's DPoP handle wants it: private half not extractable. */
export type DPoPKeyPair = webcrypto.CryptoKeyPair;

export class DPoPKeyError extends Error {
  override readonly name = 'DPoPKeyError';
}

async function importPair(jwk: z.infer<typeof privateJwk>): Promise<DPoPKeyPair> {
  const privateKey = await webcrypto.subtle.importKey('jwk', { ...jwk, ext: false }, ALGORITHM, false, ['sign']);
  const { d: _private, ...publicJwk } = jwk;
  // oauth4webapi exports the public key to put it in each proof's header: it must be extractable.
  const publicKey = await webcrypto.subtle.importKey('jwk', publicJwk, ALGORITHM, true, ['verify']);
  return { privateKey, publicKey };
}

/** A fresh key pair, and its serialized form for the keychain (the only copy that leaves memory). */
export async function createDPoPKey(): Promise<{ pair: DPoPKeyPair; stored: string }> {
  const generated = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const exported = privateJwk.parse(await webcrypto.subtle.exportKey('jwk', generated.privateKey));
  const stored = JSON.stringify({ kty: exported.kty, crv: exported.crv, x: exported.x, y: exported.y, d: exported.d });
  return { pair: await importPair(exported), stored };
}

/** Reads a key written by createDPoPKey; a damaged entry is an error, never silently replaced. */
export async function readDPoPKey(stored: string): Promise<DPoPKeyPair> {
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    throw new DPoPKeyError('The device key in the keychain is damaged.');
  }
  const parsed = privateJwk.safeParse(json);
  if (!parsed.success) throw new DPoPKeyError('The device key in the keychain is damaged.');
  try {
    return await importPair(parsed.data);
  } catch {
    throw new DPoPKeyError('The device key in the keychain is damaged.');
  }
}
