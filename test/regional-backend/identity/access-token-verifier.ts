/**
 * Resource-server side: turn an `Authorization` (+ `DPoP`) header pair into AccessClaims, or an
 * IdentityError the simulator's API answers with (FastAPI shape `{ detail }`, amigo-platform-api.md
 * §8.2). Used in-process by the simulator that hosts the provider and, through createRemoteVerifier,
 * by a simulator of another region that trusts this provider over HTTP.
 *
 * Checks (RFC 9068 JWT access tokens, RFC 9449 DPoP, security-bar §2.5):
 * - the JWT: signature with the provider's keys, `typ: at+jwt`, `iss`, `aud`, `exp`;
 * - a token with `cnf.jkt` must come with the `DPoP` scheme and a proof: `typ: dpop+jwt`, an
 *   allowed asymmetric `alg`, public `jwk` whose thumbprint is `jkt`, `htm`, `htu` (no query or
 *   fragment), fresh `iat`, `ath` = SHA-256 of the token, unseen `jti`, and the server nonce when
 *   nonces are required;
 * - a token without `cnf.jkt` must come with the `Bearer` scheme;
 * - no `workspace_id` claim (a "bootstrap" token, §2.2) is not good enough for the API.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ROLES, type Role } from '../../../shared/amigo';
import { DPoPNonces } from './dpop-nonces';

export interface AccessClaims {
  sub: string;
  workspaceId: string;
  role: Role;
  scope: string;
  clientId: string;
  /** JWK thumbprint the token is bound to (DPoP), when it is sender-constrained. */
  jkt?: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/**
 * A refused request. `message` is the FastAPI-style `detail`. `headers` are what the API should
 * send with the error: always a `WWW-Authenticate` challenge (RFC 6750 §3 / RFC 9449 §7.1), plus
 * `DPoP-Nonce` when the client must retry with a server nonce (openid-client does so by itself).
 */
export class IdentityError extends Error {
  readonly status: 401 | 403;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: 401 | 403, detail: string, headers: Readonly<Record<string, string>> = {}) {
    super(detail);
    this.name = 'IdentityError';
    this.status = status;
    this.headers = headers;
  }
}

export interface VerifyRequestInput {
  authorization?: string;
  dpop?: string;
  method: string;
  /** The request URL as the client addressed it; a path is resolved against the verifier's origin. */
  url: string;
}

export type VerifyRequest = (request: VerifyRequestInput) => Promise<AccessClaims>;

/** Same list oidc-provider accepts for DPoP proofs by default (enabledJWA.dPoPSigningAlgValues). */
export const DPOP_ALGS = ['ES256', 'Ed25519', 'EdDSA'] as const;
/** How far a proof's `iat` may be from our clock (seconds). */
const PROOF_MAX_AGE = 60;
const CLOCK_TOLERANCE = 5;

export interface VerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  /** Origin used to resolve a path-only request URL (the API's own origin). */
  origin: string;
  nonces: DPoPNonces;
  requireDPoPNonce: boolean;
}

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** `htu` comparison: scheme, host, port and path; query and fragment ignored (RFC 9449 §4.3). */
function normalizeHtu(value: string, base?: string): string | undefined {
  const url = URL.parse(value, base);
  if (!url) return undefined;
  url.search = '';
  url.hash = '';
  return url.href;
}

/** Remembers proof `jti`s for as long as a proof could still pass the `iat` check. */
class ReplayCache {
  readonly #seen = new Map<string, number>();

