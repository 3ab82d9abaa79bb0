/**
 * The provider's signing keys: one RS256 key generated the first time a data directory is used and
 * kept in `<dataDir>/jwks.json` (mode 0600), so tokens minted before a simulator restart still verify
 * after it. RS256 because Amigo's identity service signs RS256 JWTs (amigo-platform-api.md §2.1).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export const JWKS_FILE = 'jwks.json';
export const SIGNING_ALG = 'RS256';

/** Private JWKS as oidc-provider's `jwks` option expects it. */
export interface PrivateJwks {
  keys: JWK[];
}

const isPrivateRsaJwk = (value: unknown): value is JWK =>
  typeof value === 'object' &&
  value !== null &&
  (value as JWK).kty === 'RSA' &&
  typeof (value as JWK).d === 'string' &&
  typeof (value as JWK).kid === 'string';

function parseJwks(text: string, file: string): PrivateJwks {
  const parsed: unknown = JSON.parse(text);
  const keys: unknown = typeof parsed === 'object' && parsed !== null ? (parsed as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPrivateRsaJwk)) {
    throw new Error(`${file} is not a private RSA JWKS; delete it to generate a new signing key`);
  }
  return { keys };
}

async function generateJwks(): Promise<PrivateJwks> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = SIGNING_ALG;
  jwk.use = 'sig';
  return { keys: [jwk] };
}

export async function loadOrCreateJwks(dataDir: string): Promise<PrivateJwks> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, JWKS_FILE);
  try {
    return parseJwks(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwks = await generateJwks();
  try {
    // 'wx': never overwrite a key another instance wrote in the meantime; its key wins.
    await writeFile(file, `${JSON.stringify(jwks)}\n`, { mode: 0o600, flag: 'wx' });
    return jwks;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseJwks(await readFile(file, 'utf8'), file);
  }
}

/** The public half, for verifying tokens in-process without an HTTP round trip. */
export function publicJwks(jwks: PrivateJwks): { keys: JWK[] } {
  return {
    keys: jwks.keys.map(({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use })),
  };
}