  /** False when the key was seen before (a replay). */
  add(key: string, nowSeconds: number): boolean {
    if (this.#seen.size > 1000) {
      for (const [k, until] of this.#seen) if (until < nowSeconds) this.#seen.delete(k);
    }
    const until = this.#seen.get(key);
    if (until !== undefined && until >= nowSeconds) return false;
    this.#seen.set(key, nowSeconds + 2 * (PROOF_MAX_AGE + CLOCK_TOLERANCE));
    return true;
  }
}

export function createVerifier(options: VerifierOptions): VerifyRequest {
  const replays = new ReplayCache();
  const algs = DPOP_ALGS.join(' ');

  const bearerChallenge = (error: string): Record<string, string> => ({
    'WWW-Authenticate': error ? `Bearer error="${error}"` : 'Bearer',
  });
  const dpopChallenge = (error: string, description: string): Record<string, string> => ({
    'WWW-Authenticate': `DPoP error="${error}", error_description="${description}", algs="${algs}"`,
  });
  const refuse = (scheme: 'Bearer' | 'DPoP', detail: string): IdentityError =>
    new IdentityError(
      401,
      detail,
      scheme === 'DPoP' ? dpopChallenge('invalid_token', detail) : bearerChallenge('invalid_token'),
    );
  const badProof = (reason: string): IdentityError =>
    new IdentityError(401, `Invalid DPoP proof: ${reason}`, dpopChallenge('invalid_dpop_proof', reason));

  async function checkProof(
    proof: string | undefined,
    token: string,
    jkt: string,
    request: VerifyRequestInput,
  ): Promise<void> {
    if (!proof)
      throw new IdentityError(401, 'DPoP proof required', dpopChallenge('invalid_token', 'DPoP proof required'));
    if (proof.includes(',')) throw badProof('exactly one DPoP header is allowed');
    let payload: JWTPayload;
    let thumbprint: string;
    try {
      const header = decodeProtectedHeader(proof);
      if (header.jwk && 'd' in header.jwk) throw badProof('jwk must be a public key');
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGS] });
      payload = verified.payload;
      // EmbeddedJWK already required a jwk header; the check keeps the type narrow for the thumbprint.
      if (!verified.protectedHeader.jwk) throw badProof('missing jwk');
      thumbprint = await calculateJwkThumbprint(verified.protectedHeader.jwk, 'sha256');
    } catch (error) {
      if (error instanceof IdentityError) throw error;
      throw badProof('signature, typ or alg not acceptable');
    }
    if (thumbprint !== jkt) throw badProof('key does not match the token binding');
    if (payload.htm !== request.method.toUpperCase()) throw badProof('htm mismatch');
    const htu = typeof payload.htu === 'string' ? normalizeHtu(payload.htu) : undefined;
    if (!htu || htu !== normalizeHtu(request.url, options.origin)) throw badProof('htu mismatch');
    if (payload.ath !== sha256(token)) throw badProof('ath mismatch');
    if (typeof payload.jti !== 'string' || payload.jti.length === 0) throw badProof('missing jti');
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > PROOF_MAX_AGE + CLOCK_TOLERANCE) {
      throw badProof('iat is not recent');
    }
    if (payload.nonce !== undefined && (typeof payload.nonce !== 'string' || !options.nonces.check(payload.nonce))) {
      throw nonceChallenge('invalid nonce in DPoP proof');
    }
    if (options.requireDPoPNonce && payload.nonce === undefined)
      throw nonceChallenge('nonce is required in the DPoP proof');
    if (!replays.add(`${jkt}:${payload.jti}`, now)) throw badProof('jti was already used');
  }

  const nonceChallenge = (description: string): IdentityError =>
    new IdentityError(401, 'DPoP nonce required', {
      ...dpopChallenge('use_dpop_nonce', description),
      'DPoP-Nonce': options.nonces.next(),
    });

  return async function verifyRequest(request) {
    const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i.exec(request.authorization?.trim() ?? '');
    if (!request.authorization) throw new IdentityError(401, 'Not authenticated', bearerChallenge(''));
    if (!match?.[1] || !match[2]) throw refuse('Bearer', 'Invalid authorization header');
    const scheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2];

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE,
      }));
    } catch (error) {
      const detail = error instanceof joseErrors.JWTExpired ? 'Token has expired' : 'Invalid or expired token';
      throw refuse(scheme, detail);
    }

    const cnf = payload.cnf;
    const jkt =
      typeof cnf === 'object' && cnf !== null && 'jkt' in cnf && typeof cnf.jkt === 'string' ? cnf.jkt : undefined;
    if (jkt) {
      if (scheme !== 'DPoP') throw refuse('DPoP', 'DPoP-bound token must be sent with the DPoP authorization scheme');
      await checkProof(request.dpop, token, jkt, request);
    } else if (scheme === 'DPoP') {
      throw refuse('DPoP', 'Token is not DPoP-bound; use the Bearer scheme');
    }

    const { sub, exp, workspace_id: workspaceId, role, scope, client_id: clientId } = payload;
    if (typeof sub !== 'string' || typeof exp !== 'number') throw refuse(scheme, 'Invalid or expired token');
    if (typeof workspaceId !== 'string' || workspaceId === '') {
      throw refuse(scheme, 'Token is not scoped to a workspace; exchange it for a workspace token first');
    }
    if (!isRole(role)) throw refuse(scheme, 'Invalid or expired token');
    return {
      sub,
      workspaceId,
      role,
      scope: typeof scope === 'string' ? scope : '',
      clientId: typeof clientId === 'string' ? clientId : '',
      ...(jkt ? { jkt } : {}),
      exp,
    };
  };
}

export interface RemoteVerifierOptions {
  /** The verifying API's own origin, to resolve path-only request URLs (default: the issuer). */
  origin?: string;
  /** Demand DPoP nonces from this verifier's clients (default false). */
  requireDPoPNonce?: boolean;
}

/**
 * A verifier for another simulator (e.g. a second region) that trusts this provider: it reads the
 * issuer's discovery document and JWKS over HTTP (cached and refreshed by jose on unknown `kid`).
 * Nonces, when required, are its own (a different origin has its own nonce, RFC 9449 §9).
 */
export function createRemoteVerifier(
  issuer: string,
  audience: string,
  options: RemoteVerifierOptions = {},
): { verifyRequest: VerifyRequest } {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const loadKeys = async (): Promise<JWTVerifyGetKey> => {
    const response = await fetch(new URL('/.well-known/openid-configuration', issuer));
    if (!response.ok) throw new Error(`discovery at ${issuer} answered ${response.status}`);
    const metadata: unknown = await response.json();
    const meta = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
    if (meta.issuer !== issuer || typeof meta.jwks_uri !== 'string')
      throw new Error(`discovery at ${issuer} is not for that issuer`);
    const jwksUri = new URL(meta.jwks_uri);
    if (jwksUri.origin !== new URL(issuer).origin) throw new Error('jwks_uri is not on the issuer origin');
    return createRemoteJWKSet(jwksUri);
  };
  const getKey: JWTVerifyGetKey = async (header, token) => {
    keys ??= loadKeys().catch((error: unknown) => {
      keys = undefined; // try discovery again on the next request
      throw error;
    });
    return (await keys)(header, token);
  };
  const verify = createVerifier({
    issuer,
    audience,
    keys: getKey,
    origin: options.origin ?? issuer,
    nonces: new DPoPNonces(randomBytes(32)),
    requireDPoPNonce: options.requireDPoPNonce ?? false,
  });
  return { verifyRequest: verify };
}
